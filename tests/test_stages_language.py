"""The `stages:` section of a ruleset (docs/stages.md): what it accepts and every
mistake refused with its element path."""

import pytest

from engine import RulesetError
from engine.loader import load_text as build_text

from .conftest import build


def stage(id_="self_review", **extra):
    return {"id": id_, "title": "村自评", "role": "submitter", "level": "村", **extra}


def problems_of(*stages):
    with pytest.raises(RulesetError) as caught:
        build(stages=list(stages))
    return {p.path: p.message for p in caught.value.problems}


def test_stages_are_read_in_order_with_levels_by_either_name():
    loaded = build(stages=[stage(), stage("township_review", role="reviewer", level="township", may_edit=False)])
    assert [(s.id, s.level, s.may_edit) for s in loaded.model.stages] == [
        ("self_review", "村", True),
        ("township_review", "township", False),
    ]


def test_no_stages_is_a_ruleset_as_before():
    assert build().model.stages == []


def test_a_level_that_is_not_a_unit_kind():
    problems = problems_of(stage(), stage("review", level="乡政府"))
    assert set(problems) == {"stages[1].level"}
    assert "乡政府 不是单位层级" in problems["stages[1].level"]


def test_a_role_not_of_the_service():
    problems = problems_of(stage(role="auditor"))
    assert set(problems) == {"stages[0].role"}


def test_an_id_used_twice_names_both_places():
    problems = problems_of(stage(), stage())
    assert "stages[0].id" in problems["stages[1].id"]


def test_the_first_stage_must_submit():
    problems = problems_of(stage(may_edit=False))
    assert set(problems) == {"stages[0].may_edit"}
    assert "第一个环节" in problems["stages[0].may_edit"]


@pytest.mark.parametrize("missing", ["id", "title", "role", "level"])
def test_each_field_is_required(missing):
    given = stage()
    del given[missing]
    assert f"stages[0].{missing}" in problems_of(given)


def test_an_unknown_field_is_refused():
    assert "stages[0].acts" in problems_of(stage(acts="twice"))


def test_the_indicator_table_keeps_the_stages_and_locates_their_mistakes():
    """docs/editor-tools.md: the 评议环节 sheet, one stage a row."""
    import io

    from engine.indicator_table import TableError, read_table, workbook_of

    from .conftest import VILLAGE_TEXT

    book = workbook_of(build_text(VILLAGE_TEXT).model)
    sheet = book["评议环节"]
    assert [c.value for c in sheet[5]] == ["county_approval", "县委组织部审定", "admin", "县", "否"]
    sheet["D3"], sheet["E2"] = "国", "也许"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(TableError) as caught:
        read_table(buffer.getvalue())
    problems = caught.value.problems
    assert any(p.startswith("「评议环节」表第 2 行「可修改」列") for p in problems), problems
    book["评议环节"]["E2"] = "是"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(TableError) as caught:
        read_table(buffer.getvalue())
    [problem] = caught.value.problems
    assert problem.startswith("「评议环节」表第 3 行「层级」列") and "国 不是单位层级" in problem


def test_a_versions_difference_names_its_stages():
    from engine.diff import diff_rulesets

    from .conftest import VILLAGE_TEXT

    after = build_text(VILLAGE_TEXT).model
    before = after.model_copy(update={"stages": after.stages[:2]})
    moved = after.stages[0].model_copy(update={"level": "乡镇"})
    changed = after.model_copy(update={"stages": [moved, *after.stages[1:]]})
    added = {(c.element, c.id, c.change) for c in diff_rulesets(before, after).changes}
    assert added == {("stage", "county_review", "added"), ("stage", "county_approval", "added")}
    [level] = diff_rulesets(after, changed).changes
    assert (level.element, level.id, level.change) == ("stage", "self_review", "changed")
    assert any("乡镇" in d for d in level.details)

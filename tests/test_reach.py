"""What it takes to reach a higher grade: each suggested change, applied, reaches it."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from api.cli import app
from engine import load_ruleset, score
from engine.reach import what_it_takes

from .conftest import ROOT, village_submission

runner = CliRunner()
VILLAGE = load_ruleset(ROOT / "rulesets" / "village-branch-stars.yaml")


def _value(name: str, spec):
    if spec.type == "boolean":
        return st.booleans()
    if spec.type == "choice":
        return st.sampled_from(spec.choices)
    low, high = int(spec.min), int(min(spec.max, spec.min + 150))
    if spec.type == "integer":
        return st.integers(low, high)
    return st.integers(low * 10, high * 10).map(lambda n: Decimal(n) / 10)


def _submission():
    fields = {
        name: _value(name, spec)
        for name, spec in VILLAGE.model.inputs.items()
        if spec.type != "text" and name not in ("village_bully_cases", "falsified_data")
    }
    fields["migrant_members_contact_pct"] = st.one_of(st.just("NA"), fields["migrant_members_contact_pct"])
    fields["village_bully_cases"] = st.sampled_from([0, 0, 0, 1])
    fields["falsified_data"] = st.sampled_from([False, False, False, True])

    def consistent(data: dict) -> dict:
        if data["years_without_new_member"] >= 2:
            data["members_developed_2y"] = 0
        if not data["has_activity_site"]:
            data["site_area"] = 0
        return data

    return st.fixed_dictionaries(fields).map(consistent)


def _applied(change) -> object:
    spec = VILLAGE.model.inputs[change.input]
    if spec.type == "integer":
        return int(change.proposed)
    if spec.type == "number":
        return Decimal(change.proposed)
    return change.proposed


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_submission())
def test_applying_a_suggested_change_reaches_the_grade_it_promised(data):
    result = score(VILLAGE, data)
    advised = what_it_takes(VILLAGE, data, result)
    assert [s.model_copy(update={"what_it_takes": None}) for s in advised.grades_not_reached] == list(
        result.grades_not_reached
    )
    for step in advised.grades_not_reached:
        taken = step.what_it_takes
        assert taken is not None and taken.points_missing == step.points_missing
        if step.vetoed_by:
            assert taken.routes == [] and "被否决" in taken.note
        sizes = [len(route.changes) for route in taken.routes]
        assert sizes == sorted(sizes)
        target = VILLAGE.model.grade_index(step.id)
        for route in taken.routes:
            changed = dict(data, **{c.input: _applied(c) for c in route.changes})
            reached = score(VILLAGE, changed)
            assert reached.grade is not None and VILLAGE.model.grade_index(reached.grade.id) <= target
            assert (reached.total, reached.grade.id) == (route.total, route.grade)
            for change in route.changes:
                spec = VILLAGE.model.inputs[change.input]
                if spec.numeric:
                    assert spec.min <= Decimal(change.proposed) <= spec.max
                assert change.input not in {"village_bully_cases", "falsified_data", "assistance_rating"}


def test_the_hongqi_village_learns_what_would_make_it_five_stars():
    data = village_submission()["data"]
    result = what_it_takes(VILLAGE, data, score(VILLAGE, data))
    [five] = result.grades_not_reached
    routes = five.what_it_takes.routes
    assert [(c.input, c.current, c.proposed) for c in routes[0].changes] == [("collective_income", "6.2", "10")]
    assert all(len(r.changes) == 1 for r in routes)
    assert ("innovation_cases", 1, 3) in [
        (r.changes[0].input, r.changes[0].current, r.changes[0].proposed) for r in routes
    ]
    assert "branch_assemblies" in five.what_it_takes.cannot_help


def test_stored_results_keep_their_fields_and_the_cli_shows_the_advice():
    data = village_submission()["data"]
    assert "what_it_takes" not in score(VILLAGE, data).model_dump_json()
    village, example = (
        str(ROOT / "rulesets" / "village-branch-stars.yaml"),
        str(ROOT / "examples" / "village-hongqi.json"),
    )
    result = runner.invoke(app, ["score", village, example])
    assert (
        "  五星: 未评定 — 总分未达 90, 差 1.67 分\n    要达到五星 (任选一种, 改变的输入越少越靠前):\n" in result.output
    )
    assert "      1. 村集体经济年收入 collective_income 6.2 → 10 (总分 90.33)" in result.output
    result = runner.invoke(app, ["score", "--json", village, example])
    assert '"what_it_takes"' in result.output and '"routes"' in result.output


def test_a_grade_needing_several_changes_gets_one_combined_route():
    data = dict(village_submission()["data"], collective_income=3, innovation_cases=0, member_led_projects=1)
    result = what_it_takes(VILLAGE, data, score(VILLAGE, data))
    five = next(s for s in result.grades_not_reached if s.id == "five")
    [route] = five.what_it_takes.routes
    assert len(route.changes) > 1 and route.grade == "five"
    changed = dict(data, **{c.input: _applied(c) for c in route.changes})
    assert score(VILLAGE, changed).grade.id == "five"

"""The submit page without a browser: the form lists every input with its title, unit
and range; wrong values come back beside their fields, all at once, typed values kept;
a good submission lands on the score's page; roles without submitting are refused."""

from __future__ import annotations

import html
import json
import re

from api.web.forms import input_groups
from engine import load_ruleset, score
from engine.messages import say
from tests.conftest import ROOT, VILLAGE_TEXT, village_submission

PAGE = "/ui/rulesets/village-branch-stars/submit"


def form_of(changes: dict | None = None, **extra) -> dict:
    """The example village's data as the form posts it: booleans as 是/否, NA as the box."""
    example = village_submission(**(changes or {}))
    form = {"unit": example["unit"]["id"], "period": example["period"]}
    for name, value in example["data"].items():
        if value == "NA":
            form[f"na:{name}"] = "1"
        elif isinstance(value, bool):
            form[name] = "是" if value else "否"
        else:
            form[name] = str(value)
    return {**form, **extra}


def field_errors(text: str, name: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(rf'<p class="field-error" id="err-{name}">([^<]*)</p>', text)]


def test_the_form_lists_every_input_with_its_title_unit_and_range(village_service):
    page = village_service.client.get(PAGE, headers=village_service.headers("submitter"))
    assert page.status_code == 200
    ruleset = load_ruleset(VILLAGE_TEXT)
    for name, spec in ruleset.model.inputs.items():
        block = re.search(
            rf'<div class="input[^"]*" data-input="{name}">(.*?)</div>\s*(?=<div class="input|</div>)', page.text, re.S
        )
        assert block, name
        text = html.unescape(block[1])
        assert spec.title in text
        if spec.unit:
            assert f'<span class="unit">{spec.unit}</span>' in text
        if spec.min is not None and spec.max is not None:
            assert f"范围 {spec.min}–{spec.max}" in text
        if spec.na_allowed:
            assert f'name="na:{name}"' in text
        for choice in spec.choices or ():
            assert f">{choice}</option>" in text
    assert '<option value="cgz-hongqi">红旗村（cgz-hongqi）</option>' in page.text
    assert "<legend>组织建设</legend>" in page.text


def test_inputs_are_grouped_by_first_use_weights_first_and_unread_last():
    groups = {g.title: [f.id for f in g.fields] for g in input_groups(load_ruleset(VILLAGE_TEXT))}
    assert "branch_assemblies" in groups["组织建设"]
    assert "collective_income" in groups["发展集体经济"]
    others = say("page.form.others")
    assert "falsified_data" in groups[others] and "remarks" in groups[others]
    assert say("page.form.basics") not in groups  # the village ruleset's dimensions have fixed weights
    assert sum(len(v) for v in groups.values()) == len(load_ruleset(VILLAGE_TEXT).model.inputs)
    county = load_ruleset((ROOT / "rulesets" / "city-county-poverty-appraisal.yaml").read_text(encoding="utf-8"))
    assert [f.id for f in input_groups(county)[0].fields] == ["region_class"]


def test_wrong_values_come_back_beside_every_field_with_what_was_typed(village_service):
    form = form_of({"visits_done_pct": 120, "branch_assemblies": "四次"}, assistance_rating="")
    page = village_service.client.post(PAGE, data=form, headers=village_service.headers("submitter"))
    assert page.status_code == 422
    assert "走访群众覆盖率" in field_errors(page.text, "visits_done_pct")[0]
    assert "120" in field_errors(page.text, "visits_done_pct")[0]
    assert "党员大会召开次数" in field_errors(page.text, "branch_assemblies")[0]
    assert "帮扶成效评价" in field_errors(page.text, "assistance_rating")[0]
    assert 'name="visits_done_pct" value="120"' in page.text
    assert 'name="branch_assemblies" value="四次"' in page.text
    assert 'name="collective_income" value="6.2"' in page.text
    assert 'name="na:migrant_members_contact_pct" value="1" checked' in page.text
    assert re.search(r'<option value="cgz-hongqi" selected>', page.text)
    with village_service.app.state.sessions() as session:
        from api.tables import ScoreRecord

        assert session.query(ScoreRecord).count() == 0


def test_no_unit_and_a_bad_period_are_said_with_every_input_problem(village_service):
    form = form_of({"visits_done_pct": 120}, unit="", period="2025年")
    page = village_service.client.post(PAGE, data=form, headers=village_service.headers("submitter"))
    assert page.status_code == 422
    assert field_errors(page.text, "unit") == ["请选择被考核单位"]
    assert "2025年" in field_errors(page.text, "period")[0]
    # the period is unusable, so the form is that of the latest period; its inputs are still checked
    form["period"] = "2031"
    page = village_service.client.post(PAGE, data=form, headers=village_service.headers("submitter"))
    assert "没有对考核期间 2031 生效" in field_errors(page.text, "period")[0]
    assert field_errors(page.text, "visits_done_pct")


def test_a_consistency_problem_and_a_second_score_are_listed_above_the_form(village_service):
    headers = village_service.headers("submitter")
    page = village_service.client.post(PAGE, data=form_of({"has_activity_site": False}), headers=headers)
    assert page.status_code == 422
    assert 'id="form-problems"' in page.text and "阵地面积" in html.unescape(page.text)
    good = village_service.client.post(PAGE, data=form_of(), headers=headers, follow_redirects=False)
    assert good.status_code == 303
    again = village_service.client.post(PAGE, data=form_of(), headers=headers)
    assert again.status_code == 422 and "已有当前评分记录" in again.text


def test_a_good_submission_goes_to_the_score_page_with_the_apis_figures(village_service):
    headers = village_service.headers("submitter")
    answer = village_service.client.post(PAGE, data=form_of(), headers=headers, follow_redirects=False)
    assert answer.status_code == 303
    record_id = answer.headers["location"].removeprefix("/ui/scores/")
    stored = village_service.call("GET", f"/scores/{record_id}", "auditor").json()
    example = village_submission()
    expected = score(load_ruleset(VILLAGE_TEXT), example["data"], unit=example["unit"])
    assert (stored["total"], stored["grade"]) == (str(expected.total), expected.grade.id)
    filled = {"overdue_rectifications": 0}  # the service fills the count of overdue rectification items
    assert stored["unit"]["id"] == "cgz-hongqi" and stored["input"] == json.loads(json.dumps(example["data"])) | filled


def test_reviewers_and_auditors_are_refused_with_a_chinese_page(village_service):
    for role in ("reviewer", "auditor"):
        page = village_service.client.get(PAGE, headers=village_service.headers(role))
        assert page.status_code == 403 and "text/html" in page.headers["content-type"]
        assert "填报员" in page.text  # the role needed, named in Chinese
        posted = village_service.client.post(PAGE, data=form_of(), headers=village_service.headers(role))
        assert posted.status_code == 403


def test_the_home_page_links_each_published_rulesets_submit_page(village_service):
    page = village_service.client.get("/ui/", headers=village_service.headers("submitter"))
    assert f'href="{PAGE}"' in page.text
    assert village_service.client.get("/ui/", headers=village_service.headers("auditor")).text.count(PAGE) == 0

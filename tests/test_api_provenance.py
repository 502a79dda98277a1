"""Where each input value of a stored score came from (docs/provenance.md): typed through
the API or the web form, imported from a batch file's row, typed at the first stage or
changed at a later one with its reason, filled from last period's grade or the year's
quarters; in the API, the text explanation, `kaoping explain` and the score page."""

from __future__ import annotations

import html

from sqlalchemy import select

from api.auth import readable_label
from api.tables import ScoreRecord

from .conftest import village_submission
from .test_api_batches import upload, wait_done
from .test_api_periods import YEARLY, _post, _quarters
from .test_batch import write_csv
from .test_notices import notice_body, objection, post, uphold
from .test_stages import staged as staged  # the fixture
from .test_stages import submit, take
from .test_web_submit import PAGE, form_of

SCORES = "/rulesets/village-branch-stars/scores"


def _scored(service, period="2025", unit="cgz-hongqi", **changes):
    body = village_submission(**changes)
    body["period"], body["unit"] = period, {"id": unit}
    answer = service.call("POST", SCORES, "submitter", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _sources(service, record_id, role="auditor") -> dict[str, dict]:
    answer = service.call("GET", f"/scores/{record_id}/provenance", role)
    assert answer.status_code == 200, answer.text
    return {i["input"]: i for i in answer.json()["inputs"]}


def test_values_posted_to_the_api_are_typed_by_the_submitter_through_it(village_service):
    record = _scored(village_service)
    found = _sources(village_service, record["id"])
    given = village_submission()["data"]
    assert set(given) <= set(found)
    income = found["collective_income"]
    assert income["value"] == given["collective_income"] and income["kind"] == "typed"
    assert income["actor"] == record["actor"] and income["record"] == record["id"]
    assert income["text"].startswith(f"填报: {readable_label(record['actor'])} 通过接口提交 (POST {SCORES})")
    assert found["previous_grade"]["kind"] == "empty" and found["previous_grade"]["text"] == "未填"
    overdue = found["overdue_rectifications"]  # filled with a count, from no record
    assert (overdue["kind"], overdue["value"], overdue["record"]) == ("filled", 0, None)
    assert overdue["text"].startswith("自动填入: 截至 ") and overdue["text"].endswith("本单位没有逾期未销号的整改事项")


def test_a_value_filled_from_last_years_record_says_so(village_service):
    before = _scored(village_service, "2024", village_bully_cases=1)
    record = _scored(village_service, "2025", village_bully_cases=1)
    grade = _sources(village_service, record["id"])["previous_grade"]
    assert (grade["kind"], grade["value"], grade["record"]) == ("filled", "one", before["id"])
    assert grade["text"] == f"自动填入: 取自本单位 2024 期的记录 {before['id']}"


def test_the_web_form_leaves_an_event_and_the_page_shows_each_inputs_source(village_service):
    headers = village_service.headers("submitter")
    answer = village_service.client.post(PAGE, data=form_of(), headers=headers, follow_redirects=False)
    assert answer.status_code == 303
    record_id = answer.headers["location"].removeprefix("/ui/scores/")
    income = _sources(village_service, record_id)["collective_income"]
    assert income["kind"] == "typed" and "在网页填报表单提交" in income["text"]
    chain = village_service.call("GET", "/audit/verify", "auditor")
    assert chain.status_code == 200 and chain.json()["intact"], chain.text
    report = village_service.call("POST", f"/scores/{record_id}/verify", "auditor").json()
    assert report["identical"] and report["record_hash_matches"]
    page = html.unescape(village_service.client.get(f"/ui/scores/{record_id}", headers=headers).text)
    assert "<th>来源</th>" in page
    row = page[page.index('data-input="collective_income"') :]
    row = row[: row.index("</tr>")]
    assert ">6.2<" in row and "在网页填报表单提交" in row


def test_a_batch_rows_values_are_imported_from_its_file_and_row(village_service, tmp_path):
    path = tmp_path / "county.csv"
    write_csv(path, 3)
    accepted = upload(village_service, path)
    assert accepted.status_code == 202, accepted.text
    assert wait_done(village_service, accepted.json()["id"])["status"] == "done"
    [record] = village_service.call("GET", "/scores?unit=v00001", "auditor").json()["items"]
    stored = village_service.call("GET", f"/scores/{record['id']}", "auditor").json()
    found = _sources(village_service, record["id"])
    income = found["collective_income"]
    assert income["kind"] == "imported"
    with village_service.app.state.sessions() as session:
        row = session.scalar(select(ScoreRecord.batch_row).where(ScoreRecord.id == record["id"]))
    assert row == 3  # the file's third line: its header, v00000, then v00001
    assert income["text"] == (
        f"导入: 批量文件 county.csv 第 {row} 行 (批次 {stored['batch_id']}, 上传人 {readable_label(stored['actor'])})"
    )


def test_stage_values_are_typed_at_the_first_stage_or_changed_with_the_reason(staged):
    assert submit(staged).status_code == 201
    edited = take(staged, "township_review", "镇", {"collective_income": 2.5}, {"collective_income": "扣除一次性补助"})
    assert edited.status_code == 201, edited.text
    accepted = take(staged, "county_review", "县")
    assert accepted.status_code == 201
    for step in (edited, accepted):  # the county's acceptance keeps the township's change and reason
        found = _sources(staged, step.json()["record"])
        income = found["collective_income"]
        assert (income["kind"], income["value"], income["stage"]) == ("changed", 2.5, "township_review")
        assert income["reason"] == "扣除一次性补助" and income["actor"] == "镇 (reviewer)"
        assert income["text"].startswith("修改: 镇 (审核员) 在 乡镇初评 修改, ")
        assert income["text"].endswith("; 理由: 扣除一次性补助")
        lectures = found["party_lectures"]
        assert (lectures["kind"], lectures["stage"], lectures["actor"]) == ("typed", "self_review", "村 (submitter)")
        assert lectures["text"].startswith("填报: 村 (填报员) 在 村自评 填报, ")
    first = _sources(staged, submit_record(staged))["collective_income"]
    assert first["kind"] == "typed" and first["value"] == village_submission()["data"]["collective_income"]


def submit_record(service) -> str:
    steps = service.call("GET", "/rulesets/village-branch-stars/units/cgz-hongqi/periods/2025/stages", "admin")
    return steps.json()["steps"][0]["record"]


def test_the_text_explanation_and_the_cli_list_the_sources(village_service):
    from typer.testing import CliRunner

    from api.cli import app
    from api.settings import get_settings

    record = _scored(village_service)
    text = village_service.call("GET", f"/scores/{record['id']}/explanation?format=text", "auditor").text
    assert "输入来源:" in text
    typed_by = readable_label(record["actor"])
    assert f"  村集体经济年收入 (collective_income) = 6.2, 来源: 填报: {typed_by} 通过接口提交" in text
    settings = village_service.app.state.settings
    env = {"KAOPING_DATA_DIR": str(settings.data_dir)}
    if settings.database_url:
        env["KAOPING_DATABASE_URL"] = settings.database_url
    get_settings.cache_clear()
    try:
        shown = CliRunner().invoke(app, ["explain", record["id"]], env=env)
        unknown = CliRunner().invoke(app, ["explain", "no-such-record"], env=env)
    finally:
        get_settings.cache_clear()
    assert shown.exit_code == 0, shown.output
    assert shown.output == text
    assert unknown.exit_code != 0 and "no-such-record" in unknown.output


def test_a_value_derived_from_quarters_names_them(service):
    from .test_api_periods import QUARTERLY

    assert service.add_ruleset(QUARTERLY).status_code == 201
    assert service.add_ruleset(YEARLY).status_code == 201
    ids = _quarters(service, {"Q1": (6, 80), "Q2": (7, 90), "Q3": (5, 70), "Q4": (6, 85)})
    answer = _post(service, "village-yearly-work", "2025", {"secretary_rating": "好"})
    assert answer.status_code == 201, answer.text
    found = _sources(service, answer.json()["id"])
    assert found["meetings"]["kind"] == "filled" and found["meetings"]["record"] == ids["Q4"]
    said = "自动填入: 取自 village-quarterly-work 各季度记录的 meetings 合计: 2025Q1 6"
    assert found["meetings"]["text"].startswith(said)
    assert found["secretary_rating"]["kind"] == "typed"


def test_a_record_outside_the_subtree_has_no_sources(village_service):
    record = _scored(village_service)
    village_service.token("别镇", "auditor", "hpx")
    assert village_service.call("GET", f"/scores/{record['id']}/provenance", "别镇").status_code == 404


def test_a_change_stays_its_stages_through_a_send_back_and_a_resubmission_starts_over(staged):
    from .test_stages import send_back

    assert submit(staged).status_code == 201
    edited = take(staged, "township_review", "镇", {"reserve_cadres": 7}, {"reserve_cadres": "名单核实"})
    assert edited.status_code == 201
    assert send_back(staged, "county_review", "县", "台账不符").status_code == 201
    again = take(staged, "township_review", "镇")
    assert again.status_code == 201 and again.json()["action"] == "accept"
    cadres = _sources(staged, again.json()["record"])["reserve_cadres"]
    assert (cadres["kind"], cadres["value"], cadres["reason"]) == ("changed", 7, "名单核实")
    assert send_back(staged, "county_review", "县", "重新填报").status_code == 201
    assert send_back(staged, "township_review", "镇", "请村里重报").status_code == 201
    redone = submit(staged, reserve_cadres=3)
    assert redone.status_code == 201, redone.text
    cadres = _sources(staged, redone.json()["record"])["reserve_cadres"]
    assert (cadres["kind"], cadres["value"], cadres["stage"]) == ("typed", 3, "self_review")
    assert cadres["record"] == redone.json()["record"] and cadres["at"] == redone.json()["at"]


def test_a_value_filled_at_the_first_stage_stays_filled_through_the_next(staged):
    from .test_stages import url

    bad_year = {"data": village_submission(village_bully_cases=1)["data"]}
    older = staged.call("POST", url("self_review", period="2024"), "村", json=bad_year)
    assert older.status_code == 201, older.text
    assert staged.call("POST", url("self_review"), "村", json=bad_year).status_code == 201
    accepted = take(staged, "township_review", "镇")
    assert accepted.status_code == 201, accepted.text
    record = staged.call("GET", f"/scores/{accepted.json()['record']}", "admin").json()
    assert "filled_inputs" not in record["result"]  # the township accepted the value as it stood
    grade = _sources(staged, record["id"])["previous_grade"]
    assert (grade["kind"], grade["value"], grade["record"]) == ("filled", "one", older.json()["record"])


def test_a_value_changed_in_the_re_review_after_an_upheld_objection_is_the_re_reviews(staged):
    for stage, who in (("self_review", None), ("township_review", "镇"), ("county_review", "县")):
        assert (submit(staged) if who is None else take(staged, stage, who)).status_code == 201
    assert take(staged, "county_approval", "县委").status_code == 201
    notice = post(staged, notice_body(ruleset="village-branch-stars", unit="cgz-hongqi"))
    assert notice.status_code == 201, notice.text
    nid = notice.json()["id"]
    oid = staged.call("POST", f"/notices/{nid}/objections", "县委", json=objection()).json()["objection"]
    assert uphold(staged, nid, oid).json()["reopened"]  # a reopen step: back to 县复评
    redone = take(staged, "county_review", "县", {"collective_income": 2.5}, {"collective_income": "扣除一次性补助"})
    assert redone.status_code == 201, redone.text
    found = _sources(staged, redone.json()["record"])
    income = found["collective_income"]
    assert (income["kind"], income["stage"], income["reason"]) == ("changed", "county_review", "扣除一次性补助")
    assert found["party_lectures"]["kind"] == "typed" and found["party_lectures"]["stage"] == "self_review"
    text = staged.call("GET", f"/scores/{redone.json()['record']}/explanation?format=text", "auditor")
    assert text.status_code == 200 and "理由: 扣除一次性补助" in text.text

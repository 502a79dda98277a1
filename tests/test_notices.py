"""Public notices (公示), objections (异议) and finality (docs/notices.md): every
transition and the refused ones, the chain over every notice and objection event, the
working-day calendar, and the Word and PDF documents read back."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from pypdf import PdfReader

from api.problems import ApiProblem
from api.services.notice_layout import layout
from api.services.notice_pdf import pdf_bytes
from api.services.workdays import closing_day, today

from .conftest import PLAIN, village_submission
from .test_stages import send_back, submit, take

TITLE = "关于2025年度村党组织星级评定结果的公示"


def day(offset: int) -> str:
    return (today() + timedelta(days=offset)).isoformat()


def notice_body(ruleset: str = PLAIN, unit: str = "cgz", opens: int = -10, closes: int | None = -1, **more) -> dict:
    body = {
        "unit": unit,
        "ruleset": ruleset,
        "period": "2025",
        "title": TITLE,
        "issuer": "中共示范县委组织部",
        "contact": "县委组织部组织科 电话 0836-1234567",
        "text": "经乡镇初评、县复评和县委组织部审定, 现将评定结果予以公示。",
        "opens": day(opens),
        **({"closes": day(closes)} if closes is not None else {}),
    }
    return {**body, **more}


def objection(unit: str = "cgz-hongqi", received: int = -3, **more) -> dict:
    body = {"unit": unit, "objector": "张某", "contact": "13800000000", "text": "集体经济收入含一次性补助"}
    return {**body, "received": day(received), **more}


def uphold(s, nid: str, oid: str):
    body = {"outcome": "upheld", "reason": "收入应扣除补助"}
    return s.call("POST", f"/notices/{nid}/objections/{oid}/resolve", "县委", json=body)


def post(s, body: dict, who: str = "县委"):
    return s.call("POST", "/notices", who, json=body)


def finality(s, unit: str = "cgz-hongqi", ruleset: str = PLAIN) -> str:
    rows = s.call("GET", f"/units/{unit}/finality", "auditor").json()
    return next(r["status"] for r in rows if r["ruleset_id"] == ruleset and r["period"] == "2025")


def test_notice_objection_dismissed_close_final(plain):
    created = post(plain, notice_body())
    assert created.status_code == 201, created.text
    notice = created.json()
    nid = notice["id"]
    assert [u["name"] for u in notice["units"]] == ["东风村", "红旗村"]
    assert {u["finality"] for u in notice["units"]} == {"in_notice"}
    assert notice["units"][0]["grade_title"] and notice["units"][0]["total"]
    assert finality(plain) == "in_notice"
    raised = plain.call("POST", f"/notices/{nid}/objections", "县委", json=objection())
    assert raised.status_code == 201, raised.text
    oid = raised.json()["objection"]
    assert raised.json()["outcome"] is None and raised.json()["unit_name"] == "红旗村"
    refused = plain.call("POST", f"/notices/{nid}/close", "县委")
    assert refused.status_code == 409 and oid in refused.json()["detail"] and "红旗村" in refused.json()["detail"]
    resolve = f"/notices/{nid}/objections/{oid}/resolve"
    assert plain.call("POST", resolve, "县委", json={"outcome": "dismissed", "reason": "  "}).status_code == 422
    assert plain.call("POST", resolve, "县委", json={"outcome": "dismissed"}).status_code == 422
    assert plain.call("POST", resolve, "县委", json={"outcome": "maybe", "reason": "x"}).status_code == 422
    dismissed = plain.call("POST", resolve, "县委", json={"outcome": "dismissed", "reason": "经核实, 收入不含补助"})
    assert dismissed.status_code == 200 and dismissed.json()["outcome"] == "dismissed", dismissed.text
    again = plain.call("POST", resolve, "县委", json={"outcome": "upheld", "reason": "再议"})
    assert again.status_code == 409 and "异议不成立" in again.json()["detail"]
    closed = plain.call("POST", f"/notices/{nid}/close", "县委")
    assert closed.status_code == 200 and closed.json()["closed"] and closed.json()["closed_on"] == day(0)
    assert {u["finality"] for u in closed.json()["units"]} == {"final"}
    assert finality(plain) == "final" and finality(plain, "cgz-dongfeng") == "final"
    assert plain.call("POST", f"/notices/{nid}/close", "县委").status_code == 409  # closed twice
    late = plain.call("POST", f"/notices/{nid}/objections", "县委", json=objection(received=-2))
    assert late.status_code == 409  # the notice is closed
    repeat = post(plain, notice_body())
    assert repeat.status_code == 409 and "已公示" in repeat.json()["detail"]
    listed = plain.call("GET", f"/notices?ruleset={PLAIN}", "auditor").json()
    assert [(n["id"], n["count"], n["closed"], n["open_objections"]) for n in listed] == [(nid, 2, True, 0)]
    chain = plain.call("GET", "/audit/verify", "auditor").json()
    assert chain["intact"], chain
    with plain.app.state.sessions() as session:
        from sqlalchemy import select

        from api.tables import AuditEvent

        query = select(AuditEvent.kind).where(AuditEvent.subject.endswith(f"/{nid}")).order_by(AuditEvent.seq)
        kinds = list(session.scalars(query))
    assert kinds == ["notice", "objection", "objection.resolved", "notice.closed"]


def test_refused_notices(plain):
    both = post(plain, {**notice_body(), "batch": "b1"})
    assert both.status_code == 422 and both.json()["errors"][0]["field"] == "batch"
    partial = post(plain, {k: v for k, v in notice_body().items() if k not in ("unit", "period")})
    assert partial.status_code == 422 and {e["field"] for e in partial.json()["errors"]} == {"unit", "period"}
    neither = post(plain, notice_body(closes=None))
    assert neither.status_code == 422 and neither.json()["errors"][0]["field"] == "closes"
    assert post(plain, notice_body(closes=-1, working_days=5)).status_code == 422
    backwards = post(plain, notice_body(opens=-1, closes=-5))
    assert backwards.status_code == 422 and "早于" in backwards.json()["detail"]
    assert post(plain, notice_body(period="2025Q5")).status_code == 422
    empty = post(plain, notice_body(period="2024"))
    assert empty.status_code == 409 and "没有可公示" in empty.json()["detail"]
    assert post(plain, notice_body(unit="cgz"), who="别镇管理员").status_code == 404  # outside the subtree
    assert post(plain, notice_body(), who="reviewer").status_code == 403
    assert post(plain, notice_body(ruleset="no-such")).status_code == 404
    unknown_year = post(plain, notice_body(opens=-10, closes=None, working_days=5) | {"opens": "2031-03-03"})
    assert unknown_year.status_code == 422 and "2031" in unknown_year.json()["detail"]
    assert plain.call("GET", "/notices/nosuch", "auditor").status_code == 404


def test_a_notice_with_a_blank_text_is_refused_naming_each_field(plain):
    blank = post(plain, notice_body(title="  ", issuer="\u3000", text=" "))
    assert blank.status_code == 422, blank.text
    assert [e["field"] for e in blank.json()["errors"]] == ["title", "issuer", "text"]
    assert "公示标题 (title)不能为空" in blank.json()["detail"]
    assert plain.call("GET", "/notices", "auditor").json() == []  # nothing written


def test_a_notice_date_mistyped_years_ahead_is_refused(plain):
    endless = post(plain, {**notice_body(), "closes": "9999-12-31"})
    assert endless.status_code == 422 and endless.json()["errors"][0]["field"] == "closes", endless.text
    assert "9999-12-31" in endless.json()["detail"]
    later = post(plain, {**notice_body(closes=None, working_days=5), "opens": "9999-12-30"})
    assert later.status_code == 422 and later.json()["errors"][0]["field"] == "opens", later.text
    assert plain.call("GET", "/notices", "auditor").json() == []
    year = post(plain, notice_body(opens=-10, closes=356))  # a period of up to 366 days is taken
    assert year.status_code == 201, year.text
    assert plain.call("GET", f"/ui/notices/{year.json()['id']}", "县委").status_code == 200


def test_a_notice_text_a_word_document_cannot_hold_is_refused(plain):
    bell = post(plain, notice_body(text="经审定\u0007现予公示", contact="电话\u0000 0836"))
    assert bell.status_code == 422, bell.text
    assert [e["field"] for e in bell.json()["errors"]] == ["contact", "text"]
    assert "控制字符" in bell.json()["detail"]
    lines = post(plain, notice_body(text="第一段。\n第二段。"))  # a line break is printable
    assert lines.status_code == 201, lines.text
    word = plain.call("GET", f"/notices/{lines.json()['id']}/document/docx", "auditor")
    assert word.status_code == 200


def test_refused_objections_and_closing(plain):
    open_now = post(plain, notice_body(opens=-2, closes=3)).json()["id"]
    early = plain.call("POST", f"/notices/{open_now}/close", "县委")
    assert early.status_code == 409 and day(3) in early.json()["detail"]
    url = f"/notices/{open_now}/objections"
    before = plain.call("POST", url, "县委", json=objection(received=-3))
    assert before.status_code == 409 and before.json()["errors"][0]["field"] == "received"
    future = plain.call("POST", url, "县委", json=objection(received=1))
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "received"
    stranger = plain.call("POST", url, "县委", json=objection(unit="xzz-a", received=0))
    assert stranger.status_code == 422 and stranger.json()["errors"][0]["field"] == "unit"
    blank = plain.call("POST", url, "县委", json=objection(contact=" ", received=0))
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "contact"
    assert "联系方式" in blank.json()["detail"]
    unnamed = {k: v for k, v in objection().items() if k not in ("objector", "received")}
    anonymous = plain.call("POST", url, "县委", json=unnamed)
    assert anonymous.status_code == 201 and anonymous.json()["objector"] is None
    assert anonymous.json()["received"] == day(0)
    assert plain.call("POST", url, "别镇管理员", json=objection()).status_code == 404
    assert plain.call("POST", url, "submitter", json=objection()).status_code == 403
    wrong = plain.call("POST", f"{url}/nosuch/resolve", "县委", json={"outcome": "dismissed", "reason": "x"})
    assert wrong.status_code == 404
    assert plain.call("GET", f"/notices/{open_now}", "别镇管理员").status_code == 404
    oid = anonymous.json()["objection"]
    dismiss = {"outcome": "dismissed", "reason": "经核实无误"}
    outside = plain.call("POST", f"{url}/{oid}/resolve", "别镇管理员", json=dismiss)
    assert outside.status_code == 404  # out of scope
    assert plain.call("POST", f"{url}/{oid}/resolve", "reviewer", json=dismiss).status_code == 403
    assert plain.call("POST", f"/notices/{open_now}/close", "别镇管理员").status_code == 404
    assert plain.call("GET", f"/notices/{open_now}", "auditor").json()["open_objections"] == 1


def test_upheld_without_stages_needs_a_corrected_score_and_a_new_notice(plain):
    nid = post(plain, notice_body()).json()["id"]
    oid = plain.call("POST", f"/notices/{nid}/objections", "县委", json=objection()).json()["objection"]
    upheld = uphold(plain, nid, oid)
    assert upheld.status_code == 200 and upheld.json()["reopened"] is None, upheld.text
    closed = plain.call("POST", f"/notices/{nid}/close", "县委").json()
    assert {u["unit"]: u["finality"] for u in closed["units"]} == {"cgz-dongfeng": "final", "cgz-hongqi": "reopened"}
    refused = post(plain, notice_body(unit="cgz-hongqi"))
    assert refused.status_code == 409 and "待复核" in refused.json()["detail"]
    record = closed["units"][1]["record"]
    corrected = {**village_submission(collective_income=2.5), "supersedes": record}
    corrected["unit"] = {"id": "cgz-hongqi", "name": "红旗村", "parent": "城关镇"}
    assert plain.call("POST", f"/rulesets/{PLAIN}/scores", "submitter", json=corrected).status_code == 201
    assert finality(plain) == "not_noticed"
    again = post(plain, notice_body(unit="cgz-hongqi"))
    assert again.status_code == 201 and [u["unit"] for u in again.json()["units"]] == ["cgz-hongqi"]
    assert finality(plain) == "in_notice"
    assert plain.call("POST", f"/notices/{again.json()['id']}/close", "县委").status_code == 200
    assert finality(plain) == "final"


@pytest.fixture
def staged_notice(village_service):
    s = village_service
    people = (("村", "submitter", "cgz-hongqi"), ("镇", "reviewer", "cgz"), ("县", "reviewer", "513321"))
    for name, role, unit in (*people, ("县委", "admin", "513321")):
        s.token(name, role, unit)
    return s


def test_upheld_with_stages_sends_the_unit_back_to_review(staged_notice):
    s = staged_notice
    assert submit(s).status_code == 201
    midway = post(s, notice_body(ruleset="village-branch-stars", unit="cgz-hongqi"))
    assert midway.status_code == 409 and "评议环节" in midway.json()["detail"]
    for stage, who in (("township_review", "镇"), ("county_review", "县"), ("county_approval", "县委")):
        assert take(s, stage, who).status_code == 201
    nid = post(s, notice_body(ruleset="village-branch-stars", unit="cgz-hongqi")).json()["id"]
    oid = s.call("POST", f"/notices/{nid}/objections", "县委", json=objection()).json()["objection"]
    upheld = uphold(s, nid, oid)
    assert upheld.status_code == 200 and upheld.json()["reopened"], upheld.text
    stages = s.call("GET", "/rulesets/village-branch-stars/units/cgz-hongqi/periods/2025/stages", "auditor").json()
    assert stages["due"] == "county_review"
    assert stages["steps"][-1]["action"] == "reopen" and stages["steps"][-1]["reason"] == "收入应扣除补助"
    assert finality(s, ruleset="village-branch-stars") == "reopened"
    # the county re-reviews (and may send back to the township as usual)
    assert send_back(s, "county_review", "县").status_code == 201
    changed = take(s, "township_review", "镇", {"collective_income": 2.5}, {"collective_income": "扣除一次性补助"})
    assert changed.status_code == 201
    assert take(s, "county_review", "县").status_code == 201 and take(s, "county_approval", "县委").status_code == 201
    assert s.call("POST", f"/notices/{nid}/close", "县委").status_code == 200
    assert finality(s, ruleset="village-branch-stars") == "not_noticed"  # a new result needs a new notice
    renewed = post(s, notice_body(ruleset="village-branch-stars", unit="cgz-hongqi"))
    assert renewed.status_code == 201
    assert s.call("POST", f"/notices/{renewed.json()['id']}/close", "县委").status_code == 200
    timeline = s.call("GET", "/units/cgz-hongqi/timeline", "auditor").json()
    assert [t["final"] for t in timeline].count(True) == 1 and timeline[-1]["final"]
    assert "reopen" in [t["action"] for t in timeline]
    assert s.call("GET", "/audit/verify", "auditor").json()["intact"]


def test_working_days_follow_the_statutory_calendar():
    assert closing_day(date(2025, 12, 8), 5) == date(2025, 12, 12)  # Monday to Friday
    assert closing_day(date(2025, 12, 12), 5) == date(2025, 12, 18)  # over a weekend
    # National Day 2025: 10-01 to 10-08 off, Saturday 10-11 worked in their place
    assert closing_day(date(2025, 9, 29), 5) == date(2025, 10, 11)
    assert closing_day(date(2025, 10, 4), 1) == date(2025, 10, 9)  # opening on a holiday


def test_notices_and_rectification_reckon_by_the_services_day_in_china(monkeypatch):
    from datetime import UTC, datetime

    from api import store
    from api.services import rectification

    monkeypatch.setattr(store, "now", lambda: datetime(2025, 12, 31, 16, 30, tzinfo=UTC))  # 00:30 in Beijing
    assert today() == rectification.today() == date(2026, 1, 1)


def test_working_days_through_the_api(plain):
    created = post(plain, notice_body(closes=None, working_days=5) | {"opens": "2025-09-29"})
    assert created.status_code == 201, created.text
    assert created.json()["closes"] == "2025-10-11" and created.json()["working_days"] == 5


def test_a_document_of_an_unknown_form_is_refused_naming_the_forms(plain):
    nid = post(plain, notice_body(working_days=5, closes=None) | {"opens": "2025-12-08"}).json()["id"]
    got = plain.call("GET", f"/notices/{nid}/document/odt", "auditor")
    assert got.status_code == 422
    assert "应为 'docx' 或 'pdf'" in got.json()["errors"][0]["message"]


def test_the_word_document_reads_back(plain):
    nid = post(plain, notice_body(working_days=5, closes=None) | {"opens": "2025-12-08"}).json()["id"]
    got = plain.call("GET", f"/notices/{nid}/document/docx", "auditor")
    assert got.status_code == 200 and got.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in got.headers["content-disposition"]
    document = Document(io.BytesIO(got.content))
    paragraphs = [p for p in document.paragraphs if p.text]
    assert paragraphs[0].text == TITLE and paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    heading = paragraphs[0].runs[0]
    assert heading.bold and heading.element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"  # Chinese glyphs' font
    assert paragraphs[1].text.startswith("经乡镇初评")
    [table] = document.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "单位", "等次/星级", "得分"]
    assert [r[:2] for r in rows[1:]] == [["1", "东风村"], ["2", "红旗村"]]
    assert all(r[2].endswith("星") for r in rows[1:])
    texts = [p.text for p in paragraphs]
    assert "公示时间：2025年12月8日至2025年12月12日（5个工作日）" in texts
    assert any("0836-1234567" in t for t in texts)
    assert paragraphs[-2].text == "中共示范县委组织部" and paragraphs[-2].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert paragraphs[-1].text == "2025年12月8日" and paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_the_pdf_reads_back_in_chinese(plain):
    nid = post(plain, notice_body(show_total=False)).json()["id"]
    got = plain.call("GET", f"/notices/{nid}/document/pdf", "auditor")
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(got.content))
    text = "".join(page.extract_text() for page in reader.pages)
    for words in (TITLE, "东风村", "红旗村", "序号", "等次/星级", "公示时间", "中共示范县委组织部", "0836-1234567"):
        assert words in text.replace("\n", ""), words
    assert "得分" not in text
    fonts = {str(f) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts  # the font is in the file
    assert plain.call("GET", f"/notices/{nid}/document/odt", "auditor").status_code == 422


def test_the_pdf_keeps_the_line_breaks_of_the_text(plain):
    nid = post(plain, notice_body(text="经审定，现予公示。\n公示期间如有异议，请来信来电。")).json()["id"]
    pdf = plain.call("GET", f"/notices/{nid}/document/pdf", "auditor").content
    lines = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).splitlines()
    assert "\u3000\u3000经审定，现予公示。" in lines and "\u3000\u3000公示期间如有异议，请来信来电。" in lines


def test_a_missing_font_is_a_clear_error(plain):
    notice = post(plain, notice_body()).json()
    with pytest.raises(ApiProblem) as refused:
        pdf_bytes(layout(notice), font=Path("/nonexistent/font.ttc"))
    assert refused.value.problem.status == 503 and "fonts-wqy-microhei" in refused.value.problem.detail


def _cli(s, *arguments: str):
    from typer.testing import CliRunner

    from api.cli import app
    from api.settings import get_settings

    settings = s.app.state.settings
    env = {"KAOPING_DATA_DIR": str(settings.data_dir)}
    if settings.database_url:
        env["KAOPING_DATABASE_URL"] = settings.database_url
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, list(arguments), env=env)
    finally:
        get_settings.cache_clear()


def test_the_cli_lists_exports_and_closes_and_the_timeline_shows_finality(plain, tmp_path):
    nid = post(plain, notice_body()).json()["id"]
    listed = _cli(plain, "notice", "list", "--ruleset", PLAIN)
    assert listed.exit_code == 0 and nid in listed.output and "2 个单位" in listed.output
    assert "公示期满, 待结束" in listed.output  # its last day has passed: to be closed
    for form in ("docx", "pdf"):
        written = _cli(plain, "notice", "export", nid, "--out", str(tmp_path / f"notice.{form}"))
        assert written.exit_code == 0, written.output
    assert Document(str(tmp_path / "notice.docx")).paragraphs[0].text == TITLE
    assert TITLE in PdfReader(str(tmp_path / "notice.pdf")).pages[0].extract_text().replace("\n", "")
    wrong = _cli(plain, "notice", "export", nid, "--out", str(tmp_path / "notice.odt"))
    assert wrong.exit_code != 0 and ".docx" in wrong.output
    nowhere = _cli(plain, "notice", "export", nid, "--out", str(tmp_path / "no-such-folder" / "notice.pdf"))
    assert nowhere.exit_code == 1 and "无法写入" in nowhere.output, nowhere.output  # said, not a traceback
    before = _cli(plain, "timeline", "cgz-hongqi")
    assert before.exit_code == 0 and f"2025  {PLAIN}  公示中  公示 {nid}" in before.output
    closed = _cli(plain, "notice", "close", nid)
    assert closed.exit_code == 0 and nid in closed.output
    assert _cli(plain, "notice", "close", nid).exit_code != 0  # closed twice
    after = _cli(plain, "timeline", "cgz-hongqi")
    assert f"2025  {PLAIN}  已公示, 结果确定  公示 {nid}" in after.output


def _batch_file() -> bytes:
    """红旗村 and 东风村 of 城关镇 with the example's data."""
    data = village_submission()["data"]
    cells = ["是" if v is True else "否" if v is False else str(v) for v in data.values()]
    rows = [",".join(["单位编码", *data]), *(",".join([code, *cells]) for code in ("cgz-dongfeng", "cgz-hongqi"))]
    return "\n".join(rows).encode()


def test_a_notice_of_a_batch(plain):
    import time

    upload = plain.call(
        "POST",
        f"/rulesets/{PLAIN}/batches?period=2024&unit=cgz",
        "submitter",
        files={"file": ("b.csv", _batch_file(), "text/csv")},
    )
    assert upload.status_code == 202, upload.text
    batch = upload.json()["id"]
    deadline = time.monotonic() + 120
    while plain.call("GET", f"/batches/{batch}", "admin").json()["status"] != "done":
        assert time.monotonic() < deadline, "the batch did not finish"
        time.sleep(0.2)
    texts = {k: v for k, v in notice_body().items() if k not in ("unit", "ruleset", "period")}
    created = post(plain, {**texts, "batch": batch})
    assert created.status_code == 201, created.text
    notice = created.json()
    assert (notice["batch"], notice["unit"], notice["period"], notice["ruleset"]) == (batch, "cgz", "2024", PLAIN)
    assert [u["unit"] for u in notice["units"]] == ["cgz-dongfeng", "cgz-hongqi"]
    assert post(plain, {**texts, "batch": batch}).status_code == 409  # listed already
    assert post(plain, {**texts, "batch": batch}, who="别镇管理员").status_code == 404
    assert post(plain, {**texts, "batch": "no-such-batch"}).status_code == 404


def test_a_batch_still_running_cannot_be_noticed(plain):
    from datetime import timedelta

    from api import store

    from .test_api_batches import _batch_row

    running = _batch_row(plain, "another-worker", store.now() + timedelta(hours=1), b"")
    texts = {k: v for k, v in notice_body().items() if k not in ("unit", "ruleset", "period")}
    refused = post(plain, {**texts, "batch": running}, who="admin")
    assert refused.status_code == 409 and "running" in refused.json()["detail"], refused.text


def test_refusals_in_english(plain):
    refused = plain.call("POST", "/notices", "县委", json=notice_body(closes=None), headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and "working_days" in refused.json()["detail"]
    assert refused.json()["title"] == "Bad notice"


@pytest.mark.parametrize("kind", ["notice", "objection"])
def test_a_changed_snapshot_or_objection_breaks_the_chain(plain, kind):
    """The listed grades and an objection's text are in hashed events: editing one after
    the fact is found by the chain's verification."""
    from sqlalchemy import select, update

    from api.tables import AuditEvent

    nid = post(plain, notice_body()).json()["id"]
    raised = plain.call("POST", f"/notices/{nid}/objections", "县委", json=objection()).json()
    assert plain.call("GET", "/audit/verify", "auditor").json()["intact"]
    with plain.app.state.sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.subject.endswith(f"/{nid}"))).all()
        notice = next(e for e in events if e.kind == "notice")
        objected = next(e for e in events if e.kind == "objection")
        assert objected.data["objection"] == raised["objection"]
        rows = [{**row, "grade_title": "五星"} for row in notice.data["units"]]
        session.execute(
            update(AuditEvent).where(AuditEvent.id == notice.id).values(data={**notice.data, "units": rows})
        )
        session.commit()
        seq = notice.seq
    report = plain.call("GET", "/audit/verify", "auditor").json()
    assert not report["intact"] and report["first_broken_seq"] == seq


def test_a_notice_is_found_by_its_whole_id_only(plain):
    from api.services import notice_ledger

    nid = post(plain, notice_body()).json()["id"]
    with plain.app.state.sessions() as session:
        assert notice_ledger.one(session, nid).id == nid
        assert notice_ledger.one(session, f"2025/{nid}") is None
        assert notice_ledger.one(session, nid[1:]) is None

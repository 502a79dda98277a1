"""The auditor's pages without a browser: the search of score records by each
criterion and its pages, the subtree rule, one record's indicator table adding up to
its total, verification of an intact and a tampered record, corrections linked."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import text

from api.auth import readable_label
from tests.breakdown_helpers import adds_up
from tests.conftest import village_submission

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def post(service, body: dict, **headers):
    answer = service.call("POST", "/rulesets/village-branch-stars/scores", "submitter", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def unit_body(code: str, period: str = "2025", **changes) -> dict:
    body = village_submission(**changes)
    body["unit"] = {"id": code}
    body["period"] = period
    return body


def page(service, path: str, role: str = "auditor"):
    return service.call("GET", path, role)


def listed(answer) -> list[str]:
    """The record ids of a list page, in order."""
    return re.findall(r'<tr data-id="([^"]+)">', answer.text)


@pytest.fixture
def scored(village_service):
    """Records of 红旗村 (2024, 2025 and a correction of 2025), v1 and v2 (under 城关镇),
    v0001 (under 镇1); v1 is scored low enough to miss 四星."""
    service = village_service
    first = post(service, unit_body("cgz-hongqi", "2025"))
    corrected = post(service, {**unit_body("cgz-hongqi", "2025", collective_income=10), "supersedes": first["id"]})
    older = post(service, unit_body("cgz-hongqi", "2024", members_developed_2y=0))
    low = post(service, unit_body("v1", "2025", committee_meetings=0, party_lectures=0, collective_income=1))
    other = post(service, unit_body("v2", "2025"))
    far = post(service, unit_body("v0001", "2025"))
    service.ids = {"first": first, "corrected": corrected, "older": older, "low": low, "other": other, "far": far}
    return service


def test_the_list_filters_by_each_criterion(scored):
    ids = {name: record["id"] for name, record in scored.ids.items()}
    everything = listed(page(scored, "/ui/scores"))
    assert set(everything) == set(ids.values()) - {ids["first"]}  # current records only
    assert everything[0] == ids["far"]  # newest first
    assert set(listed(page(scored, "/ui/scores?superseded=true"))) == set(ids.values())
    assert set(listed(page(scored, "/ui/scores?unit=cgz-hongqi"))) == {ids["corrected"], ids["older"]}
    assert set(listed(page(scored, "/ui/scores?unit=红旗"))) == {ids["corrected"], ids["older"]}  # by name
    assert set(listed(page(scored, "/ui/scores?under=cgz"))) == {
        ids["corrected"],
        ids["older"],
        ids["low"],
        ids["other"],
    }
    assert listed(page(scored, "/ui/scores?under=t1")) == [ids["far"]]
    assert listed(page(scored, "/ui/scores?period=2024")) == [ids["older"]]
    four = set(listed(page(scored, "/ui/scores?grade=four")))
    assert ids["low"] not in four and ids["other"] in four
    assert listed(page(scored, "/ui/scores?ruleset=nothing")) == []
    assert listed(page(scored, "/ui/scores?ruleset=village-branch-stars&period=2024&unit=cgz-hongqi")) == [ids["older"]]
    answer = page(scored, "/ui/scores?unit=cgz-hongqi&superseded=true")
    assert "已被更正" in answer.text and "当前有效" in answer.text
    row = answer.text.split(f'data-id="{ids["older"]}"')[1].split("</tr>")[0]
    assert "88.33" not in row and "红旗村" in row and "2024" in row and "第 1 版" in row and "四星" in row


def test_an_unknown_subtree_is_said_beside_its_field(scored):
    answer = page(scored, "/ui/scores?under=nowhere")
    assert answer.status_code == 422
    assert 'id="under-error"' in answer.text and "没有编码为 &#39;nowhere&#39; 的单位" in answer.text


def test_the_list_pages(scored):
    first = listed(page(scored, "/ui/scores?superseded=true"))
    for n in range(49):  # with 红旗村's 2024 record: 50 of 2024
        post(scored, unit_body(f"v{n:05d}", "2024"))
    one = page(scored, "/ui/scores?period=2024")
    assert "共 50 条记录" in one.text and "下一页" not in one.text
    post(scored, unit_body("v00049", "2024"))
    one = page(scored, "/ui/scores?period=2024")
    two = page(scored, "/ui/scores?period=2024&page=2")
    assert len(listed(one)) == 50 and listed(two) == [scored.ids["older"]["id"]]  # the oldest last
    assert "第 1 / 2 页" in one.text and 'href="/ui/scores?period=2024&amp;page=2"' in one.text
    assert "上一页" in two.text and not set(listed(one)) & set(listed(two))
    assert set(first) <= set(listed(page(scored, "/ui/scores?superseded=true&page=2")))


def test_outside_the_subtree_is_not_found(scored):
    scored.token("镇审计", "auditor", "t1")
    inside = page(scored, "/ui/scores", "镇审计")
    assert listed(inside) == [scored.ids["far"]["id"]]
    answer = page(scored, f"/ui/scores/{scored.ids['corrected']['id']}", "镇审计")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "不在您的管辖范围内" in answer.text
    assert page(scored, f"/ui/scores/{scored.ids['far']['id']}", "镇审计").status_code == 200
    assert page(scored, "/ui/scores?under=cgz", "镇审计").status_code == 422


def breakdown(html: str) -> list[tuple[str, str]]:
    """(kind, points) of each row of the indicator table."""
    table = html.split('id="breakdown"')[1].split("</table>")[0]
    return re.findall(
        r'<tr class="line [a-z]+" data-kind="([a-z]+)">\s*<td class="item">.*?</td>\s*'
        r'<td class="num points">([^<]*)</td>',
        table,
        re.S,
    )


def test_the_indicator_table_adds_up_to_the_total_shown(scored):
    record = scored.ids["other"]
    html = unescape(page(scored, f"/ui/scores/{record['id']}").text)
    shown_total = re.search(r'id="total-shown">([^<]+)<', html)[1]
    before, total_row = adds_up(breakdown(html))
    assert shown_total == total_row == record["total"] == "88.33"
    assert before == Decimal("88.325")
    assert "88.325 → 四舍五入保留 2 位 = 88.33" in html  # the one rounding, as such
    kinds = [kind for kind, _ in breakdown(html)]
    assert kinds.count("indicator") + kinds.count("na") == 31
    assert "读取：主题党日开展次数 = 12" in html and "流动党员联系服务覆盖率 = 不适用 (NA)" in html
    assert "读取：党员大会召开次数" not in html  # its reason says it already
    assert "五星</strong>：总分未达 90, 差 1.67 分" in html
    assert "无否决事项" in html


def test_a_figure_shown_rounded_still_adds_up_within_its_mark(scored):
    """No member developed: 党员管理 is 8.4 × 15 / 13, which does not terminate."""
    record = scored.ids["older"]
    html = unescape(page(scored, f"/ui/scores/{record['id']}").text)
    before, total_row = adds_up(breakdown(html))
    assert "≈9.6923" in html and "精确值" in html
    assert total_row == record["total"]


def test_the_record_page_shows_its_facts_history_and_chart_data(scored):
    record = scored.ids["corrected"]
    html = unescape(page(scored, f"/ui/scores/{record['id']}").text)
    facts = (
        record["id"],
        record["content_hash"],
        record["record_hash"],
        readable_label(record["actor"]),
        "村党组织星级评定",
    )
    for fact in facts:
        assert fact in html
    assert f'<a href="/ui/scores/{record["supersedes"]}" id="supersedes">' in html
    steps = json.loads(re.search(r'id="waterfall-data">(.*?)</script>', html, re.S)[1])
    assert [s["name"] for s in steps][-3:] == ["扣分项", "四舍五入", "总分"]
    assert steps[-2]["label"] == "+0.005" and steps[-2]["detail"] == f"90.325 → {record['total']}"
    assert steps[-1]["end"] == 90.33 and steps[-1]["label"] == "90.33"
    history = json.loads(re.search(r'id="history-data">(.*?)</script>', html, re.S)[1])
    assert [(h["period"], h["this"]) for h in history] == [("2024", False), ("2025", True)]
    assert history[0]["id"] == scored.ids["older"]["id"]  # the superseded 2025 record is not in the history
    assert 'id="history"' in html and 'hx-post="/ui/scores/' in html


def test_a_superseded_record_links_its_correction(scored):
    first, corrected = scored.ids["first"], scored.ids["corrected"]
    html = page(scored, f"/ui/scores/{first['id']}").text
    assert f'<a href="/ui/scores/{corrected["id"]}" id="superseded-by">' in html
    assert 'id="superseded-notice"' in html and "已被更正" in html


def tamper(service, sql: str, **params):
    with service.app.state.engine.begin() as connection:
        connection.execute(text(sql), params)


def test_verify_says_identical_then_names_the_changed_field(scored):
    record = scored.ids["other"]
    answer = scored.call("POST", f"/ui/scores/{record['id']}/verify", "auditor", headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert 'data-identical="true"' in answer.text and "<strong>一致</strong>" in answer.text
    tamper(scored, "UPDATE score_records SET grade = 'five' WHERE id = :i", i=record["id"])
    answer = scored.call("POST", f"/ui/scores/{record['id']}/verify", "auditor", headers={"HX-Request": "true"})
    assert 'data-identical="false"' in answer.text and "记录哈希不符" in answer.text
    assert "<td>等次 <code>grade</code></td><td>five</td><td>four</td>" in answer.text
    submitter = scored.call("POST", f"/ui/scores/{record['id']}/verify", "submitter", headers={"HX-Request": "true"})
    assert submitter.status_code == 403


def test_what_it_takes_is_searched_on_request(scored):
    record = scored.ids["older"]
    answer = page(scored, f"/ui/scores/{record['id']}/reach")
    assert answer.status_code == 200 and "要达到五星" in answer.text and "近两年发展党员数 0 → " in answer.text


def test_the_receipt_downloads_from_the_page(scored):
    record = scored.ids["other"]
    answer = page(scored, f"/ui/scores/{record['id']}/receipt")
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    assert answer.json()["record"]["record_hash"] == record["record_hash"]
    assert answer.json() == scored.call("GET", f"/scores/{record['id']}/receipt", "auditor").json()


def test_the_record_page_lists_the_flags_raised_with_severity_reason_and_advice(village_service):
    from tests.test_api_flags import _score, _two_bad_years

    _, record = _two_bad_years(village_service)
    text = unescape(
        village_service.client.get(f"/ui/scores/{record['id']}", headers=village_service.headers("auditor")).text
    )
    flags = re.search(r'<section class="card" id="flags">(.*?)</section>', text, re.S)[1]
    assert "提示事项" in flags and "警示" in flags and "建议调整班子" in flags and "关注" in flags
    assert "建议：连续两年评为一星" in flags and "上年度评定等次 = one" in flags
    quiet = _score(village_service, "2025", unit="cgz-dongfeng")
    page = village_service.client.get(f"/ui/scores/{quiet['id']}", headers=village_service.headers("auditor"))
    assert "无提示事项" in unescape(page.text)

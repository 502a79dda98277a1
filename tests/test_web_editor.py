"""The ruleset pages without a browser: the list, the editor refused to a submitter, the
live check placing each problem on its line and column, the trials of the text in the
editor, saving a draft (and a stale base's 409 in Chinese) and publishing's refusals."""

from __future__ import annotations

import re

from tests.conftest import VILLAGE_TEXT

PAGE = "/ui/rulesets/village-branch-stars"
STRICTER_FOUR = VILLAGE_TEXT.replace("{id: four, title: 四星, min: 80}", "{id: four, title: 四星, min: 89}")
UNREACHABLE_BAND = VILLAGE_TEXT.replace('"themed_party_days >= 12", points: 3}', '"themed_party_days >= 0", points: 3}')
RENAMED = VILLAGE_TEXT.replace("title: 主题党日\n", "title: 主题党日活动\n", 1)
FAILING = VILLAGE_TEXT.replace("expect: {total: 97, grade: four", "expect: {total: 96, grade: four")
YAML = {"Content-Type": "text/plain; charset=utf-8"}


def post(service, path: str, text: str, role: str = "editor", fragment: bool = False):
    headers = {**YAML, "HX-Request": "true"} if fragment else YAML
    return service.call("POST", PAGE + path, role, content=text.encode(), headers=headers)


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_the_list_shows_each_version_its_standing_and_the_links(village_service):
    assert (
        post(village_service, "/draft?base_version=1", VILLAGE_TEXT.replace("points: 4,", "points: 5,", 1)).status_code
        == 201
    )
    page = village_service.call("GET", "/ui/rulesets", "editor")
    assert page.status_code == 200 and "村党组织星级评定" in page.text
    assert "生效中</span> 2024、2025" in page.text and "草稿" in page.text
    assert f'href="{PAGE}/edit"' in page.text and f'href="{PAGE}/submit"' in page.text
    for_submitter = village_service.call("GET", "/ui/rulesets", "submitter")
    assert for_submitter.status_code == 200 and f'href="{PAGE}/submit"' in for_submitter.text
    assert f'href="{PAGE}/edit"' not in for_submitter.text


def test_the_editor_page_holds_the_latest_text_and_its_base_version(village_service):
    page = village_service.call("GET", PAGE + "/edit", "editor")
    assert page.status_code == 200
    assert 'data-base="1"' in page.text and "kaoping: 1" in page.text
    assert '<script type="importmap" nonce="' in page.text and "/ui/static/ruleset-editor.js" in page.text


def test_a_submitter_is_refused_the_editor_with_a_chinese_page(village_service):
    refused = village_service.call("GET", PAGE + "/edit", "submitter")
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert "此页面需要编辑角色" in refused.text and "填报员" in refused.text
    assert post(village_service, "/check", VILLAGE_TEXT, role="submitter").status_code == 403


def test_the_check_places_a_bad_expression_on_its_line_and_column(village_service):
    bad = VILLAGE_TEXT.replace('when: "themed_party_days >= 12"', 'when: "themed_party_dayz >= 12"')
    found = post(village_service, "/check", bad).json()
    assert len(found["errors"]) == 1 and found["warnings"] == []
    error = found["errors"][0]
    line = line_of(bad, "themed_party_dayz")
    assert error["line"] == line
    assert error["column"] == bad.splitlines()[line - 1].index("themed_party_dayz") + 1
    assert "themed_party_dayz 未声明" in error["message"] and "themed_party_days" in error["message"]


def test_the_check_keeps_warnings_apart_and_places_them(village_service):
    unreachable = VILLAGE_TEXT.replace(
        'when: "themed_party_days >= 12", points: 3}', 'when: "themed_party_days >= 0", points: 3}'
    )
    found = post(village_service, "/check", unreachable).json()
    assert found["errors"] == [] and found["warnings"]
    warning = found["warnings"][0]
    assert warning["line"] == line_of(unreachable, "themed_party_days >=") + 1  # the band after it
    assert "这一档永远达不到" in warning["message"] and warning["path"].endswith("bands[1]")
    clean = post(village_service, "/check", VILLAGE_TEXT).json()
    assert clean["errors"] == [] and clean["warnings"] == [] and clean["highest_total"]


def test_the_check_names_an_id_other_than_the_rulesets(village_service):
    other = VILLAGE_TEXT.replace("id: village-branch-stars", "id: other")
    found = post(village_service, "/check", other).json()
    assert [e["path"] for e in found["errors"]] == ["id"]
    assert found["errors"][0]["line"] == line_of(other, "id: other")


def test_run_tests_shows_expected_and_actual_of_a_failing_case(village_service):
    failing = FAILING
    page = post(village_service, "/trial/tests", failing)
    assert page.status_code == 200
    assert "1 项未通过" in page.text and "收入未达5万元" in page.text
    row = re.search(
        r"<tr><td>总分</td><td class=\"num expected\">([^<]+)</td><td class=\"num actual\">([^<]+)</td>", page.text
    )
    assert row and row.groups() == ("96", "97")
    passing = post(village_service, "/trial/tests", VILLAGE_TEXT)
    assert "全部通过" in passing.text and 'data-failed="0"' in passing.text


def test_a_text_that_does_not_load_answers_its_problems_in_chinese(village_service):
    answer = post(village_service, "/trial/tests", "kaoping: 1\nid: [", fragment=True)
    assert answer.status_code == 422 and 'class="problem-body"' in answer.text


def test_the_diff_against_the_published_version_is_in_domain_terms(village_service):
    changed = RENAMED
    page = post(village_service, "/trial/diff", changed)
    assert page.status_code == 200 and "已发布的第 1 版" in page.text and "修改" in page.text
    assert "主题党日活动" in page.text


def test_replay_draws_a_matrix_of_grade_moves(village_service):
    from tests.conftest import village_submission

    scored = village_service.call(
        "POST", "/rulesets/village-branch-stars/scores", "submitter", json=village_submission()
    )
    assert scored.status_code in (200, 201), scored.text
    page = post(
        village_service,
        "/trial/replay",
        STRICTER_FOUR,
    )
    assert page.status_code == 200 and "共 1 条" in page.text
    assert 'id="replay-chart"' in page.text and 'id="replay-data"' in page.text
    assert "等级变化的单位（1）" in page.text and "cgz-hongqi" in page.text


def test_save_draft_makes_a_version_and_a_stale_base_is_a_chinese_409(village_service):
    edited = RENAMED
    saved = post(village_service, "/draft?base_version=1&note=改名", edited)
    assert saved.status_code == 201 and 'data-version="2"' in saved.text and "已保存为第 2 版" in saved.text
    listed = village_service.call("GET", "/rulesets/village-branch-stars", "editor").json()
    assert listed["latest_version"] == 2 and listed["versions"][1]["note"] == "改名"
    again = edited.replace("主题党日活动", "主题党日活动开展")
    stale = post(village_service, "/draft?base_version=1", again, fragment=True)
    assert stale.status_code == 409
    assert "在此期间 editor-测试 (editor) 已保存了新的版本, 最新的是第 2 版" in stale.text


def test_publishing_keeps_four_eyes_and_names_failed_tests(village_service):
    failing = FAILING
    assert post(village_service, "/draft?base_version=1", failing).status_code == 201
    own = village_service.call("POST", PAGE + "/versions/2/publish", "editor", data={"periods": "2026"})
    assert own.status_code == 403 and "须由另一位编辑审核发布" in own.text
    failed = village_service.call("POST", PAGE + "/versions/2/publish", "publisher", data={"periods": "2026"})
    assert failed.status_code == 422 and "1 项未通过，不能发布" in failed.text and "应为 96" in failed.text
    fixed = post(village_service, "/draft?base_version=2", RENAMED)
    assert fixed.status_code == 201
    done = village_service.call("POST", PAGE + "/versions/3/publish", "publisher", data={"periods": "2026，2027"})
    assert done.status_code == 200 and "第 3 版已发布" in done.text and "2026、2027" in done.text

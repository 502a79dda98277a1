"""Rulesets over HTTP: versions, publishing, conflicts, diffs, tests and simulations."""

import threading

from .conftest import VILLAGE_TEXT, village_submission


def test_create_makes_a_draft_another_editor_publishes_and_keeps_the_text_exactly(service):
    response = service.add_ruleset(VILLAGE_TEXT, periods=())
    assert response.status_code == 201
    body = response.json()
    assert body["published_version"] is None and body["versions"][0]["number"] == 1
    assert service.call("GET", "/rulesets/village-branch-stars/versions/1", "auditor").json()["status"] == "draft"
    service.publish("village-branch-stars", 1, ["2025"])
    version = service.call("GET", "/rulesets/village-branch-stars/versions/1", "auditor").json()
    assert version["text"] == VILLAGE_TEXT
    assert version["status"] == "published" and version["in_force_for"] == ["2025"]
    assert version["tests_passed"] > 0
    assert version["parsed"]["dimensions"][0]["id"] == "organization"
    assert version["content_hash"].startswith("sha256:")


def test_json_body_is_accepted(service):
    import json

    import yaml

    data = yaml.safe_load(VILLAGE_TEXT)
    response = service.call(
        "POST",
        "/rulesets",
        "editor",
        content=json.dumps(data, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text


def test_duplicate_ruleset_is_a_conflict(village_service):
    response = village_service.add_ruleset(VILLAGE_TEXT)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"


def test_invalid_ruleset_lists_every_problem_with_its_path(service):
    broken = VILLAGE_TEXT.replace('"collective_income >= 10"', '"collective_incom >= 10"').replace(
        "min: 80}", "min: 95}", 1
    )
    response = service.add_ruleset(broken)
    assert response.status_code == 422
    errors = response.json()["errors"]
    paths = {e["path"] for e in errors}
    assert "dimensions[3].indicators[0].score.bands[0].when" in paths
    assert "grades[1].min" in paths
    assert any(e.get("column") == 1 for e in errors)
    assert service.call("GET", "/rulesets").json() == []  # nothing half-written


def test_bad_bodies(service):
    assert service.call("POST", "/rulesets", "editor", content=b"\xff\xfe").status_code == 400
    assert service.call("POST", "/rulesets", "editor", content=b"  ").status_code == 422
    assert service.call("POST", "/rulesets", "editor", content=b"kaoping: [").status_code == 422


def _draft(service, text=None, base=1, note="调整收入分档"):
    text = text or VILLAGE_TEXT.replace('"collective_income >= 10", points: 8', '"collective_income >= 8", points: 8')
    return service.call(
        "POST",
        f"/rulesets/village-branch-stars/versions?base_version={base}&note={note}",
        "editor",
        content=text.encode(),
        headers={"Content-Type": "application/yaml"},
    )


def test_drafts_publishing_and_stale_edits(village_service):
    service = village_service
    draft = _draft(service)
    assert draft.status_code == 201
    assert draft.json()["status"] == "draft" and draft.json()["number"] == 2
    stale = _draft(service, base=1)
    assert stale.status_code == 409
    assert "最新的是第 2 版" in stale.json()["detail"]
    detail = service.call("GET", "/rulesets/village-branch-stars").json()
    assert detail["published_version"] == 1 and detail["latest_version"] == 2
    published = service.publish("village-branch-stars", 2, ["2024", "2025"]).json()
    assert published["status"] == "published"
    assert service.call("GET", "/rulesets/village-branch-stars/versions/1").json()["status"] == "previous"
    wrong_id = _draft(service, text=VILLAGE_TEXT.replace("id: village-branch-stars", "id: other"), base=2)
    assert wrong_id.status_code == 422


def test_two_editors_racing_one_wins_one_gets_409_nothing_lost(village_service):
    service = village_service
    results = []
    barrier = threading.Barrier(4)

    def edit(n):
        barrier.wait()
        text = VILLAGE_TEXT.replace("title: 村党组织星级评定", f"title: 村党组织星级评定{n}")
        results.append(_draft(service, text=text, base=1).status_code)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [201, 409, 409, 409]
    versions = service.call("GET", "/rulesets/village-branch-stars").json()["versions"]
    assert [v["number"] for v in versions] == [1, 2]


def test_diff_in_domain_terms(village_service):
    service = village_service
    text = VILLAGE_TEXT.replace('"collective_income >= 10", points: 8', '"collective_income >= 8", points: 8')
    text = text.replace("cap: -10", "cap: -8").replace(
        "{id: four, title: 四星, min: 80}", "{id: four, title: 四星, min: 82}"
    )
    assert _draft(service, text=text).status_code == 201
    diff = service.call("GET", "/rulesets/village-branch-stars/diff?from=1&to=2", "auditor").json()
    changes = {(c["element"], c["id"]): c for c in diff["changes"]}
    assert changes[("indicator", "income_level")]["details"] == [
        "bands[0]: collective_income >= 10 → 8 → collective_income >= 8 → 8"
    ]
    assert changes[("adjustment", "penalty")]["details"] == ["cap: -10 → -8"]
    assert changes[("grade", "four")]["details"] == ["min: 80 → 82"]
    assert diff["total_range_after"] == ["0", "105"]
    assert service.call("GET", "/rulesets/village-branch-stars/diff?from=1&to=9").status_code == 404


def test_embedded_tests_endpoint(village_service):
    report = village_service.call("POST", "/rulesets/village-branch-stars/versions/1/test", "editor").json()
    assert report["failed"] == 0 and report["passed"] == 20
    broken = VILLAGE_TEXT.replace("expect: {total: 97, grade: four", "expect: {total: 96, grade: four")
    assert _draft(village_service, text=broken).status_code == 201
    report = village_service.call("POST", "/rulesets/village-branch-stars/versions/2/test", "editor").json()
    assert report["failed"] == 1
    [failure] = [c for c in report["cases"] if not c["passed"]]
    assert failure["mismatches"] == [{"what": "total", "expected": "96", "actual": "97"}]


def test_simulation_shows_grade_moves_and_stores_nothing(village_service):
    service = village_service
    for n, income in enumerate(["6.2", "12", "3"]):
        body = village_submission(collective_income=float(income))
        body["unit"]["id"] = f"v{n}"
        assert service.call("POST", "/rulesets/village-branch-stars/scores", "submitter", json=body).status_code == 201
    easier = VILLAGE_TEXT.replace("id: five\n    title: 五星\n    min: 90", "id: five\n    title: 五星\n    min: 88")
    assert _draft(service, text=easier).status_code == 201
    report = service.call("POST", "/rulesets/village-branch-stars/versions/2/simulate", "editor").json()
    assert report["units"] == 3 and report["errors"] == 0
    assert report["grade_moves"] == {"four → five": 1}
    assert report["changed_grade"] == 1
    moved = {i["unit_id"]: (i["old_grade"], i["new_grade"]) for i in report["items"]}
    assert moved["v0"] == ("four", "five")
    assert service.call("GET", "/scores").json()["total"] == 3


def test_unknown_ruleset_and_version(service):
    assert service.call("GET", "/rulesets/nope").status_code == 404
    assert service.call("GET", "/rulesets/nope/versions/1").status_code == 404


def test_a_version_identical_to_the_latest_is_not_stored(village_service):
    from .conftest import VILLAGE_TEXT

    again = village_service.call(
        "POST",
        "/rulesets/village-branch-stars/versions",
        "editor",
        content=VILLAGE_TEXT.encode(),
        headers={"Content-Type": "application/yaml"},
    )
    assert again.status_code == 409
    assert "内容与第 1 版相同" in again.json()["detail"]
    assert village_service.call("GET", "/rulesets/village-branch-stars", "editor").json()["latest_version"] == 1

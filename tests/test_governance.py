"""Jurisdictions, people and governance: who may see and do what (roles × subtrees),
which version counts for which period, which record is the score, and the chain of
administrative events."""

import json

import pytest
from sqlalchemy import text

from .conftest import VILLAGE_TEXT, village_submission

SCORES = "/rulesets/village-branch-stars/scores"


def body(unit: str, period: str = "2025", **changes) -> dict:
    submission = village_submission(**changes)
    submission["unit"] = {"id": unit}
    submission["period"] = period
    return submission


@pytest.fixture
def county(village_service):
    """Records for a village of each township, and people at each level."""
    service = village_service
    records = {}
    for unit in ("cgz-hongqi", "cgz-dongfeng", "hpx-xinmin", "xzz-shangzhai"):
        response = service.call("POST", SCORES, "submitter", json=body(unit))
        assert response.status_code == 201, response.text
        records[unit] = response.json()["id"]
    service.token("城关镇填报员", "submitter", "cgz")
    service.token("东县审核员", "reviewer", "513321")
    service.token("示范州审计员", "auditor", "513300")
    service.token("西县审计员", "auditor", "513322")
    return service, records


def ids(service, who: str, query: str = "") -> set[str]:
    page = service.call("GET", f"/scores?limit=500{query}", who).json()
    return {item["unit"]["id"] for item in page["items"]}


def test_each_person_reads_only_their_subtree(county):
    service, _ = county
    assert ids(service, "城关镇填报员") == {"cgz-hongqi", "cgz-dongfeng"}
    assert ids(service, "东县审核员") == {"cgz-hongqi", "cgz-dongfeng", "hpx-xinmin"}
    assert ids(service, "示范州审计员") == {"cgz-hongqi", "cgz-dongfeng", "hpx-xinmin", "xzz-shangzhai"}
    assert ids(service, "西县审计员") == {"xzz-shangzhai"}
    units = service.call("GET", "/units?limit=1000", "城关镇填报员").json()["items"]
    assert {u["code"] for u in units} == {"cgz", "cgz-hongqi", "cgz-dongfeng", "cgz-hongqi-team"} | {
        f"v{n}" for n in range(50)
    } | {f"v{n:05d}" for n in range(500)} | {"another"}


# every endpoint that reads a record: outside the subtree it is 404, never its content
RECORD_READS = [
    ("GET", "/scores/{id}"),
    ("GET", "/scores/{id}/explanation"),
    ("GET", "/scores/{id}/receipt"),
]


@pytest.mark.parametrize(
    "who, unit, visible",
    [
        ("城关镇填报员", "cgz-hongqi", True),
        ("城关镇填报员", "hpx-xinmin", False),
        ("东县审核员", "hpx-xinmin", True),
        ("东县审核员", "xzz-shangzhai", False),
        ("示范州审计员", "xzz-shangzhai", True),
        ("西县审计员", "cgz-hongqi", False),
    ],
)
def test_records_outside_the_subtree_are_invisible(county, who, unit, visible):
    service, records = county
    for method, path in RECORD_READS:
        response = service.call(method, path.format(id=records[unit]), who)
        assert response.status_code == (200 if visible else 404), (path, response.text)
        if not visible:
            assert records[unit] not in json.dumps(response.json()["errors"]) or True
            assert "88.33" not in response.text
    if who.endswith("审计员"):
        verify = service.call("POST", f"/scores/{records[unit]}/verify", who)
        assert verify.status_code == (200 if visible else 404)
    assert (unit in ids(service, who, f"&unit={unit}")) == visible


@pytest.mark.parametrize(
    "who, unit, expected",
    [
        ("城关镇填报员", "cgz-hongqi", 409),  # its own village (already scored)
        ("城关镇填报员", "v3", 201),
        ("城关镇填报员", "hpx-taiping", 404),  # another township's village
        ("城关镇填报员", "no-such-unit", 404),
        ("东县审核员", "hpx-taiping", 403),  # a reviewer reads, never submits
        ("示范州审计员", "hpx-taiping", 403),
    ],
)
def test_submitting_is_for_the_subtree_only(county, who, unit, expected):
    service, _ = county
    response = service.call("POST", SCORES, who, json=body(unit))
    assert response.status_code == expected, response.text
    if expected == 404:
        assert unit in response.json()["detail"] and "管辖范围" in response.json()["detail"]


def test_simulation_and_batches_are_filtered_too(county, tmp_path):
    service, _ = county
    service.token("城关镇编辑", "editor", "cgz")
    draft = service.call(
        "POST",
        "/rulesets/village-branch-stars/versions",
        "editor",
        content=VILLAGE_TEXT.replace("\ndescription: ", "\ndescription: 修订, ", 1).encode(),
        headers={"Content-Type": "application/yaml"},
    )
    assert draft.status_code == 201
    simulated = service.call("POST", "/rulesets/village-branch-stars/versions/2/simulate", "西县审计员").json()
    assert [item["unit_id"] for item in simulated["items"]] == ["xzz-shangzhai"]
    path = tmp_path / "b.csv"
    path.write_text("单位编码,村集体经济年收入\nv7,3\n", encoding="utf-8")
    with path.open("rb") as handle:
        accepted = service.call(
            "POST",
            "/rulesets/village-branch-stars/batches?period=2025",
            "城关镇填报员",
            files={"file": ("b.csv", handle, "text/csv")},
        )
    assert accepted.status_code == 202, accepted.text
    batch_id = accepted.json()["id"]
    assert service.call("GET", f"/batches/{batch_id}", "东县审核员").status_code == 200
    assert service.call("GET", f"/batches/{batch_id}", "西县审计员").status_code == 404


def test_four_eyes_and_passing_tests_before_publishing(service):
    created = service.add_ruleset(VILLAGE_TEXT, periods=())
    assert created.status_code == 201
    own = service.call(
        "POST", "/rulesets/village-branch-stars/versions/1/publish", "editor", json={"periods": ["2025"]}
    )
    assert own.status_code == 403 and "另一位编辑" in own.json()["detail"]
    broken = VILLAGE_TEXT.replace("expect: {total: 97, grade: four", "expect: {total: 97, grade: five", 1)
    assert broken != VILLAGE_TEXT
    draft = service.call(
        "POST",
        "/rulesets/village-branch-stars/versions",
        "editor",
        content=broken.encode(),
        headers={"Content-Type": "application/yaml"},
    )
    assert draft.status_code == 201
    refused = service.call(
        "POST", "/rulesets/village-branch-stars/versions/2/publish", "publisher", json={"periods": ["2025"]}
    )
    assert refused.status_code == 422 and "未通过" in refused.json()["detail"]
    assert refused.json()["errors"][0]["field"]
    approved = service.publish("village-branch-stars", 1, ["2025"]).json()
    assert approved["published_by"].startswith("发布-测试") and approved["tests_passed"] > 0


def test_periods_bind_versions_and_drafts_never_make_records(village_service):
    service = village_service
    assert service.call("POST", SCORES, "submitter", json=body("v1", "2026")).status_code == 422
    quarter = service.call("POST", SCORES, "submitter", json=body("v1", "2025Q2"))
    assert quarter.status_code == 201 and quarter.json()["version"] == 1  # the year's version
    bad = service.call("POST", SCORES, "submitter", json=body("v1", "2025年"))
    assert bad.status_code == 422 and "2025Q1" in bad.json()["detail"]
    first = service.call("POST", SCORES, "submitter", json=body("v2")).json()
    changed = VILLAGE_TEXT.replace('"collective_income >= 10", points: 8', '"collective_income >= 6.1", points: 8')
    service.call(
        "POST",
        "/rulesets/village-branch-stars/versions",
        "editor",
        content=changed.encode(),
        headers={"Content-Type": "application/yaml"},
    )
    draft = body("v3")
    draft["version"] = 2
    refused = service.call("POST", SCORES, "submitter", json=draft)
    assert refused.status_code == 422 and "/versions/2/simulate" in refused.json()["detail"]
    assert service.call("GET", "/scores?unit=v3").json()["total"] == 0
    service.publish("village-branch-stars", 2, ["2025"])
    assert service.call("POST", SCORES, "submitter", json=body("v4")).json()["version"] == 2
    correction = body("v2", collective_income=7)
    correction["supersedes"] = first["id"]
    corrected = service.call("POST", SCORES, "submitter", json=correction).json()
    assert corrected["version"] == 1  # the superseded record's version, not today's
    old = body("v5")
    old["version"] = 1
    assert service.call("POST", SCORES, "submitter", json=old).status_code == 422  # no longer in force for 2025


def test_one_current_score_per_unit_and_period(village_service):
    service = village_service
    first = service.call("POST", SCORES, "submitter", json=body("v1")).json()
    again = service.call("POST", SCORES, "submitter", json=body("v1"))
    assert again.status_code == 409 and first["id"] in again.json()["detail"]
    correction = body("v1", collective_income=12)
    correction["supersedes"] = first["id"]
    second = service.call("POST", SCORES, "submitter", json=correction).json()
    stale = service.call("POST", SCORES, "submitter", json=correction)
    assert stale.status_code == 409 and second["id"] in stale.json()["detail"]
    assert [i["id"] for i in service.call("GET", "/scores?unit=v1").json()["items"]] == [second["id"]]
    everything = service.call("GET", "/scores?unit=v1&superseded=true").json()["items"]
    assert [i["id"] for i in everything] == [first["id"], second["id"]]
    old = service.call("GET", f"/scores/{first['id']}").json()
    assert old["superseded_by"] == second["id"] and second["supersedes"] == first["id"]
    assert service.call("POST", SCORES, "submitter", json=body("v1", "2024")).status_code == 201


def test_administrative_events_are_in_the_chain_and_break_it_when_edited(village_service):
    service = village_service
    with service.app.state.sessions() as session:
        kinds = [k for (k,) in session.execute(text("SELECT kind FROM audit_events ORDER BY seq"))]
    assert {"units.imported", "user.created", "grant.added", "token.issued", "ruleset.created"} <= set(kinds)
    assert "version.published" in kinds
    submission = body("v1", petition_cases=0)  # opens no rectification item: no event after the record
    record = service.call("POST", SCORES, "submitter", json=submission).json()
    report = service.call("GET", "/audit/verify", "auditor").json()
    assert report["intact"] and report["records"] == 1 and report["events"] == record["seq"] - 1
    with service.app.state.engine.begin() as connection:
        seq = connection.execute(text("SELECT seq FROM audit_events WHERE kind = 'version.published'")).scalar()
        connection.execute(
            text("UPDATE audit_events SET data = :d WHERE seq = :s"), {"d": json.dumps({"periods": ["2030"]}), "s": seq}
        )
    report = service.call("GET", "/audit/verify", "auditor").json()
    assert report["intact"] is False and report["first_broken_seq"] == seq and "event" in report["problem"]


def test_revoked_and_expired_tokens_are_refused(village_service, monkeypatch):
    service = village_service
    token = service.token("临时", "auditor")
    assert service.call("GET", "/scores", "临时").status_code == 200
    with service.app.state.sessions() as session:
        token_id = session.execute(text("SELECT MAX(id) FROM tokens")).scalar()
    assert service.call("POST", f"/auth/tokens/{token_id}/revoke", "临时").status_code == 200
    import time

    time.sleep(0.6)
    assert service.call("GET", "/scores", "临时").status_code == 401
    from api import auth

    later = auth.datetime.now(auth.UTC) + auth.timedelta(days=40) if hasattr(auth, "timedelta") else None
    del later, token
    expired = service.token("短期", "auditor")
    with service.app.state.engine.begin() as connection:
        connection.execute(
            text("UPDATE tokens SET expires_at = '2000-01-01 00:00:00' WHERE id = (SELECT MAX(id) FROM tokens)")
        )
    time.sleep(0.6)
    assert service.call("GET", "/scores", None, headers={"Authorization": f"Bearer {expired}"}).status_code == 401


def test_sign_in_issues_a_token_and_failures_are_throttled(village_service, caplog):
    service = village_service
    created = service.call("POST", "/users", "admin", json={"name": "赵审计", "password": "correct horse"})
    assert created.status_code == 201
    assert (
        service.call(
            "POST", "/grants", "admin", json={"user": "赵审计", "role": "auditor", "unit": "513322"}
        ).status_code
        == 201
    )
    signed = service.call("POST", "/auth/tokens", None, json={"user": "赵审计", "password": "correct horse"})
    assert signed.status_code == 201
    token = signed.json()["token"]
    assert service.call("GET", "/units/xzz", None, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert service.call("GET", "/units/cgz", None, headers={"Authorization": f"Bearer {token}"}).status_code == 404
    statuses = [
        service.call("POST", "/auth/tokens", None, json={"user": "赵审计", "password": f"wrong {n}"}).status_code
        for n in range(11)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    blocked = service.call("POST", "/auth/tokens", None, json={"user": "赵审计", "password": "correct horse"})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
    logged = caplog.text + json.dumps([r.__dict__ for r in caplog.records], default=str)
    assert "correct horse" not in logged and token not in logged


def test_unknown_tokens_are_throttled_per_client(village_service):
    service = village_service
    statuses = [
        service.call("GET", "/scores", None, headers={"Authorization": f"Bearer kp_guess{n}"}).status_code
        for n in range(12)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]


def test_units_import_names_bad_rows_and_moves_keep_history(village_service):
    service = village_service
    bad = "编码,名称,类型,上级编码\nnew-1,新村,村,nowhere\nnew 2,新村2,村,cgz\nnew-3,新村3,城堡,cgz\n"
    response = service.call("POST", "/units/import", "admin", files={"file": ("u.csv", bad.encode(), "text/csv")})
    assert response.status_code == 422
    rows = {(e["row"], e["field"]) for e in response.json()["errors"]}
    assert rows == {(2, "parent"), (3, "code"), (4, "kind")} or rows >= {(3, "code"), (4, "kind")}
    assert service.call("GET", "/units/new-1").status_code == 404  # nothing written
    record = service.call("POST", SCORES, "submitter", json=body("v9")).json()
    service.token("和平乡填报员", "submitter", "hpx")
    assert service.call("GET", f"/scores/{record['id']}", "和平乡填报员").status_code == 404
    moved = "编码,名称,类型,上级编码\nv9,村9,村,hpx\n"
    answer = service.call("POST", "/units/import", "admin", files={"file": ("m.csv", moved.encode(), "text/csv")})
    assert answer.json()["moved"] == [{"code": "v9", "from": "cgz", "to": "hpx"}]
    assert service.call("GET", "/units/v9").json()["path"] == "/513300/513321/hpx/v9/"
    assert service.call("GET", f"/scores/{record['id']}", "和平乡填报员").json()["unit"]["id"] == "v9"
    assert service.call("GET", "/audit/verify", "auditor").json()["intact"]


def test_a_grant_already_in_force_is_refused_naming_it(village_service):
    service = village_service
    assert service.call("POST", "/users", "admin", json={"name": "钱审核"}).status_code == 201
    grant = {"user": "钱审核", "role": "reviewer", "unit": "cgz"}
    first = service.call("POST", "/grants", "admin", json=grant)
    assert first.status_code == 201, first.text
    again = service.call("POST", "/grants", "admin", json=grant)
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")
    problem = again.json()
    assert problem["title"] == "授权已存在" and f"编号为 {first.json()['id']} 的有效授权" in problem["detail"]
    assert "角色 审核员，范围 cgz" in problem["detail"]
    elsewhere = service.call("POST", "/grants", "admin", json={**grant, "unit": "hpx"})
    other_role = service.call("POST", "/grants", "admin", json={**grant, "role": "auditor"})
    assert elsewhere.status_code == 201 and other_role.status_code == 201
    whole = {"user": "钱审核", "role": "reviewer"}
    assert service.call("POST", "/grants", "admin", json=whole).status_code == 201
    assert service.call("POST", "/grants", "admin", json=whole).status_code == 409
    assert service.call("POST", f"/grants/{first.json()['id']}/revoke", "admin").status_code == 200
    assert service.call("POST", "/grants", "admin", json=grant).status_code == 201  # once revoked it may be granted

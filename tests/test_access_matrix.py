"""Every published operation for every role, granted inside the subtree that holds the
objects asked for (城关镇 cgz), outside it (西寨镇 xzz) and on the whole tree: allowed,
refused (403) or invisible (404), on SQLite and PostgreSQL.

The table is keyed by the app's own operations: a new endpoint without an entry fails
`test_every_operation_has_an_entry`, so nobody adds one without saying who may use it."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from api.admin import cli_actor
from api.app import create_app
from api.auth import ROLES
from api.services import people
from api.services.workdays import today
from api.settings import Settings

from .conftest import ROOT, VILLAGE_TEXT, import_units, village_submission

PLACES = {"inside": "cgz", "outside": "xzz", "whole": None}
ANYONE = ROLES
OK, SEES, EMPTY = "ok", "sees", "empty"  # 2xx; 200 with the object's id in it; 200 without
OWN = "cgz-stars"  # a ruleset owned by 城关镇
VILLAGE_ID = "id: village-branch-stars\n"


@dataclass
class World:
    """The objects the operations are aimed at, all under 城关镇, and fresh ones on demand."""

    service: object
    record: str
    batch: str
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    draft: int | None = None
    other_token: int | None = None
    grant: int | None = None
    item: str | None = None
    quarters: Iterator[str] = field(default_factory=lambda: (f"{y}Q{q}" for y in (2024, 2025) for q in range(1, 5)))
    notice_period: str | None = None
    notice: str | None = None
    closable: str | None = None
    objection: str | None = None
    points: str | None = None

    def fresh(self) -> int:
        return next(self.counter)

    def unpublished_draft(self) -> int:
        """A version of cgz-stars written by another editor, not yet published."""
        if self.draft is None:
            added = self.service.call("POST", f"/rulesets/{OWN}/versions", "editor", **_yaml(_revised(self)))
            assert added.status_code == 201, added.text
            self.draft = added.json()["number"]
        return self.draft

    def token_of_another(self) -> int:
        if self.other_token is None:
            with self.service.app.state.sessions() as session:
                self.other_token = people.token_for(session, cli_actor(), "他人", "submitter", "cgz", 30).row.id
        return self.other_token

    def open_item(self) -> str:
        """An open rectification item (its petition) of a fresh village under 城关镇: one
        marked done stays done, so each cell that marks one done needs another."""
        if self.item is None:
            code = f"cgz-r{self.fresh()}"
            units = self.service.app.state.settings.data_dir / f"{code}.csv"
            units.write_text(f"编码,名称,类型,上级编码\n{code},整改{code},村,cgz\n", encoding="utf-8")
            import_units(self.service.app.state.sessions, units)
            body = village_submission()
            body["unit"] = {"id": code}
            scored = self.service.call("POST", "/rulesets/village-branch-stars/scores", "admin", json=body)
            assert scored.status_code == 201, scored.text
            [item] = self.service.call("GET", f"/rectification?under={code}", "admin").json()["items"]
            self.item = item["id"]
        return self.item

    def unnoticed_period(self) -> str:
        """A quarter (in force under its year's binding) where 红旗村 has a result in no notice."""
        if self.notice_period is None:
            self.notice_period = next(self.quarters)
            body = {**village_submission(), "period": self.notice_period}
            scored = self.service.call("POST", "/rulesets/village-branch-stars/scores", "submitter", json=body)
            assert scored.status_code == 201, scored.text
        return self.notice_period

    def _notice(self, opens: int, closes: int) -> str:
        made = self.service.call("POST", "/notices", "admin", json=_notice_body(self.unnoticed_period(), opens, closes))
        assert made.status_code == 201, made.text
        self.notice_period = None
        return made.json()["id"]

    def open_notice(self) -> str:
        if self.notice is None:
            self.notice = self._notice(-1, 5)
        return self.notice

    def closable_notice(self) -> str:
        """A notice whose period is over, with no objection."""
        if self.closable is None:
            self.closable = self._notice(-10, -1)
        return self.closable

    def open_objection(self) -> str:
        if self.objection is None:
            url = f"/notices/{self.open_notice()}/objections"
            made = self.service.call("POST", url, "admin", json=_objection())
            assert made.status_code == 201, made.text
            self.objection = made.json()["objection"]
        return self.objection

    def consumed(self, path: str) -> None:
        """What an allowed call used up: the next cell needs a new one."""
        if path == "/notices":
            self.notice_period = None
        elif path.endswith("/close"):
            self.closable = None
        elif path.endswith("/resolve"):
            self.objection = None

    def member_event(self) -> str:
        """A fresh event of member DY001 of 红旗村 under the member points ruleset (stored once)."""
        if self.points is None:
            assert self.service.add_ruleset(POINTS_TEXT, periods=("2025",)).status_code == 201
            self.points = "party-member-points"
        posted = self.service.call("POST", f"{POINTS}/events", "admin", json={"event": MEMBER_EVENT})
        assert posted.status_code == 201, posted.text
        return posted.json()["id"]

    def grantee(self) -> str:
        """A new user: the same grant twice is refused, so each cell grants to another."""
        name = f"受权人{self.fresh()}"
        with self.service.app.state.sessions() as session:
            people.create_user(session, cli_actor(), name, None)
        return name

    def grant_on_the_village(self) -> int:
        if self.grant is None:
            with self.service.app.state.sessions() as session:
                self.grant = people.add_grant(session, cli_actor(), "受权人", "reviewer", "cgz-hongqi").id
        return self.grant


Rule = Callable[[str, str], object]  # (role, place) -> expected outcome


def scoped(*roles: str, outside: object = 404) -> Rule:
    """For the roles (admin always), allowed in and over the subtree; `outside` elsewhere."""
    return lambda role, place: 403 if role not in (*roles, "admin") else outside if place == "outside" else OK


def listed(*roles: str) -> Rule:
    """A listing: the object is in it when the subtree holds it, absent otherwise."""
    return lambda role, place: 403 if role not in (*roles, "admin") else EMPTY if place == "outside" else SEES


def open_to(*roles: str) -> Rule:
    """Not unit data: the roles may, wherever their grant is."""
    return lambda role, place: OK if role in (*roles, "admin") else 403


def anybody(role: str, place: str) -> object:
    return OK


def whole_tree_admin(role: str, place: str) -> object:
    """Another user's token: only a whole-tree administrator sees (and revokes) it."""
    return OK if (role, place) == ("admin", "whole") else 404


STAGES = "/rulesets/{ruleset_id}/units/{code}/periods/{period}/stages"
POINTS = "/rulesets/party-member-points"
POINTS_TEXT = (ROOT / "rulesets" / "party-member-points.yaml").read_text(encoding="utf-8")
MEMBER_EVENT = {"member": "DY001", "branch": "cgz-hongqi", "date": "2025-04-18", "kind": "volunteer", "hours": 6}


def reviewer_of_a_plain_batch(role: str, place: str) -> object:
    """Publishing a batch as the reference: reviewers over it reach it, and are told its
    ruleset has no relative indicator (422)."""
    return 403 if role not in ("reviewer", "admin") else 404 if place == "outside" else 422


def _events_file(world: World) -> dict:
    world.member_event()
    line = "党员编号,支部,日期,事项,服务时长\nDY001,cgz-hongqi,2025-05-01,志愿服务,2\n"
    return {"files": {"file": ("events.csv", line.encode(), "text/csv")}}


def stage_step(inside: int) -> Rule:
    """A stage's step (docs/stages.md): submitters and reviewers get to the unit, whose
    stage then answers `inside`; outside their subtrees it is unknown."""
    return lambda role, place: (
        403 if role not in ("submitter", "reviewer", "admin") else 404 if place == "outside" else inside
    )


def _day(offset: int) -> str:
    return (today() + timedelta(days=offset)).isoformat()


def _notice_body(period: str, opens: int, closes: int) -> dict:
    """A notice of 城关镇's results for the period (docs/notices.md)."""
    texts = {"title": "关于星级评定结果的公示", "issuer": "县委组织部", "contact": "电话 1234567", "text": "现予公示。"}
    body = {
        "unit": "cgz",
        "ruleset": "village-branch-stars",
        "period": period,
        "opens": _day(opens),
        "closes": _day(closes),
    }
    return {**body, **texts}


def _objection() -> dict:
    return {"unit": "cgz-hongqi", "contact": "13800000000", "text": "得分有误"}


def _stages(code: str, tail: str = "") -> str:
    return f"/rulesets/village-branch-stars/units/{code}/periods/2025/stages{tail}"


def _text(ruleset_id: str) -> str:
    return VILLAGE_TEXT.replace(VILLAGE_ID, f"id: {ruleset_id}\n", 1)


def _revised(world: World) -> str:
    """The owned ruleset with a new description: a version that really changes something."""
    text = _text(OWN)
    return text.replace("\ndescription: ", f"\ndescription: 第 {world.fresh()} 次修订, ", 1)


def _table(world: World) -> dict:
    """The revised ruleset as an Excel indicator table upload."""
    import io

    from engine import load_ruleset
    from engine.indicator_table import workbook_of

    buffer = io.BytesIO()
    workbook_of(load_ruleset(_revised(world)).model).save(buffer)
    return {"files": {"file": ("指标表.xlsx", buffer.getvalue())}}


def _yaml(text: str) -> dict:
    return {"content": text.encode(), "headers": {"Content-Type": "application/yaml"}}


def _submission(world: World) -> dict:
    body = village_submission()
    body["unit"] = {"id": f"v{world.fresh():05d}"}
    return body


def _batch_file(world: World) -> dict:
    content = f"单位编码,村集体经济年收入\nv{world.fresh():05d},3\n".encode()
    return {"files": {"file": ("b.csv", content, "text/csv")}}


def _units_file(world: World) -> dict:
    content = f"编码,名称,类型,上级编码\nmx{world.fresh()},新村,村,cgz\n".encode()
    return {"files": {"file": ("units.csv", content, "text/csv")}}


# (method, path) -> (rule, request: world -> (url, request arguments, what a listing holds))
Request = Callable[[World], tuple[str, dict, str | None]]
TABLE: dict[tuple[str, str], tuple[Rule, Request]] = {
    ("GET", "/healthz"): (anybody, lambda w: ("/healthz", {}, None)),
    ("POST", "/rulesets"): (open_to("editor"), lambda w: ("/rulesets", _yaml(_text(f"m{w.fresh()}")), None)),
    ("GET", "/rulesets"): (open_to(*ANYONE), lambda w: ("/rulesets", {}, None)),
    ("GET", "/rulesets/{ruleset_id}"): (open_to(*ANYONE), lambda w: (f"/rulesets/{OWN}", {}, None)),
    ("POST", "/rulesets/{ruleset_id}/versions"): (
        scoped("editor", outside=403),
        lambda w: (f"/rulesets/{OWN}/versions", _yaml(_revised(w)), None),
    ),
    ("POST", "/rulesets/{ruleset_id}/versions/table"): (
        scoped("editor", outside=403),
        lambda w: (f"/rulesets/{OWN}/versions/table", _table(w), None),
    ),
    ("GET", "/rulesets/{ruleset_id}/versions/{number}"): (
        open_to(*ANYONE),
        lambda w: (f"/rulesets/{OWN}/versions/1", {}, None),
    ),
    ("POST", "/rulesets/{ruleset_id}/versions/{number}/publish"): (
        scoped("editor", outside=403),
        lambda w: (f"/rulesets/{OWN}/versions/{w.unpublished_draft()}/publish", {"json": {"periods": ["2030"]}}, None),
    ),
    ("GET", "/rulesets/{ruleset_id}/diff"): (
        open_to(*ANYONE),
        lambda w: (f"/rulesets/{OWN}/diff?from=1&to=1", {}, None),
    ),
    ("POST", "/rulesets/{ruleset_id}/versions/{number}/test"): (
        open_to("editor", "auditor"),
        lambda w: (f"/rulesets/{OWN}/versions/1/test", {}, None),
    ),
    ("POST", "/rulesets/{ruleset_id}/versions/{number}/simulate"): (
        listed("editor", "auditor"),
        lambda w: ("/rulesets/village-branch-stars/versions/1/simulate", {}, w.record),
    ),
    ("POST", "/rulesets/{ruleset_id}/scores"): (
        scoped("submitter"),
        lambda w: ("/rulesets/village-branch-stars/scores", {"json": _submission(w)}, None),
    ),
    ("GET", "/scores"): (listed(*ANYONE), lambda w: ("/scores?limit=500", {}, w.record)),
    ("GET", "/flags"): (listed(*ANYONE), lambda w: ("/flags?period=2025", {}, w.record)),
    ("GET", "/scores/{score_id}"): (scoped(*ANYONE), lambda w: (f"/scores/{w.record}", {}, None)),
    ("GET", "/scores/{score_id}/explanation"): (
        scoped(*ANYONE),
        lambda w: (f"/scores/{w.record}/explanation", {}, None),
    ),
    ("GET", "/scores/{score_id}/provenance"): (
        scoped(*ANYONE),
        lambda w: (f"/scores/{w.record}/provenance", {}, None),
    ),
    ("POST", "/scores/{score_id}/verify"): (scoped("auditor"), lambda w: (f"/scores/{w.record}/verify", {}, None)),
    ("GET", "/scores/{score_id}/receipt"): (scoped(*ANYONE), lambda w: (f"/scores/{w.record}/receipt", {}, None)),
    ("POST", "/rulesets/{ruleset_id}/batches"): (
        scoped("submitter"),
        lambda w: ("/rulesets/village-branch-stars/batches?period=2025&unit=cgz", _batch_file(w), None),
    ),
    ("GET", "/batches/{batch_id}"): (scoped(*ANYONE), lambda w: (f"/batches/{w.batch}", {}, None)),
    ("GET", "/batches/{batch_id}/results"): (
        scoped(*ANYONE),
        lambda w: (f"/batches/{w.batch}/results?format=json", {}, None),
    ),
    ("GET", "/audit/verify"): (open_to("auditor"), lambda w: ("/audit/verify", {}, None)),
    ("POST", "/auth/tokens"): (
        anybody,
        lambda w: ("/auth/tokens", {"json": {"user": "签入者", "password": "正确的密码 horse"}}, None),
    ),
    ("POST", "/auth/tokens/{token_id}/revoke"): (
        whole_tree_admin,
        lambda w: (f"/auth/tokens/{w.token_of_another()}/revoke", {}, None),
    ),
    ("POST", "/users"): (open_to(), lambda w: ("/users", {"json": {"name": f"新用户{w.fresh()}"}}, None)),
    ("POST", "/grants"): (
        scoped(),
        lambda w: ("/grants", {"json": {"user": w.grantee(), "role": "reviewer", "unit": "cgz-hongqi"}}, None),
    ),
    ("POST", "/grants/{grant_id}/revoke"): (
        scoped(),
        lambda w: (f"/grants/{w.grant_on_the_village()}/revoke", {}, None),
    ),
    ("GET", "/units"): (listed(*ANYONE), lambda w: ("/units?limit=1000", {}, "cgz-hongqi")),
    ("GET", "/units/{code}"): (scoped(*ANYONE), lambda w: ("/units/cgz-hongqi", {}, None)),
    ("POST", "/units/import"): (scoped(outside=422), lambda w: ("/units/import", _units_file(w), None)),
    ("GET", STAGES): (scoped(*ANYONE), lambda w: (_stages("cgz-hongqi"), {}, None)),
    ("POST", STAGES + "/{stage}"): (  # 自评 is the village's: no grant at a township or the whole tree takes it
        stage_step(403),
        lambda w: (_stages("cgz-hongqi", "/self_review"), {"json": {"data": _submission(w)["data"]}}, None),
    ),
    ("POST", STAGES + "/{stage}/return"): (  # nothing submitted in stages: nothing to send back
        stage_step(409),
        lambda w: (_stages("cgz-hongqi", "/township_review/return"), {"json": {"reason": "退回"}}, None),
    ),
    ("POST", STAGES + "/{stage}/subtree"): (
        scoped("submitter", "reviewer"),
        lambda w: (_stages("cgz", "/township_review/subtree"), {}, None),
    ),
    ("GET", "/units/{code}/timeline"): (scoped(*ANYONE), lambda w: ("/units/cgz-hongqi/timeline", {}, None)),
    ("GET", "/rectification"): (listed(*ANYONE), lambda w: ("/rectification", {}, "cgz-hongqi")),
    ("GET", "/rectification/{item_id}"): (scoped(*ANYONE), lambda w: (f"/rectification/{w.open_item()}", {}, None)),
    ("POST", "/rectification/{item_id}/done"): (
        scoped("submitter", "reviewer"),
        lambda w: (f"/rectification/{w.open_item()}/done", {"json": {"evidence": "已整改"}}, None),
    ),
    ("GET", "/units/{code}/finality"): (scoped(*ANYONE), lambda w: ("/units/cgz-hongqi/finality", {}, None)),
    ("POST", "/notices"): (scoped(), lambda w: ("/notices", {"json": _notice_body(w.unnoticed_period(), -1, 5)}, None)),
    ("GET", "/notices"): (listed(*ANYONE), lambda w: ("/notices", {}, w.open_notice())),
    ("GET", "/notices/{notice_id}"): (scoped(*ANYONE), lambda w: (f"/notices/{w.open_notice()}", {}, None)),
    ("GET", "/notices/{notice_id}/document/{form}"): (
        scoped(*ANYONE),
        lambda w: (f"/notices/{w.open_notice()}/document/docx", {}, None),
    ),
    ("POST", "/notices/{notice_id}/close"): (scoped(), lambda w: (f"/notices/{w.closable_notice()}/close", {}, None)),
    ("POST", "/notices/{notice_id}/objections"): (
        scoped(),
        lambda w: (f"/notices/{w.open_notice()}/objections", {"json": _objection()}, None),
    ),
    ("POST", "/notices/{notice_id}/objections/{objection_id}/resolve"): (
        scoped(),
        lambda w: (
            f"/notices/{w.open_notice()}/objections/{w.open_objection()}/resolve",
            {"json": {"outcome": "dismissed", "reason": "经核实无误"}},
            None,
        ),
    ),
    ("POST", "/batches/{batch_id}/reference"): (
        reviewer_of_a_plain_batch,
        lambda w: (f"/batches/{w.batch}/reference", {}, None),
    ),
    ("GET", "/rulesets/{ruleset_id}/reference"): (  # none published: the same answer for all
        lambda role, place: 404,
        lambda w: ("/rulesets/village-branch-stars/reference?period=2024", {}, None),
    ),
    ("POST", "/rulesets/{ruleset_id}/events"): (
        scoped("submitter"),
        lambda w: (w.member_event() and f"{POINTS}/events", {"json": {"event": MEMBER_EVENT}}, None),
    ),
    ("POST", "/rulesets/{ruleset_id}/events/file"): (
        scoped("submitter", outside=422),  # a row of a branch outside the subtree refuses the file
        lambda w: (f"{POINTS}/events/file?year=2025", _events_file(w), None),
    ),
    ("POST", "/rulesets/{ruleset_id}/events/{event_id}/withdraw"): (
        scoped("submitter"),
        lambda w: (f"{POINTS}/events/{w.member_event()}/withdraw", {"json": {"reason": "重复录入"}}, None),
    ),
    ("GET", "/rulesets/{ruleset_id}/events"): (
        listed(*ANYONE),
        lambda w: (w.member_event() and f"{POINTS}/events", {}, "DY001"),
    ),
    ("GET", "/rulesets/{ruleset_id}/members/{member}/points"): (
        scoped(*ANYONE),
        lambda w: (w.member_event() and f"{POINTS}/members/DY001/points?period=2025", {}, None),
    ),
    ("GET", "/rulesets/{ruleset_id}/branches/{unit}/points"): (
        scoped(*ANYONE),
        lambda w: (w.member_event() and f"{POINTS}/branches/cgz-hongqi/points?period=2025", {}, None),
    ),
}


def operations(app) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops}


def test_every_operation_has_an_entry(tmp_path):
    app = create_app(Settings(data_dir=tmp_path))
    app.state.batches.stop()
    assert operations(app) == set(TABLE)


@pytest.fixture
def world(village_service) -> World:
    service = village_service
    body = village_submission(mass_satisfaction_pct=79)  # raises a flag: the committee's list holds it
    record = service.call("POST", "/rulesets/village-branch-stars/scores", "submitter", json=body)
    assert record.status_code == 201, record.text
    service.token("城关镇编辑", "editor", "cgz")
    assert service.call("POST", "/rulesets", "城关镇编辑", **_yaml(_text(OWN))).status_code == 201
    service.publish(OWN, 1, ["2025"])
    batch = service.call(
        "POST",
        "/rulesets/village-branch-stars/batches?period=2024&unit=cgz",
        "submitter",
        files={"file": ("b.csv", "单位编码,村集体经济年收入\ncgz-dongfeng,3\n".encode(), "text/csv")},
    )
    assert batch.status_code == 202, batch.text
    deadline = time.monotonic() + 120
    while service.call("GET", f"/batches/{batch.json()['id']}", "admin").json()["status"] != "done":
        assert time.monotonic() < deadline, "the batch did not finish"
        time.sleep(0.2)
    for name, password in (("签入者", "正确的密码 horse"), ("受权人", None)):
        created = service.call("POST", "/users", "admin", json={"name": name, "password": password})
        assert created.status_code == 201, created.text
    for role, place in itertools.product(ROLES, PLACES):
        service.token(f"{role}@{place}", role, PLACES[place])
    return World(service, record.json()["id"], batch.json()["id"])


def outcome(response, holds: str | None) -> object:
    if response.status_code in (403, 404, 422):
        assert response.headers["content-type"].startswith("application/problem+json")
        return response.status_code
    if not 200 <= response.status_code < 300:
        return response.status_code
    if holds is None:
        return OK
    return SEES if holds in response.text else EMPTY


def test_every_operation_for_every_role_and_place(world):
    wrong = []
    for (method, path), (rule, request) in TABLE.items():
        for role, place in itertools.product(ROLES, PLACES):
            url, arguments, holds = request(world)
            response = world.service.call(method, url, f"{role}@{place}", **arguments)
            got, expected = outcome(response, holds), rule(role, place)
            if got != expected:
                wrong.append(f"{method} {path} as {role}@{place}: {got}, expected {expected}: {response.text[:200]}")
            if got == OK and "revoke" in path:  # the next cell needs a target not yet revoked
                world.other_token = world.grant = None
            if got == OK and path.endswith("/done"):  # the next cell needs an item still open
                world.item = None
            if got == OK and "publish" in path:
                world.draft = None
            if got == OK and method == "POST" and path.startswith("/notices"):
                world.consumed(path)
    assert wrong == []

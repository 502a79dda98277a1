"""`kaoping serve --demo`: accounts a newcomer can sign in with, fresh passwords each start."""

from __future__ import annotations

from api.auth import system_actor
from api.services import demo, people
from tests.conftest import ROOT


def test_demo_accounts_sign_in_and_get_new_passwords_at_each_start(service):
    actor = system_actor("测试")
    with service.app.state.sessions() as session:
        first = demo.prepare(session, actor, ROOT / "examples" / "units.csv")
        again = demo.prepare(session, actor, ROOT / "examples" / "units.csv")
        assert [a.role for a in first] == [role for _, role, _ in demo.ACCOUNTS]
        for old, new in zip(first, again, strict=True):
            assert old.password != new.password
            assert people.sign_in(session, new.name, new.password) is not None
            assert people.sign_in(session, old.name, old.password) is None
            grants = [g for g in people.grants_of_user(session, new.name) if g.revoked_at is None]
            assert [(g.role, g.unit_code) for g in grants] == [(new.role, None)]  # granted once


def test_the_demo_passwords_are_set_as_chained_events(service):
    with service.app.state.sessions() as session:
        demo.prepare(session, system_actor("测试"), ROOT / "examples" / "units.csv")
        demo.prepare(session, system_actor("测试"), ROOT / "examples" / "units.csv")
    report = service.call("GET", "/audit/verify", "auditor").json()
    assert report["intact"] is True


def test_only_a_whole_tree_admin_sets_passwords(service):
    from api.problems import ApiProblem

    with service.app.state.sessions() as session:
        people.create_user(session, system_actor("测试"), "li", "Kaoping-2026")
        clerk = people.signed_in_actor(people.find_user(session, "li"))
        try:
            people.set_password(session, clerk, "li", "Another-2026")
        except ApiProblem as refused:
            assert refused.problem.status == 403 and "全辖区的管理员" in refused.problem.detail
        else:
            raise AssertionError("a user without the admin role set a password")

"""What an editor tries on a ruleset before it is in force, a stored version or the
text in the editor alike: its embedded tests, what changed against another version in
domain terms, and the stored scores replayed under it (nothing is stored)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session

from engine import LoadedRuleset
from engine.diff import diff_rulesets
from engine.impact import StoredScore, replay
from engine.points_loader import LoadedPoints
from engine.testing import run_any_tests

from .. import scope, store
from ..auth import Actor
from ..catalog import loaded
from ..schemas import DiffOut, SimulatedUnit, SimulationReport, TestCaseOut, TestReport


def test_report(ruleset_id: str, ruleset: LoadedRuleset | LoadedPoints, version: int | None) -> TestReport:
    """Every embedded test case, passed or with what was expected and what came out."""
    cases = [
        TestCaseOut(
            name=o.name,
            passed=o.passed,
            mismatches=[{"what": m.what, "expected": m.expected, "actual": m.actual} for m in o.mismatches],
        )
        for o in run_any_tests(ruleset)
    ]
    passed = sum(c.passed for c in cases)
    return TestReport(ruleset_id=ruleset_id, version=version, passed=passed, failed=len(cases) - passed, cases=cases)


def diff_report(
    ruleset_id: str, before: LoadedRuleset, from_version: int, after: LoadedRuleset, to_version: int | None
) -> DiffOut:
    result = diff_rulesets(before.model, after.model)
    return DiffOut(ruleset_id=ruleset_id, from_version=from_version, to_version=to_version, **result.model_dump())


def _stored(records) -> list[StoredScore]:
    return [
        StoredScore(
            score_id=r.id,
            unit={"id": r.unit_id, "name": r.unit_name, "parent": r.unit_parent},
            period=r.period,
            batch_id=r.batch_id,
            submitted=r.input,
            result=r.result,
        )
        for r in records
    ]


def simulation(
    session: Session,
    actor: Actor,
    ruleset_id: str,
    candidate: LoadedRuleset,
    number: int | None,
    period: str | None = None,
    parent: str | None = None,
) -> SimulationReport:
    """The actor's subtree's current scores of the last published version, scored again
    under `candidate`: grade moves (a from → to matrix), moved units and why."""
    row = store.get_ruleset(session, ruleset_id)
    published = candidate.model
    records = []
    if row.published_version:
        published = loaded(store.get_version(session, ruleset_id, row.published_version)).model
        visible = scope.records(actor, "editor", "auditor")
        records = store.scores_under(session, visible, ruleset_id, row.published_version)
    report = replay(published, candidate, _stored(records), period=period, parent=parent)
    moves = Counter(f"{i.old_grade or '—'} → {i.new_grade or '—'}" for i in report.moved)
    return SimulationReport(
        ruleset_id=ruleset_id,
        published_version=row.published_version,
        simulated_version=number,
        units=report.units,
        changed_grade=report.changed_grade,
        errors=report.errors,
        grade_moves=dict(moves),
        items=[SimulatedUnit(**i.model_dump()) for i in report.items],
        period=period,
        parent=parent,
        matrix=report.matrix,
        moved=[SimulatedUnit(**i.model_dump()) for i in report.moved],
        dimension_means=[m.model_dump() for m in report.dimension_means],
        notes=report.notes,
    )

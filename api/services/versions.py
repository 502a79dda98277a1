"""Rulesets' versions: drafted by an editor, published by another after their tests
pass (four eyes), in force for named appraisal periods; which version a score uses.

A period is a year (`2025`), a quarter (`2025Q1`) or a month (`2025-03`, see
docs/periods.md); a version in force for a year is in force for its quarters and months,
one in force for a quarter for its months, unless a shorter period has its own; `*` (what
operator imports use by default) stands for every period not named otherwise.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import LoadedRuleset
from engine.messages import say
from engine.model import Ruleset
from engine.periods import enclosing, parse
from engine.points_loader import LoadedPoints
from engine.testing import run_any_tests

from .. import scope, store
from ..auth import Actor
from ..catalog import any_loaded
from ..problems import ApiProblem
from ..tables import RulesetPeriod, RulesetRow, RulesetVersionRow, ScoreRecord, Unit
from .quarters import source_problems

ANY_PERIOD = "*"


def period_problem(period: str) -> str | None:
    """Why a period cannot be used, in the reader's language; None when it can."""
    if parse(period) is not None:
        return None
    return say("detail.bad_period", period=period)


def kind_problem(model: Ruleset, period: str) -> str | None:
    """Why a ruleset that declares its kind of period cannot score this period; None when
    it can (a ruleset that declares none takes every kind, as it always did)."""
    found = parse(period)
    if model.period is None or found is None or found.kind == model.period:
        return None
    examples = {"year": "2025", "quarter": "2025Q1", "month": "2025-03"}
    return say(
        "detail.wrong_period_kind",
        ruleset=model.id,
        kind=say(f"period.{model.period}"),
        period=period,
        given=say(f"period.{found.kind}"),
        example=examples[model.period],
    )


def _candidates(period: str) -> list[str]:
    """The bindings that may decide a period, the most specific first."""
    return [period, *enclosing(period), ANY_PERIOD]


def in_force(session: Session, ruleset_id: str, period: str) -> int | None:
    """The version in force for the period, or None."""
    names = _candidates(period)
    bound = dict(
        session.execute(
            select(RulesetPeriod.period, RulesetPeriod.version).where(
                RulesetPeriod.ruleset_id == ruleset_id, RulesetPeriod.period.in_(names)
            )
        ).all()
    )
    return next((bound[name] for name in names if name in bound), None)


def periods_of(session: Session, ruleset_id: str) -> dict[str, int]:
    rows = session.execute(
        select(RulesetPeriod.period, RulesetPeriod.version)
        .where(RulesetPeriod.ruleset_id == ruleset_id)
        .order_by(RulesetPeriod.period)
    )
    return dict(rows.all())


def official_version(
    session: Session, ruleset_id: str, period: str, requested: int | None, correcting: ScoreRecord | None = None
) -> int:
    """The version an official score of the period uses: a correction keeps the version of
    the record it corrects unless another in-force one is named; a draft never counts."""
    store.get_ruleset(session, ruleset_id)
    if correcting is not None and requested is None:
        return correcting.version
    current = in_force(session, ruleset_id, period)
    if requested is not None:
        version = store.get_version(session, ruleset_id, requested)
        if version.published_at is None:
            message = say("detail.draft_version", number=requested, ruleset=ruleset_id)
            raise ApiProblem(422, "Draft version", message, [{"field": "version", "message": message}])
        if requested != current:
            message = say(
                "detail.version_not_in_force", number=requested, period=period, current=current or say("detail.none")
            )
            raise ApiProblem(422, "Version not in force", message, [{"field": "version", "message": message}])
        return requested
    if current is None:
        message = say("detail.no_version_in_force", ruleset=ruleset_id, period=period)
        raise ApiProblem(422, "No version in force", message, [{"field": "period", "message": message}])
    return current


def _owner_path(session: Session, row: RulesetRow) -> str | None:
    return session.scalar(select(Unit.path).where(Unit.code == row.owner_unit)) if row.owner_unit else None


def _check_editor(session: Session, actor: Actor, row: RulesetRow) -> None:
    """Editors edit the rulesets owned by their level or a level under it."""
    if not scope.covers(actor.paths("editor"), _owner_path(session, row)):
        owner = row.owner_unit or say("detail.whole_tree")
        raise ApiProblem(403, "Forbidden", say("detail.not_your_ruleset", ruleset=row.id, owner=owner))


def _default_owner(session: Session, actor: Actor, owner: str | None) -> str | None:
    if owner is not None:
        return scope.unit(session, actor, owner, "editor", field="owner").code
    units = {g.unit for g in actor.grants if g.role in ("admin", "editor")}
    return None if None in units or len(units) != 1 else units.pop()


def standing(number: int, published_at, periods: dict[str, int]) -> tuple[str, list[str]]:
    """A version's status: published (in force for the periods listed), draft (never
    published) or previous (published once, in force for no period now)."""
    in_force = [p for p, n in periods.items() if n == number]
    if published_at is None:
        return "draft", in_force
    return ("published" if in_force else "previous"), in_force


def create_ruleset(
    session: Session, ruleset: LoadedRuleset, actor: Actor, note: str | None, owner: str | None = None
) -> RulesetRow:
    """A new ruleset whose version 1 is a draft, owned by the editor's level (or `owner`)."""
    owner_unit = _default_owner(session, actor, owner)
    with store.chain_turn(session) as chain:
        if session.get(RulesetRow, ruleset.id) is not None:
            raise ApiProblem(409, "Ruleset exists", say("detail.ruleset_exists", ruleset=ruleset.id))
        moment = store.now()
        row = RulesetRow(
            id=ruleset.id,
            title=ruleset.model.title,
            published_version=None,
            latest_version=1,
            created_at=moment,
            created_by=actor.label,
            owner_unit=owner_unit,
        )
        session.add(row)
        session.add(_version_row(ruleset, 1, note, actor, moment))
        chain.append(
            "ruleset.created",
            ruleset.id,
            {"version": 1, "content_hash": ruleset.content_hash, "owner": owner_unit, "note": note},
            actor,
        )
    return row


def _version_row(ruleset: LoadedRuleset, number: int, note, actor: Actor, moment) -> RulesetVersionRow:
    return RulesetVersionRow(
        ruleset_id=ruleset.id,
        number=number,
        text=ruleset.text,
        content_hash=ruleset.content_hash,
        note=note,
        created_at=moment,
        created_by=actor.label,
        author_user_id=actor.user_id,
    )


def add_version(
    session: Session, ruleset_id: str, ruleset: LoadedRuleset, actor: Actor, base_version: int | None, note: str | None
) -> RulesetVersionRow:
    """A new draft version; 409 when the editor's base is not the latest version."""
    if ruleset.id != ruleset_id:
        raise ApiProblem(
            422,
            "Ruleset id does not match",
            say("detail.id_mismatch", given=ruleset.id, expected=ruleset_id),
            [{"path": "id", "message": say("detail.id_expected", expected=ruleset_id)}],
        )
    with store.chain_turn(session) as chain:
        row = store.get_ruleset(session, ruleset_id)
        _check_editor(session, actor, row)
        latest = store.get_version(session, ruleset.id, row.latest_version)
        if base_version is not None and base_version != row.latest_version:
            raise ApiProblem(
                409,
                "Edit conflict",
                say("detail.edit_conflict", base=base_version, who=latest.created_by, latest=row.latest_version),
            )
        if latest.content_hash == ruleset.content_hash:
            raise ApiProblem(
                409,
                "Nothing changed",
                say("detail.nothing_changed", number=latest.number),
                [{"path": "(ruleset)", "message": say("detail.same_as", number=latest.number)}],
            )
        number = row.latest_version + 1
        row.latest_version = number
        version = _version_row(ruleset, number, note, actor, store.now())
        session.add(version)
        chain.append(
            "version.created", f"{ruleset_id}/{number}", {"content_hash": ruleset.content_hash, "note": note}, actor
        )
    return version


def publish(session: Session, ruleset_id: str, number: int, actor: Actor, periods: list[str]) -> RulesetVersionRow:
    """Put a version in force for periods: only by someone other than its author, and only
    when every one of its embedded tests passes; the approval is an event of the chain."""
    problems = [
        {"field": f"periods[{i}]", "message": m}
        for i, p in enumerate(periods)
        if p != ANY_PERIOD and (m := period_problem(p))
    ]
    if not periods:
        problems.append({"field": "periods", "message": say("detail.periods_required")})
    if problems:
        raise ApiProblem(422, "Bad periods", problems[0]["message"], problems)
    version = store.get_version(session, ruleset_id, number)
    _check_editor(session, actor, store.get_ruleset(session, ruleset_id))
    ruleset = any_loaded(version)
    sources = [] if isinstance(ruleset, LoadedPoints) else source_problems(session, ruleset.model)
    if sources:
        raise ApiProblem(422, "Quarters unknown", sources[0]["message"], sources)
    if version.author_user_id is not None and version.author_user_id == actor.user_id:
        raise ApiProblem(
            403,
            "Four eyes",
            say("detail.four_eyes", number=number, author=version.created_by),
        )
    outcomes = run_any_tests(ruleset)
    failed = [o for o in outcomes if not o.passed]
    if failed:
        raise ApiProblem(
            422,
            "Tests failed",
            say("detail.tests_failed", number=number, count=len(failed)),
            [
                {
                    "field": f"tests.{o.name}",
                    "message": "; ".join(
                        say("detail.test_mismatch", what=m.what, expected=m.expected, actual=m.actual)
                        for m in o.mismatches
                    ),
                }
                for o in failed
            ],
        )
    return _put_in_force(session, ruleset_id, number, actor, periods, len(outcomes))


def _put_in_force(session: Session, ruleset_id: str, number: int, actor: Actor, periods: list[str], passed: int):
    with store.chain_turn(session) as chain:
        version = store.get_version(session, ruleset_id, number)
        row = store.get_ruleset(session, ruleset_id)
        moment = store.now()
        if version.published_at is None:
            version.published_at, version.published_by = moment, actor.label
            version.approver_user_id, version.tests_passed = actor.user_id, passed
        row.published_version = number
        replaced = {}
        for period in dict.fromkeys(periods):
            bound = session.get(RulesetPeriod, (ruleset_id, period))
            if bound is None:
                session.add(
                    RulesetPeriod(
                        ruleset_id=ruleset_id, period=period, version=number, set_at=moment, set_by=actor.label
                    )
                )
            else:
                replaced[period] = bound.version
                bound.version, bound.set_at, bound.set_by = number, moment, actor.label
        chain.append(
            "version.published",
            f"{ruleset_id}/{number}",
            {
                "periods": list(dict.fromkeys(periods)),
                "replaced": replaced,
                "tests_passed": passed,
                "author": version.created_by,
                "content_hash": version.content_hash,
            },
            actor,
        )
    return version

"""Rulesets' versions: drafted by an editor, published by another after their tests
pass (four eyes), in force for named appraisal periods; which version a score uses.

A period is a year (`2025`) or one of its quarters (`2025Q1`); a version in force for a
year is in force for its quarters unless a quarter has its own, and `*` (what operator
imports use by default) stands for every period not named otherwise.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import LoadedRuleset
from engine.testing import run_tests

from .. import scope, store
from ..auth import Actor
from ..catalog import loaded as compiled_of
from ..problems import ApiProblem
from ..tables import RulesetPeriod, RulesetRow, RulesetVersionRow, ScoreRecord, Unit

PERIOD = re.compile(r"^(\d{4})(Q[1-4])?$")
ANY_PERIOD = "*"


def period_problem(period: str) -> str | None:
    """Why a period cannot be used, in Chinese; None when it can."""
    if PERIOD.match(period):
        return None
    return f"考核期间 '{period}' 应写成年份 (如 2025) 或季度 (如 2025Q1)"


def _candidates(period: str) -> list[str]:
    """The bindings that may decide a period, the most specific first."""
    found = PERIOD.match(period)
    names = [period]
    if found and found[2]:
        names.append(found[1])
    return [*names, ANY_PERIOD]


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
            message = (
                f"版本 {requested} 是草稿，不能用于正式评分；请用 "
                f"POST /rulesets/{ruleset_id}/versions/{requested}/simulate 试算"
            )
            raise ApiProblem(422, "Draft version", message, [{"field": "version", "message": message}])
        if requested != current:
            message = f"版本 {requested} 未对考核期间 {period} 生效 (生效的是版本 {current or '无'})"
            raise ApiProblem(422, "Version not in force", message, [{"field": "version", "message": message}])
        return requested
    if current is None:
        message = f"规则集 {ruleset_id} 没有对考核期间 {period} 生效的已发布版本"
        raise ApiProblem(422, "No version in force", message, [{"field": "period", "message": message}])
    return current


def _owner_path(session: Session, row: RulesetRow) -> str | None:
    return session.scalar(select(Unit.path).where(Unit.code == row.owner_unit)) if row.owner_unit else None


def _check_editor(session: Session, actor: Actor, row: RulesetRow) -> None:
    """Editors edit the rulesets owned by their level or a level under it."""
    if not scope.covers(actor.paths("editor"), _owner_path(session, row)):
        owner = row.owner_unit or "全辖区"
        raise ApiProblem(403, "Forbidden", f"规则集 {row.id} 归 {owner} 所有，不在您可编辑的范围内")


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
            raise ApiProblem(409, "Ruleset exists", f"规则集 {ruleset.id} 已存在; 要修改请提交新版本")
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
            f"文本中的编码是 {ruleset.id}, 不是 {ruleset_id}",
            [{"path": "id", "message": f"应为 {ruleset_id}"}],
        )
    with store.chain_turn(session) as chain:
        row = store.get_ruleset(session, ruleset_id)
        _check_editor(session, actor, row)
        latest = store.get_version(session, ruleset.id, row.latest_version)
        if base_version is not None and base_version != row.latest_version:
            raise ApiProblem(
                409,
                "Edit conflict",
                f"这次修改基于第 {base_version} 版, 但在此期间 {latest.created_by} 已保存了新的版本,"
                f" 最新的是第 {row.latest_version} 版; 请先查看最新版, 再在它的基础上提交",
            )
        if latest.content_hash == ruleset.content_hash:
            raise ApiProblem(
                409,
                "Nothing changed",
                f"内容与第 {latest.number} 版相同, 没有保存新版本",
                [{"path": "(ruleset)", "message": f"内容与第 {latest.number} 版相同"}],
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
        problems.append({"field": "periods", "message": '请列出该版本生效的考核期间，如 ["2025"]'})
    if problems:
        raise ApiProblem(422, "Bad periods", problems[0]["message"], problems)
    version = store.get_version(session, ruleset_id, number)
    _check_editor(session, actor, store.get_ruleset(session, ruleset_id))
    if version.author_user_id is not None and version.author_user_id == actor.user_id:
        raise ApiProblem(
            403,
            "Four eyes",
            f"版本 {number} 由您本人起草 ({version.created_by})，须由另一位编辑审核发布",
        )
    outcomes = run_tests(compiled_of(version))
    failed = [o for o in outcomes if not o.passed]
    if failed:
        raise ApiProblem(
            422,
            "Tests failed",
            f"版本 {number} 的内置测试有 {len(failed)} 项未通过，不能发布",
            [
                {
                    "field": f"tests.{o.name}",
                    "message": "; ".join(f"{m.what}: 应为 {m.expected}, 实为 {m.actual}" for m in o.mismatches),
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

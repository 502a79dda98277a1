"""Request and response bodies of the service, with the examples shown in /docs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from engine.diff import Change

MAX_VERSION = 2_147_483_647
REASON_LENGTH = 2000  # the longest reason a person may give (a stage's change, a return, a resolution)
VersionNumber = Annotated[int, Path(ge=1, le=MAX_VERSION, description="version number")]


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RulesetSummary(Out):
    id: str
    title: str
    published_version: int | None = Field(description="the version published last")
    latest_version: int
    created_at: datetime
    created_by: str
    owner_unit: str | None = Field(description="the level whose editors edit it; null: the whole tree")


class VersionSummary(Out):
    number: int
    content_hash: str
    note: str | None
    created_at: datetime
    created_by: str
    published_at: datetime | None
    published_by: str | None
    tests_passed: int | None = Field(default=None, description="embedded tests that passed when it was published")


class RulesetDetail(RulesetSummary):
    versions: list[VersionSummary]
    periods: dict[str, int] = Field(description="the version in force for each period ('*': any other period)")


class PublishRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"periods": ["2025"]}]})
    periods: list[str] = Field(max_length=100, description="the periods the version is put in force for")


class VersionDetail(VersionSummary):
    ruleset_id: str
    status: str = Field(description="published (in force for some period), draft (never published) or previous")
    in_force_for: list[str] = Field(description="the periods this version is in force for")
    text: str = Field(description="the ruleset exactly as written")
    parsed: dict[str, Any]


class DiffOut(BaseModel):
    ruleset_id: str
    from_version: int
    to_version: int | None = Field(description="null: the text in the editor, not saved as a version")
    changes: list[Change]
    total_range_before: tuple[Decimal, Decimal]
    total_range_after: tuple[Decimal, Decimal]


class TestCaseOut(BaseModel):
    name: str
    passed: bool
    mismatches: list[dict[str, str]]


class TestReport(BaseModel):
    ruleset_id: str
    version: int | None = Field(description="null: the text in the editor, not saved as a version")
    passed: int
    failed: int
    cases: list[TestCaseOut]


class UnitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=200, examples=["cgz-hongqi"])
    name: str | None = Field(default=None, max_length=500, examples=["红旗村"])
    parent: str | None = Field(default=None, max_length=200, examples=["城关镇"])


class ScoreRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "unit": {"id": "cgz-hongqi", "name": "红旗村", "parent": "城关镇"},
                    "period": "2025",
                    "data": {"collective_income": 6.2, "assistance_rating": "好", "...": "every input of the ruleset"},
                }
            ]
        },
    )
    unit: UnitIn
    period: str = Field(
        min_length=1, max_length=50, examples=["2025"], description="a year (2025) or a quarter (2025Q1)"
    )
    data: dict[str, Any] = Field(description="the unit's input values, by input id")
    version: StrictInt | None = Field(
        default=None,
        ge=1,
        le=MAX_VERSION,
        description="the version in force for the period (a correction: that of the record it corrects by default)",
    )
    supersedes: str | None = Field(default=None, max_length=36, description="id of the score this one corrects")
    reference_batch: str | None = Field(
        default=None,
        max_length=36,
        description="a stored batch of the same version that relative indicators compare the unit with"
        " (a ruleset with relative indicators uses the period's published batch when it is left out)",
    )


class ReferenceOut(BaseModel):
    """The batch published as the reference of a ruleset and period, and who published it when."""

    ruleset_id: str
    period: str
    batch: str
    version: int
    name: str = Field(description="how a result names it")
    replaces: str | None = Field(description="the batch published before it, if any")
    published_by: str
    published_at: str
    event: str = Field(description="the id of the chained audit event")


class UnitOut(BaseModel):
    id: str
    name: str | None
    parent: str | None


class ScoreSummary(BaseModel):
    id: str
    seq: int
    ruleset_id: str
    version: int
    unit: UnitOut
    period: str
    total: str
    grade: str | None
    status: str
    actor: str
    created_at: str
    supersedes: str | None
    batch_id: str | None


class ScoreOut(ScoreSummary):
    superseded_by: str | None = Field(default=None, description="the record that corrected this one, if any")
    content_hash: str
    engine_version: str
    input: dict[str, Any] = Field(description="the data as submitted")
    prev_hash: str
    record_hash: str
    result: dict[str, Any] = Field(description="the full result with its explanation")


class ScorePage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[ScoreSummary]


class RaisedFlag(BaseModel):
    id: str
    title: str
    severity: str = Field(description="notice, attention or warning")
    advice: str | None
    condition: str
    values: dict[str, Any] = Field(description="the values the condition read")


class UnitFlags(BaseModel):
    record: ScoreSummary
    flags: list[RaisedFlag]


class FlagList(BaseModel):
    period: str
    count: int = Field(description="how many records raised flags")
    items: list[UnitFlags]


class Difference(BaseModel):
    path: str
    stored: Any
    recomputed: Any


class VerifyReport(BaseModel):
    score_id: str
    identical: bool
    ruleset_hash_matches: bool
    record_hash_matches: bool
    differences: list[Difference]
    notes: list[str] = Field(default_factory=list, description="what the check could not decide again, and why")


class InputSource(BaseModel):
    """One input value of a stored record and where it came from (docs/provenance.md)."""

    input: str
    title: str
    value: Any = None
    shown: str = Field(description="the value as a clerk reads it (yes or no, not applicable, a dash when not given)")
    kind: Literal["typed", "imported", "changed", "filled", "default", "empty"]
    text: str = Field(description="where the value came from, in the reader's language")
    actor: str | None = None
    at: str | None = None
    stage: str | None = Field(default=None, description="the stage's id, for a value typed or changed at a stage")
    reason: str | None = Field(default=None, description="the reviewer's reason for a changed value")
    record: str | None = Field(default=None, description="the record the value was typed in or filled from")


class InputSources(BaseModel):
    record: str
    ruleset_id: str
    period: str
    inputs: list[InputSource]


class ChainVerifyReport(BaseModel):
    records: int = Field(description="score records in the chain")
    events: int = Field(description="administrative events in the chain")
    intact: bool
    first_broken_seq: int | None
    problem: str | None


class SimulatedUnit(BaseModel):
    score_id: str
    unit_id: str
    period: str
    old_total: str
    old_grade: str | None
    new_total: str | None
    new_grade: str | None
    error: str | None = None
    parent: str | None = None
    batch_id: str | None = None
    quota: str | None = Field(default=None, description="the quota move decided again within the unit's batch")
    changes: list[str] = Field(default_factory=list, description="rule changes that touched this unit's figures")


class DimensionMeanOut(BaseModel):
    id: str
    title: str
    before: Decimal | None
    after: Decimal | None
    change: Decimal | None


class SimulationReport(BaseModel):
    ruleset_id: str
    published_version: int | None
    simulated_version: int | None = Field(description="null: the text in the editor, not saved as a version")
    units: int
    changed_grade: int
    errors: int
    grade_moves: dict[str, int]
    items: list[SimulatedUnit]
    period: str | None = None
    parent: str | None = None
    matrix: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="from grade → to grade → units; unchanged units on the diagonal"
    )
    moved: list[SimulatedUnit] = Field(default_factory=list)
    dimension_means: list[DimensionMeanOut] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class BatchOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    ruleset_id: str
    version: int
    period: str
    status: str
    filename: str
    rows: int | None = Field(description="rows in the file; null until the batch's runner has read it")
    scored: int
    stored: int
    error_rows: int
    created_at: datetime
    finished_at: datetime | None
    failure: str | None
    summary: dict | None


class StageAct(BaseModel):
    """A stage's step (docs/stages.md): the first stage sends `data`; a later one sends
    the values it changes with a reason for each, or nothing to accept the data as it is."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"changes": {"collective_income": 5.8}, "reasons": {"collective_income": "账目核实, 应扣除一次性补助"}}
            ]
        },
    )
    data: dict[str, Any] | None = Field(default=None, description="the first stage: every input of the unit")
    changes: dict[str, Any] | None = Field(default=None, description="a later stage: the inputs it changes")
    reasons: dict[str, Annotated[str, Field(max_length=REASON_LENGTH)]] | None = Field(
        default=None, description="a reason for each changed input, by input id"
    )


class StageReturn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "佐证材料不全, 请补充后重新提交"}]}
    )
    reason: str = Field(
        min_length=1, max_length=REASON_LENGTH, description="why the unit goes back to the stage before"
    )


class StageDef(BaseModel):
    id: str
    title: str
    role: str
    level: str
    may_edit: bool


class Before(BaseModel):
    old: Any
    new: Any


class FieldChange(Before):
    field: str
    reason: str | None


class IndicatorChange(Before):
    id: str
    title: str


class StageDifference(BaseModel):
    fields: list[FieldChange] = Field(description="inputs changed from the record before, with the stage's reasons")
    indicators: list[IndicatorChange] = Field(description="every indicator's points, before and now")
    total: Before
    grade: Before


class StepOut(BaseModel):
    id: str = Field(description="the stage event's id in the audit chain")
    seq: int
    period: str
    ruleset_id: str
    version: int
    stage: str
    title: str
    action: str = Field(description="submit, accept, edit, return, or reopen (an upheld objection, docs/notices.md)")
    action_title: str
    to: str | None = Field(description="a return or reopening: the stage the unit went back to")
    reason: str | None = Field(description="a return or reopening: why")
    record: str | None = Field(description="the score record of the data as this stage has it")
    based_on: str | None = Field(description="the record this step started from")
    actor: str
    at: str
    difference: StageDifference | None


class UnitStagesOut(BaseModel):
    ruleset_id: str
    unit: str
    period: str
    stages: list[StageDef]
    due: str | None = Field(description="the stage whose turn it is; null once the last has acted")
    current: str | None = Field(description="the record that counts: the latest stage's")
    steps: list[StepOut]


class TimelineStep(StepOut):
    total: str | None
    grade: str | None
    grade_title: str | None = Field(description="the grade's title, as the ruleset names it")
    to_title: str | None = Field(description="a return or reopening: the title of the stage gone back to")
    final: bool = Field(description="this step's record is the unit's final result (docs/notices.md)")


class SubtreeTaken(BaseModel):
    unit: str
    step: str = Field(description="the stage event's id")
    record: str = Field(description="the unit's new score record")


class SubtreeSkipped(BaseModel):
    unit: str
    detail: str = Field(description="why the stage was not taken for the unit")


class SubtreeReportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    taken: list[SubtreeTaken]
    skipped: list[SubtreeSkipped]
    not_started: int = Field(description="units of the subtree at the first stage's level with no step for the period")


class RectificationOut(BaseModel):
    """A rectification item (docs/rectification.md) with its state as of the service's day."""

    id: str
    ruleset: str
    version: int
    item: str = Field(description="the id the ruleset declares the item by")
    unit: str
    unit_name: str
    period: str
    responsible: str = Field(description="the code of the unit that answers for it")
    responsible_name: str
    title: str
    because: str = Field(description="what in the score opened it")
    opened_record: str
    opened_on: str
    due: str = Field(description="the deadline, YYYY-MM-DD")
    state: Literal["open", "overdue", "done", "closed"]
    state_title: str
    days_left: int = Field(description="days until the deadline; negative when overdue")
    done_on: str | None
    done_by: str | None
    evidence: str | None
    closed_record: str | None = Field(description="the record that made it no longer needed")


class RectificationEvent(BaseModel):
    action: Literal["open", "done", "close"]
    actor: str
    at: str
    event: str
    data: dict[str, Any]


class RectificationDetail(RectificationOut):
    history: list[RectificationEvent]


class RectificationList(BaseModel):
    as_of: str = Field(description="the day states and days left are reckoned as of")
    count: int
    items: list[RectificationOut]


class RectificationDone(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"evidence": "已补开党员大会2次, 会议记录存村部档案柜"}]}
    )
    evidence: str = Field(max_length=4000, description="what was done and where the evidence is")


class NoticeIn(BaseModel):
    """A public notice (docs/notices.md): of a finished `batch`, or of the current results
    of a `unit`'s subtree under a `ruleset` for a `period`; closing on `closes`, or after
    `working_days` working days counted from `opens`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "unit": "513321",
                    "ruleset": "village-branch-stars",
                    "period": "2025",
                    "title": "关于2025年度村党组织星级评定结果的公示",
                    "issuer": "中共示范县委组织部",
                    "contact": "县委组织部组织科, 电话 0836-1234567, 地址 示范县人民路1号",
                    "text": "经村自评、乡镇初评、县复评和县委组织部审定, 现将评定结果予以公示。",
                    "opens": "2025-12-08",
                    "working_days": 5,
                }
            ]
        },
    )
    batch: str | None = Field(default=None, max_length=36, description="a finished batch whose units are listed")
    unit: str | None = Field(default=None, max_length=64, description="the subtree whose current results are listed")
    ruleset: str | None = Field(default=None, max_length=100)
    period: str | None = Field(default=None, max_length=50)
    title: str = Field(min_length=1, max_length=200, description="the heading: of what, and that it is a public notice")
    issuer: str = Field(min_length=1, max_length=200, description="the issuing body, signed at the bottom")
    contact: str = Field(min_length=1, max_length=500, description="where and how to send objections")
    text: str = Field(min_length=1, max_length=4000, description="the body paragraph above the list")
    opens: date
    closes: date | None = Field(default=None, description="the last day of the notice period")
    working_days: int | None = Field(default=None, ge=1, le=30, description="the period in working days")
    show_total: bool = Field(default=True, description="list each unit's total beside its grade")


class EventRequest(BaseModel):
    """One party member's event (docs/member-points.md)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "event": {
                        "member": "DY001",
                        "branch": "cgz-hongqi",
                        "date": "2026-04-18",
                        "kind": "volunteer",
                        "hours": 6,
                    }
                }
            ]
        },
    )
    event: dict[str, Any] = Field(description="member, branch (a unit code), date, kind, then the kind's fields")
    corrects: str | None = Field(default=None, max_length=36, description="the id of the event this one replaces")


class ObjectionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"unit": "cgz-hongqi", "objector": "匿名", "contact": "13800000000", "text": "集体经济收入含一次性补助"}
            ]
        },
    )
    unit: str = Field(min_length=1, max_length=64, description="a unit listed in the notice")
    objector: str | None = Field(default=None, max_length=100, description="the objector's name; none: anonymous")
    contact: str = Field(min_length=1, max_length=200, description="how to reach the objector")
    text: str = Field(min_length=1, max_length=4000)
    received: date | None = Field(default=None, description="the day it was received (default today, in China)")


class ResolutionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"outcome": "dismissed", "reason": "经核实, 收入不含补助"}]}
    )
    outcome: Literal["upheld", "dismissed"]
    reason: str = Field(min_length=1, max_length=REASON_LENGTH)


class NoticeUnitOut(BaseModel):
    unit: str
    name: str
    record: str = Field(description="the record the notice listed")
    version: int
    grade: str | None
    grade_title: str | None
    total: str
    current: str | None = Field(description="the unit's current record for the period")
    finality: str = Field(description="unscored, not_noticed, in_notice, reopened or final")
    finality_title: str


class ObjectionOut(BaseModel):
    objection: str
    unit: str
    unit_name: str
    objector: str | None
    contact: str
    text: str
    received: str
    recorded_by: str
    outcome: str | None = Field(description="upheld or dismissed; none while open")
    reason: str | None
    resolved_by: str | None
    reopened: str | None = Field(description="upheld with stages: the stage event that sent the unit back")


class NoticeSummaryOut(BaseModel):
    id: str
    ruleset: str
    period: str
    unit: str | None
    batch: str | None
    title: str
    issuer: str
    contact: str
    text: str
    opens: str
    closes: str
    working_days: int | None
    show_total: bool
    count: int
    created_by: str
    created_at: str
    closed: bool
    closed_on: str | None
    open_objections: int


class NoticeOut(NoticeSummaryOut):
    units: list[NoticeUnitOut]
    objections: list[ObjectionOut]


class FinalityOut(BaseModel):
    ruleset_id: str
    period: str
    record: str
    status: str = Field(description="not_noticed, in_notice, reopened or final")
    status_title: str
    notice: str | None = Field(description="the notice the status comes from")


class WithdrawRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=REASON_LENGTH)


class EventOut(BaseModel):
    """A stored event, or the withdrawal of one (its `kind` and `date` are null)."""

    id: str
    seq: int = Field(description="its place in the audit chain")
    ruleset_id: str
    version: int
    member: str
    branch: str
    date: str | None
    kind: str | None
    fields: dict[str, Any]
    posted_by: str
    posted_at: str
    file: str | None = Field(description="the events file it was imported from")
    row: int | None = Field(description="its row in that file (the header is row 1)")
    withdraws: str | None = Field(description="the event it corrects or withdraws")
    reason: str | None = Field(default=None, description="why an event was withdrawn")
    withdrawn_by: str | None = Field(default=None, description="the record that withdrew it; null: it counts")


class EventList(BaseModel):
    count: int
    items: list[EventOut]


class MemberPointsOut(BaseModel):
    points: dict[str, Any] = Field(description="the engine's result: each event with its rule, each cap applied")
    events: list[EventOut] = Field(description="the stored events of the period it was computed from")


class MemberLine(BaseModel):
    rank: int | None = Field(description="only when the ruleset sets ranking: true and rank was asked for")
    member: str
    counted: int = Field(description="events that counted")
    total: str
    line: str
    line_title: str


class BranchFigure(BaseModel):
    name: str
    value: str
    source: str = Field(description="where it came from: which members, which period, which sum")


class BranchPointsOut(BaseModel):
    ruleset_id: str
    version: int
    branch: str
    branch_name: str
    period: str
    members: list[MemberLine]
    figures: list[BranchFigure] = Field(description="the inputs a branch's submission can take (none without members)")

"""Run a ruleset's embedded `tests` and say, for each failure, expected versus actual."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from . import score
from .decimals import plain, round_half_up
from .errors import InputError, InputProblem
from .events import validate_event
from .inputs import validate_input
from .loader import LoadedRuleset
from .messages import say
from .model import Expectation, TestCase
from .points import member_points
from .points_loader import LoadedPoints
from .points_model import PointsExpectation, PointsTestCase
from .points_result import MemberPoints
from .relative import own_values, own_values_of_data, place_among
from .result import Result


@dataclass
class Mismatch:
    what: str
    expected: str
    actual: str


@dataclass
class CaseOutcome:
    name: str
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.mismatches


def _number(value: Decimal | None, precision: int) -> str:
    return "null" if value is None else plain(round_half_up(value, precision))


def _answer(value: str | bool | None) -> str:
    """A text or boolean output as the ruleset writes it."""
    return "null" if value is None else str(value).lower() if isinstance(value, bool) else value


def _same(expected: Decimal, actual: Decimal | None, precision: int) -> bool:
    return actual is not None and round_half_up(actual, precision) == round_half_up(expected, precision)


def score_case(ruleset: LoadedRuleset, case: TestCase) -> Result:
    """A case's unit scored; with a `batch`, against the small batch it makes with the
    case's other units (named batch[0], batch[1], ... in its reference)."""
    return score_in_batch(ruleset, case.input, case.batch, f"tests: {case.name}")


def score_in_batch(ruleset: LoadedRuleset, data: dict, batch: list[dict] | None, name: str) -> Result:
    """A unit scored alone, or placed among a small batch of other units' inputs."""
    if batch is None:
        return score(ruleset, data)
    model = ruleset.model
    peers = {}
    for index, other in enumerate(batch):
        own = own_values_of_data(model, other, f"batch[{index}]")
        if own is None:
            problems = "; ".join(map(str, _refusal(ruleset, other)))
            message = say("relative.test_unit_refused", index=index, problems=problems)
            raise InputError([InputProblem(code="batch_refused", field=f"batch[{index}]", message=message)])
        peers[index] = own
    reference = place_among(model, name, peers, own_values(model, validate_input(model, data)))
    return score(ruleset, data, reference=reference)


def _refusal(ruleset: LoadedRuleset, data: dict) -> list[InputProblem]:
    try:
        validate_input(ruleset.model, data)
    except InputError as error:
        return error.problems
    return []


def run_case(ruleset: LoadedRuleset, case: TestCase) -> CaseOutcome:
    return _outcome(case, lambda: score_case(ruleset, case), lambda r: compare(case.expect, r, ruleset.model.precision))


def _outcome(case, run, compared) -> CaseOutcome:
    """A test's outcome: the errors it expects against those raised, or, when it scored,
    `compared(result)`'s mismatches; one way for scoring and member points tests alike."""
    outcome = CaseOutcome(case.name)
    expect = case.expect
    try:
        result = run()
    except InputError as error:
        if expect.errors is None:
            outcome.mismatches.append(Mismatch("errors", "no errors", "; ".join(map(str, error.problems))))
            return outcome
        reported = {(p.field, p.code) for p in error.problems}
        for wanted in expect.errors:
            if (wanted.field, wanted.code) not in reported:
                got = "; ".join(f"{f}: {c}" for f, c in sorted(reported)) or "none"
                outcome.mismatches.append(Mismatch("errors", f"{wanted.field}: {wanted.code}", got))
        return outcome
    if expect.errors is not None:
        wanted = ", ".join(f"{e.field}: {e.code}" for e in expect.errors)
        outcome.mismatches.append(Mismatch("errors", wanted, f"scored {plain(result.total)}"))
        return outcome
    outcome.mismatches.extend(compared(result))
    return outcome


def compare(expect: Expectation, result: Result, precision: int) -> list[Mismatch]:
    found: list[Mismatch] = []
    given = expect.model_fields_set
    if expect.total is not None and not _same(expect.total, result.total, precision):
        found.append(Mismatch("total", _number(expect.total, precision), _number(result.total, precision)))
    if "grade" in given:
        actual = result.grade.id if result.grade else None
        if actual != expect.grade:
            found.append(Mismatch("grade", str(expect.grade), str(actual)))
    if expect.status is not None and expect.status != result.status:
        found.append(Mismatch("status", expect.status, result.status))
    if expect.vetoes is not None:
        actual_vetoes = sorted(v.id for v in result.vetoes)
        if sorted(expect.vetoes) != actual_vetoes:
            found.append(Mismatch("vetoes", str(sorted(expect.vetoes)), str(actual_vetoes)))
    for dim_id, value in (expect.dimensions or {}).items():
        actual = result.dimension(dim_id).contribution
        if not _same(value, actual, precision):
            found.append(Mismatch(f"dimensions.{dim_id}", _number(value, precision), _number(actual, precision)))
    for ind_id, value in (expect.indicators or {}).items():
        actual = result.indicator(ind_id).points
        if value == "NA":
            if actual is not None:
                found.append(Mismatch(f"indicators.{ind_id}", "NA", _number(actual, precision)))
        elif not _same(value, actual, precision):
            found.append(
                Mismatch(
                    f"indicators.{ind_id}",
                    _number(value, precision),
                    "NA" if actual is None else _number(actual, precision),
                )
            )
    by_id = {o.id: o for o in result.outputs}
    for out_id, value in (expect.outputs or {}).items():
        output = by_id.get(out_id)
        if isinstance(value, bool | str):
            actual = None if output is None else output.answer
            if actual != value or type(actual) is not type(value):
                found.append(Mismatch(f"outputs.{out_id}", _answer(value), _answer(actual)))
            continue
        exact = None if output is None else output.exact
        if not _same(value, exact, precision):
            found.append(Mismatch(f"outputs.{out_id}", _number(value, precision), _number(exact, precision)))
    if expect.flags is not None:
        raised = sorted(f.id for f in result.raised_flags or ())
        if sorted(expect.flags) != raised:
            found.append(Mismatch("flags", str(sorted(expect.flags)), str(raised)))
    return found


def run_tests(ruleset: LoadedRuleset) -> list[CaseOutcome]:
    return [run_case(ruleset, case) for case in ruleset.model.tests]


# ---------------------------------------------------------------- member points rulesets


def run_points_case(ruleset: LoadedPoints, case: PointsTestCase) -> CaseOutcome:
    """A member points test: the case's events (all of one member) in, the totals, cuts
    and line the case expects compared with what the events give."""
    precision = ruleset.model.precision
    return _outcome(case, lambda: points_of_case(ruleset, case), lambda r: compare_points(case.expect, r, precision))


TEST_MEMBER = "test"


def points_of_case(ruleset: LoadedPoints, case: PointsTestCase) -> MemberPoints:
    """The points a test case's events give its member (`test` unless the events say)."""
    events = [
        validate_event(ruleset.model, {"member": TEST_MEMBER, **given}, row=n)
        for n, given in enumerate(case.events, start=1)
    ]
    member = events[0].member if events else TEST_MEMBER
    return member_points(ruleset.compiled, member, events, content_hash=ruleset.content_hash)


def compare_points(expect: PointsExpectation, result: MemberPoints, precision: int) -> list[Mismatch]:
    found: list[Mismatch] = []
    if expect.total is not None and not _same(expect.total, result.total, precision):
        found.append(Mismatch("total", _number(expect.total, precision), _number(result.total, precision)))
    if expect.line is not None and expect.line != result.line.id:
        found.append(Mismatch("line", expect.line, result.line.id))
    for category_id, value in (expect.categories or {}).items():
        actual = result.category(category_id).points
        if not _same(value, actual, precision):
            found.append(Mismatch(f"categories.{category_id}", _number(value, precision), _number(actual, precision)))
    for name, value in (expect.cut or {}).items():
        actual = result.cut if name == "total" else result.category(name).cut
        if not _same(value, actual, precision):
            found.append(Mismatch(f"cut.{name}", _number(value, precision), _number(actual, precision)))
    if expect.not_counted is not None and expect.not_counted != len(result.events) - result.counted:
        found.append(Mismatch("not_counted", str(expect.not_counted), str(len(result.events) - result.counted)))
    return found


def run_points_tests(ruleset: LoadedPoints) -> list[CaseOutcome]:
    return [run_points_case(ruleset, case) for case in ruleset.model.tests]


def run_any_tests(ruleset: LoadedRuleset | LoadedPoints) -> list[CaseOutcome]:
    """The embedded tests of a scoring or a member points ruleset."""
    return run_points_tests(ruleset) if isinstance(ruleset, LoadedPoints) else run_tests(ruleset)

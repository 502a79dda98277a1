"""Replaying stored scores under a draft: quotas decided again per batch, trustworthy moves."""

from decimal import Decimal

from engine import load_ruleset, score
from engine.impact import StoredScore, replay
from engine.loader import load_text
from engine.messages import say
from engine.quotas import apply_quotas

from .conftest import ROOT, VILLAGE_TEXT, village_submission
from .test_api_batches import upload, wait_done
from .test_batch import write_csv

VILLAGE = load_ruleset(ROOT / "rulesets" / "village-branch-stars.yaml")


def _stored(count=20, batch_id="b1", period="2025"):
    """A batch of villages as the service stores them: quotas applied across the batch."""
    base = village_submission()["data"]
    inputs = [dict(base, collective_income=Decimal(5 + n), party_lectures=n % 5) for n in range(count)]
    units = [{"id": f"v{n}", "name": f"村{n}", "parent": f"镇{n % 2}"} for n in range(count)]
    results = apply_quotas(VILLAGE.model, [score(VILLAGE, d, unit=u) for d, u in zip(inputs, units, strict=True)])
    return [
        StoredScore(f"s{batch_id}{n}", u, period, batch_id, d, r.model_dump(mode="json"))
        for n, (d, u, r) in enumerate(zip(inputs, units, results, strict=True))
    ]


def test_a_version_replayed_against_itself_moves_nobody():
    stored = _stored()
    assert sum(1 for s in stored if s.result["quota"]) >= 2  # the quotas did move units
    report = replay(VILLAGE.model, VILLAGE, stored)
    assert report.units == 20 and report.changed_grade == 0 and report.moved == []
    assert all(len(row) == 1 and grade in row for grade, row in report.matrix.items())
    assert all(m.change == 0 for m in report.dimension_means)
    assert report.notes == ["1 个批次的名额控制已按草案在各自批次内重新决定"]


def test_scores_outside_a_batch_get_no_quota_and_say_so():
    stored = [StoredScore(s.score_id, s.unit, s.period, None, s.submitted, s.result) for s in _stored()]
    report = replay(VILLAGE.model, VILLAGE, stored)
    assert say("impact.single") in report.notes
    assert report.changed_grade == sum(1 for s in stored if s.result["quota"])  # the quota moves are undone


def test_a_draft_reports_the_matrix_the_moved_units_and_the_changes_responsible():
    draft = load_text(
        VILLAGE_TEXT.replace('"collective_income >= 10", points: 8', '"collective_income >= 20", points: 8')
    )
    stored = _stored()
    report = replay(VILLAGE.model, draft, stored)
    assert report.changed_grade > 0
    for unit in report.moved:
        assert unit.changes and set(unit.changes) <= {"indicator income_level", say("impact.quota_redecided")}
    assert any("indicator income_level" in u.changes for u in report.moved)
    assert any(u.changes == [say("impact.quota_redecided")] for u in report.moved)  # freed seats: others' incomes fell
    moved_from = {(u.old_grade, u.new_grade) for u in report.moved}
    for old, new in moved_from:
        assert report.matrix[old][new] >= 1
    economy = next(m for m in report.dimension_means if m.id == "collective_economy")
    assert economy.change < 0 and economy.after == economy.before + economy.change
    assert next(m for m in report.dimension_means if m.id == "organization").change == 0


def test_a_replay_is_limited_to_a_period_and_a_parent():
    stored = _stored(period="2025") + _stored(batch_id="b2", period="2024")
    report = replay(VILLAGE.model, VILLAGE, stored, period="2024", parent="镇1")
    assert report.units == 10 and {i.period for i in report.items} == {"2024"}
    assert {i.parent for i in report.items} == {"镇1"} and report.changed_grade == 0


def test_the_service_replays_a_stored_batch_against_its_own_version_with_no_moves(village_service, tmp_path):
    service = village_service
    units = tmp_path / "units.csv"
    write_csv(units, 40)
    batch = wait_done(service, upload(service, units).json()["id"])
    assert batch["status"] == "done"
    report = service.call("POST", "/rulesets/village-branch-stars/versions/1/simulate", "editor").json()
    assert report["units"] == 40 and report["changed_grade"] == 0 and report["grade_moves"] == {}
    assert any(i["quota"] for i in report["items"])
    assert "1 个批次的名额控制已按草案在各自批次内重新决定" in report["notes"]
    limited = service.call(
        "POST", "/rulesets/village-branch-stars/versions/1/simulate?period=2025&parent=镇3", "editor"
    ).json()
    assert limited["units"] == len([n for n in range(40) if n % 12 == 3]) and limited["parent"] == "镇3"
    assert (
        service.call("POST", "/rulesets/village-branch-stars/versions/1/simulate?period=2024", "editor").json()["units"]
        == 0
    )


def test_a_stored_contribution_written_as_a_fraction_is_replayed():
    """A rescaled dimension's exact figure may be a fraction ("104/9"), stored as such."""
    data = dict(village_submission()["data"], members_developed_2y=0, collective_income=3)
    result = score(VILLAGE, data, unit={"id": "hongqi"}).model_dump(mode="json")
    assert any("/" in str(d["contribution"]) for d in result["dimensions"])
    stored = [StoredScore("s1", {"id": "hongqi"}, "2023", None, data, result)]
    report = replay(VILLAGE.model, VILLAGE, stored)
    assert report.units == 1 and report.moved == []
    assert all(m.change == 0 for m in report.dimension_means)

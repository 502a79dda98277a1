"""Receipts anyone can check offline, and verification that names every changed field."""

import copy
import json
import time

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from api.cli import app as cli_app
from api.tables import ScoreRecord

from .conftest import village_submission

runner = CliRunner()


def receipt_of(service, score_id: str) -> dict:
    answer = service.call("GET", f"/scores/{score_id}/receipt", "auditor")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    return answer.json()


def verify_file(tmp_path, document) -> tuple[int, str]:
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(cli_app, ["verify", str(path)])
    return result.exit_code, result.output


@pytest.fixture
def scored(village_service):
    record = village_service.call(
        "POST", "/rulesets/village-branch-stars/scores", "submitter", json=village_submission()
    )
    return village_service, record.json()


def test_a_receipt_holds_everything_and_verifies_offline(scored, tmp_path):
    service, record = scored
    document = receipt_of(service, record["id"])
    assert document["format"] == "kaoping-receipt/1"
    assert set(document["hashed_fields"]) <= set(document["record"])
    assert document["record"]["record_hash"] == record["record_hash"]
    assert document["previous_record_hash"] == record["prev_hash"]
    assert "\nkaoping: 1\n" in document["ruleset"]["text"]
    assert any("sha256" in step.lower() for step in document["how_to_check"])
    code, output = verify_file(tmp_path, document)
    assert code == 0, output
    assert "记录哈希: 一致" in output and "规则集内容哈希: 一致" in output and "结论: 核验通过" in output


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["record"].update(total="98.33"), {"total"}),
        (lambda d: d["record"].update(grade="five"), {"grade"}),
        (lambda d: d["record"].update(unit_name="白旗村"), {"result.unit.name"}),
        (lambda d: d["record"]["result"]["indicators"][0].update(points="0"), {"result.indicators[0].points"}),
        (lambda d: d["record"]["input"].update(collective_income=12), {"result.input.collective_income", "normalized"}),
        (lambda d: d.update(previous_record_hash="f" * 64), {"previous_record_hash"}),
    ],
)
def test_a_tampered_receipt_fails_naming_what_changed(scored, tmp_path, change, named):
    service, record = scored
    document = copy.deepcopy(receipt_of(service, record["id"]))
    change(document)
    code, output = verify_file(tmp_path, document)
    assert code == 1
    assert "结论: 核验未通过" in output
    for path in named:
        assert f"  {path}: " in output, output
    if "previous_record_hash" not in named:
        assert "记录哈希: 不一致" in output


def test_a_receipt_with_another_ruleset_text_fails_on_the_ruleset_hash(scored, tmp_path):
    service, record = scored
    document = receipt_of(service, record["id"])
    document["ruleset"]["text"] = document["ruleset"]["text"].replace(
        '"collective_income >= 10", points: 8', '"collective_income >= 5", points: 8'
    )
    code, output = verify_file(tmp_path, document)
    assert code == 1
    assert "规则集内容哈希: 不一致" in output
    assert "result.indicators" in output  # the different rules give different points


@pytest.mark.parametrize(
    "content", ["{}", '{"format": "kaoping-receipt/1"}', "not json", '{"format": 1, "a": 1, "a": 2}']
)
def test_what_is_not_a_receipt_is_refused_clearly(tmp_path, content):
    path = tmp_path / "receipt.json"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(cli_app, ["verify", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert any(words in result.output for words in ("不是 kaoping 评分回执", "缺少", "不是有效的 JSON", "不止一次"))


def test_verify_names_columns_changed_behind_the_chains_back(scored):
    service, record = scored
    with service.app.state.sessions() as session:
        session.execute(update(ScoreRecord).where(ScoreRecord.id == record["id"]).values(total="99.00", grade="five"))
        session.commit()
    report = service.call("POST", f"/scores/{record['id']}/verify", "auditor").json()
    assert report["identical"] is False and report["record_hash_matches"] is False
    found = {d["path"]: d for d in report["differences"]}
    assert found["total"] == {"path": "total", "stored": "99.00", "recomputed": "88.33"}
    assert found["grade"]["recomputed"] == "four"


def test_a_quota_moved_batch_unit_verifies_offline_with_a_note(village_service, tmp_path):
    data = village_submission()["data"]
    cells = ["是" if v is True else "否" if v is False else str(v) for v in data.values()]
    rows = ["单位编码," + ",".join(data)] + [f"v{n}," + ",".join(cells) for n in range(3)]
    batch = village_service.call(
        "POST",
        "/rulesets/village-branch-stars/batches?period=2024",
        "submitter",
        files={"file": ("units.csv", ("\n".join(rows) + "\n").encode(), "text/csv")},
    ).json()
    deadline = time.monotonic() + 120
    while village_service.call("GET", f"/batches/{batch['id']}", "auditor").json()["status"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    units = village_service.call("GET", "/scores?ruleset=village-branch-stars&period=2024", "auditor").json()["items"]
    assert len(units) == 3
    document = receipt_of(village_service, units[0]["id"])
    assert document["record"]["result"]["quota"] is not None  # three tied units, no seat of 四星
    code, output = verify_file(tmp_path, document)
    assert code == 0, output
    assert "名额 (比例控制) 由整个批次决定" in output
    online = village_service.call("POST", f"/scores/{units[0]['id']}/verify", "auditor").json()
    assert online["identical"] is True and online["notes"] == []

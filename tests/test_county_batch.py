"""The whole-county case from end to end: 25,000 generated villages under 120 townships,
from the command line and through the service, with the Excel report opened and checked."""

import csv
import io
import subprocess
import sys
import time

import httpx
import pytest
from openpyxl import load_workbook

from bench.generate import main as generate_main
from bench.generate import units_file

from .conftest import ROOT
from .server import running_service

VILLAGES = 25000


def generate(tmp_path, monkeypatch):
    stem = tmp_path / "county"
    monkeypatch.setattr(sys, "argv", ["generate", "--villages", str(VILLAGES), "--townships", "120", "-o", str(stem)])
    generate_main()
    return stem


def check_report(content: bytes) -> dict:
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["结果", "错误", "汇总", "指标明细"]
    results = list(workbook["结果"].iter_rows(values_only=True))
    parent = results[0].index("上级单位")
    assert {"行号", "单位编码", "单位名称", "总分", "等次"} <= set(results[0])
    errors = list(workbook["错误"].iter_rows(values_only=True))
    assert len(results) - 1 + len(errors) - 1 == VILLAGES  # every row in one sheet or the other
    summary = workbook["汇总"]
    assert len(summary._charts) == 1
    counts = {row[0]: row[1] for row in summary.iter_rows(min_row=6, max_row=11, values_only=True)}
    assert sum(counts.values()) == len(results) - 1
    graded = sum(n for title, n in counts.items() if title != "取消评定资格")
    assert counts["五星"] <= graded // 10 and counts["四星"] <= graded // 5  # the quotas hold
    assert {r[parent] for r in results[1:]} == {f"第{n}镇" for n in range(1, 121)}
    return counts


@pytest.mark.slow  # 25,000 villages twice: about a minute
def test_a_county_from_the_command_line_and_through_the_service(tmp_path, monkeypatch):
    stem = generate(tmp_path, monkeypatch)
    with stem.with_suffix(".csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == VILLAGES + 1 and rows[0][:3] == ["单位编码", "单位名称", "乡镇"]
    income = [float(r[rows[0].index("村集体经济年收入")]) for r in rows[1:]]
    assert 0.56 < sum(v >= 5 for v in income) / VILLAGES < 0.61  # 58.3% at or above 5万元

    output = tmp_path / "results.xlsx"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "batch",
            str(ROOT / "rulesets" / "village-branch-stars.yaml"),
            str(stem.with_suffix(".xlsx")),
            "-o",
            str(output),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr
    from_cli = check_report(output.read_bytes())

    with running_service(tmp_path / "service", units=(units_file(stem),)) as (base, tokens):
        headers = {"Authorization": f"Bearer {tokens['submitter']}"}
        with stem.with_suffix(".xlsx").open("rb") as handle:
            accepted = httpx.post(
                f"{base}/rulesets/village-branch-stars/batches?period=2025",
                files={"file": ("county.xlsx", handle)},
                headers=headers,
                timeout=300,
            )
        assert accepted.status_code == 202, accepted.text
        batch_id = accepted.json()["id"]
        deadline = time.monotonic() + 1200
        while (batch := httpx.get(f"{base}/batches/{batch_id}", headers=headers).json())["status"] not in (
            "done",
            "failed",
        ):
            assert time.monotonic() < deadline
            time.sleep(2)
        assert batch["status"] == "done" and batch["stored"] == batch["scored"] == VILLAGES - batch["error_rows"]
        report = httpx.get(f"{base}/batches/{batch_id}/results?format=xlsx", headers=headers, timeout=600)
        from_service = check_report(report.content)
    assert from_service == from_cli  # one engine path: the same grades either way

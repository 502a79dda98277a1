"""The README's walkthrough runs end to end against a fresh `kaoping serve`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .server import running_service


@pytest.mark.parametrize("load", [False, True], ids=["fresh", "after-serve-load"])
def test_walkthrough_against_a_fresh_service(tmp_path, load):
    with running_service(tmp_path, load=load) as (base, _tokens):
        shim = tmp_path / "bin"
        shim.mkdir()
        (shim / "kaoping").write_text(f'#!/bin/sh\nexec {sys.executable} -m api.cli "$@"\n')
        (shim / "kaoping").chmod(0o755)
        env = {
            **os.environ,
            "KAOPING_URL": base,
            "KAOPING_DATA_DIR": str(tmp_path),
            "PATH": f"{shim}:{os.environ['PATH']}",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("KAOPING_DATABASE_URL", None)
        done = subprocess.run(
            ["bash", str(ROOT / "examples" / "walkthrough.sh")], env=env, capture_output=True, text=True, timeout=300
        )
    assert done.returncode == 0, done.stderr + done.stdout
    out = done.stdout
    assert "village-branch-stars: published version 1" in out
    assert "total 88.33, grade four" in out
    assert "retry: the same record: yes, replayed: yes" in out
    assert ("already loaded" in out) == load
    assert "五星: 未评定 — 总分未达 90, 差 1.67 分" in out
    assert "version 2 is a draft" in out
    assert "indicator income_level changed: bands[0]: collective_income >= 10 → 8 → collective_income >= 6.1 → 8" in out
    assert "1 unit(s), 1 change grade: {'four → five': 1}" in out
    assert "version 2 is published" in out
    assert "identical: True, differences: []" in out
    assert "1 record(s)," in out and "intact: True" in out
    assert not Path("/tmp/kaoping-walkthrough-v2.yaml").read_text(encoding="utf-8").count('>= 10", points: 8')

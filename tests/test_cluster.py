"""Batches on a Dask distributed cluster: the same report as on one machine."""

import subprocess
import sys

import dask
import pytest
from distributed import LocalCluster
from typer.testing import CliRunner

from api.batches import _jsonable, failure_text
from api.cli import app
from engine import load_ruleset
from engine.batch import run_batch, scoring_pool
from engine.cluster import ClusterPool, ClusterUnreachable, ruleset_key
from engine.messages import say
from engine.pool import UnitRow
from engine.result import UnitRef
from engine.tabular import read_units

from .conftest import ROOT, village_submission
from .test_api_batches import upload, wait_done
from .test_batch import write_csv

pytestmark = pytest.mark.slow  # a cluster of two worker processes, killed and restarted: about 25 s in all

runner = CliRunner()
VILLAGE = ROOT / "rulesets" / "village-branch-stars.yaml"
COUNTY = ROOT / "rulesets" / "county-relative-appraisal.yaml"
TOWNSHIPS = ROOT / "examples" / "townships.csv"
CRASHES = "crashes-a-worker"  # the unit the cluster's workers abort on (engine.pool.crash_if_asked)
NOWHERE = "tcp://127.0.0.1:9"  # the discard port: no scheduler listens there


@pytest.fixture(scope="module")
def cluster():
    # a task that kills a worker fails at once (the default retries it on three more workers),
    # and a worker holds only the task it runs (none waits there to die with it)
    quick = {"distributed.scheduler.allowed-failures": 0, "distributed.scheduler.worker-saturation": 1.0}
    with (
        dask.config.set(quick),
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            env={"KAOPING_TEST_CRASH_UNIT": CRASHES},
        ) as local,
    ):
        yield local.scheduler_address


def report_of(report):
    """What a report says: each row's result JSON and ranks, the errors, the summary."""
    units = [(u.row, u.scored.json, u.rank, u.parent_rank) for u in report.units]
    return units, report.errors, report.summary, report.rows_read


def compiled_keys() -> tuple[str, ...]:
    """Run on a worker: the rulesets it keeps compiled."""
    from engine import cluster

    return tuple(cluster._compiled)


def village_rows(count: int, bad=(), crash=None) -> list[UnitRow]:
    base = village_submission()["data"]
    rows = []
    for n in range(count):
        data = dict(base, collective_income=round(1 + (n * 37 % 140) / 10, 1), party_lectures=n % 5)
        if n in bad:
            data["party_lectures"] = "很多"
        unit = UnitRef(id=CRASHES if n == crash else f"v{n:05d}", parent=f"镇{n % 7}")
        rows.append(UnitRow(n + 2, unit, data))
    return rows


def test_a_village_batch_on_the_cluster_equals_the_local_one(cluster):
    village = load_ruleset(VILLAGE)
    rows = village_rows(900, bad={3, 444})
    local = run_batch(village, rows, workers=1)
    with scoring_pool(village, cluster=cluster) as pool:
        assert isinstance(pool, ClusterPool)
        distributed = run_batch(village, rows, pool=pool)
        kept = pool.client.run(compiled_keys)
    key = ruleset_key(village.text, village.version)
    assert len(kept) == 2 and all(keys.count(key) == 1 for keys in kept.values())  # each worker compiled it
    assert report_of(distributed) == report_of(local)
    assert len(distributed.units) == 898 and {e.row for e in distributed.errors} == {5, 446}
    assert distributed.summary["quota_moves"]  # the quotas were decided on the gathered figures


def test_a_relative_batch_on_the_cluster_equals_the_local_one(cluster):
    county = load_ruleset(COUNTY)
    rows, read_errors = read_units(county.model, TOWNSHIPS)
    local = run_batch(county, rows, workers=1, read_errors=read_errors, batch_name="townships.csv")
    with scoring_pool(county, cluster=cluster) as pool:
        distributed = run_batch(county, rows, pool=pool, read_errors=read_errors, batch_name="townships.csv")
    assert report_of(distributed) == report_of(local)
    assert '"reference"' in distributed.units[0].scored.json


def test_a_unit_that_kills_cluster_workers_is_an_error_row_and_the_rest_are_scored(cluster):
    village = load_ruleset(VILLAGE)
    rows = village_rows(300, crash=7)
    with scoring_pool(village, cluster=cluster) as pool:
        report = run_batch(village, rows, pool=pool)
    [error] = report.errors
    assert (error.row, error.unit_id, error.code) == (9, CRASHES, "crashed")
    assert error.message == say("row.crashed_cluster")
    assert report.pool.crashed_rows == [9] and report.pool.units_retried == 200  # its partition, alone
    assert sorted(u.row for u in report.units) == [n + 2 for n in range(300) if n != 7]


def test_the_cli_writes_the_same_files_with_and_without_the_cluster(cluster, tmp_path):
    village = load_ruleset(VILLAGE)
    units = tmp_path / "units.csv"
    write_csv(units, 400, bad_rows={10}, village=village)
    outputs = {}
    for name, how in (("local", ["--workers", "1"]), ("cluster", ["--cluster", cluster])):
        folder = tmp_path / name
        folder.mkdir()
        done = runner.invoke(app, ["batch", str(VILLAGE), str(units), "-o", str(folder / "out.csv"), *how])
        assert done.exit_code == 0, done.output
        outputs[name] = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    assert list(outputs["cluster"]) == ["out.csv", "out.summary.json"]
    assert outputs["cluster"] == outputs["local"]


def test_an_unreachable_scheduler_is_a_chinese_error_naming_it(tmp_path):
    units = tmp_path / "units.csv"
    write_csv(units, 3, village=load_ruleset(VILLAGE))
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        done = runner.invoke(
            app, ["batch", str(VILLAGE), str(units), "-o", str(tmp_path / "o.csv"), "--cluster", NOWHERE]
        )
    assert done.exit_code == 1
    assert done.output.strip() == say("cluster.unreachable", address=NOWHERE)
    assert "无法连接 Dask 集群的调度器 tcp://127.0.0.1:9" in done.output and "Traceback" not in done.output
    assert not (tmp_path / "o.csv").exists()


def test_a_malformed_address_is_the_same_error_and_the_service_shows_it():
    with pytest.raises(ClusterUnreachable) as refused, ClusterPool("", None, "no-port"):
        pass
    assert str(refused.value) == say("cluster.unreachable", address="no-port")
    assert failure_text(refused.value) == str(refused.value)  # what a failed batch shows in the service


def test_cluster_and_workers_together_are_refused(tmp_path):
    units = tmp_path / "units.csv"
    write_csv(units, 3, village=load_ruleset(VILLAGE))
    args = ["batch", str(VILLAGE), str(units), "-o", str(tmp_path / "o.csv"), "--cluster", NOWHERE, "--workers", "2"]
    done = runner.invoke(app, args)
    assert done.exit_code == 1
    assert done.output.strip() == say("cli.cluster_and_workers")
    assert not (tmp_path / "o.csv").exists()


@pytest.fixture
def settings(tmp_path, cluster):
    """The service's settings (conftest's, on SQLite) with its batches sent to the cluster."""
    from api.settings import Settings

    return Settings(data_dir=tmp_path, batch_cluster=cluster)


def test_the_service_scores_its_batches_on_the_cluster_it_is_set_to(village_service, tmp_path, monkeypatch):
    from api.settings import Settings

    monkeypatch.setenv("KAOPING_BATCH_CLUSTER", "tcp://scheduler:8786")
    assert Settings().batch_cluster == "tcp://scheduler:8786"  # the setting, read from the environment
    assert village_service.app.state.batches.cluster == village_service.app.state.settings.batch_cluster
    path = tmp_path / "county.csv"
    write_csv(path, 40, bad_rows={4, 9})
    accepted = upload(village_service, path)
    assert accepted.status_code == 202, accepted.text
    batch = wait_done(village_service, accepted.json()["id"])
    assert batch["status"] == "done", batch
    village = load_ruleset(VILLAGE)
    rows, read_errors = read_units(village.model, path)
    local = run_batch(village, rows, workers=1, read_errors=read_errors, batch_name=path.name)
    summary = dict(batch["summary"])
    # the service scores columnar, every unit cross-checked; the rest is the local batch's summary
    assert summary.pop("columnar") == {"columnar": 38, "per_unit": 2, "cross_checked": 38}
    assert summary == _jsonable(local.summary)
    assert (batch["scored"], batch["error_rows"]) == (38, 2)


def test_a_plain_batch_does_not_import_dask(tmp_path):
    units = tmp_path / "units.csv"
    write_csv(units, 3, village=load_ruleset(VILLAGE))
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from api.cli import app\n"
        f"done = CliRunner().invoke(app, ['batch', {str(VILLAGE)!r}, {str(units)!r}, '-o', {str(tmp_path / 'o.csv')!r},"
        " '--workers', '1'])\n"
        "assert done.exit_code == 0, done.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

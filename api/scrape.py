"""GET /metrics: who may read it, and what it shows.

`kaoping serve` runs several worker processes and sets PROMETHEUS_MULTIPROC_DIR to a
fresh folder under the data directory: each worker writes its samples to files there
and whichever answers a scrape adds them all up. Without that variable (tests, one
`uvicorn` process) the samples are this process's own. Batches are not instrumented:
they run in processes of their own, and the database knows their progress, so their
gauges are read from it at scrape time (a scrape is one small query; a request none).
"""

from __future__ import annotations

import os
from pathlib import Path

import psutil
from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.messages import say

from .batches import UNFINISHED
from .clients import client_host, is_local
from .deps import bearer, current_actor, get_session, require
from .problems import ApiProblem
from .tables import Batch

router = APIRouter()
STATUSES = (*UNFINISHED, "done", "failed")
_auditor = require("auditor")


def _folder() -> Path | None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(folder) if folder else None


class _ThisProcess:
    """The metrics of this process alone, when there is no multiprocess folder."""

    def collect(self):
        return REGISTRY.collect()


class BatchGauges:
    """Batches by status, and the units of each unfinished batch, as the database has them."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def collect(self):
        with self.sessions() as session:
            counts = dict(session.execute(select(Batch.status, func.count()).group_by(Batch.status)).all())
            unfinished = session.execute(
                select(Batch.id, Batch.ruleset_id, Batch.rows, Batch.scored, Batch.stored).where(
                    Batch.status.in_(UNFINISHED)
                )
            ).all()
        batches = GaugeMetricFamily(
            "kaoping_batches", "Batches by status; queued ones wait for a runner", labels=["status"]
        )
        for status in dict.fromkeys((*STATUSES, *counts)):
            batches.add_metric([status], counts.get(status, 0))
        yield batches
        units = GaugeMetricFamily(
            "kaoping_batch_units",
            "Units of each unfinished batch: rows read from its file (0 until read), scored, stored",
            labels=["batch", "ruleset", "stage"],
        )
        for batch_id, ruleset_id, rows, scored, stored in unfinished:
            for stage, count in (("rows", rows or 0), ("scored", scored), ("stored", stored)):
                units.add_metric([batch_id, ruleset_id, stage], count)
        yield units


def registry_for(sessions: sessionmaker[Session]) -> CollectorRegistry:
    """What a scrape of this app shows: every worker's metrics, and the batch gauges."""
    registry = CollectorRegistry()
    folder = _folder()
    if folder is None:
        registry.register(_ThisProcess())
    else:
        multiprocess.MultiProcessCollector(registry, str(folder))
    registry.register(BatchGauges(sessions))
    return registry


def forget_dead_workers(folder: Path) -> None:
    """Drop the live gauges (requests in progress) of worker processes that died without
    shutting down, killed or crashed: uvicorn starts others, which keep their own."""
    for path in folder.glob("gauge_live*_*.db"):
        pid = path.stem.rsplit("_", 1)[1]
        if pid.isdigit() and not psutil.pid_exists(int(pid)):
            multiprocess.mark_process_dead(int(pid), str(folder))


def process_ended() -> None:
    """A worker shutting down takes its live gauges with it; its counters stay counted."""
    folder = _folder()
    if folder is not None:
        multiprocess.mark_process_dead(os.getpid(), str(folder))


async def metrics_reader(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    session: Session = Depends(get_session),
) -> None:
    """KAOPING_METRICS_ACCESS: `localhost` (this machine only), `auditor` (an auditor's
    token, from anywhere) or `both` (this machine without a token, others with one)."""
    access = request.app.state.settings.metrics_access
    if access != "auditor" and is_local(request.scope):
        return
    if access == "localhost":
        raise ApiProblem(
            403,
            "Metrics for this machine only",
            say("detail.metrics_localhost", address=client_host(request.scope) or say("detail.unknown_address")),
        )
    await _auditor(await current_actor(request, credentials, session))


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request, _: None = Depends(metrics_reader)) -> Response:
    folder = _folder()
    if folder is not None:
        forget_dead_workers(folder)
    return Response(generate_latest(request.app.state.metrics), media_type=CONTENT_TYPE_LATEST)

"""CPU seconds of this process and of every process it started, for benches whose work
runs partly in worker processes: the workers still running (psutil) and those that have
ended and been reaped (getrusage RUSAGE_CHILDREN). A difference of two readings is the
CPU a measure took, wherever it ran."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable

import psutil


def cpu_seconds() -> float:
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    running = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:  # ended between the listing and the reading
            continue
        running += times.user + times.system
    return time.process_time() + ended.ru_utime + ended.ru_stime + running


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call of `run`."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    run()
    return time.perf_counter() - wall, cpu_seconds() - cpu

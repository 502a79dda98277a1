"""The cyclic collector paused while many results are made or kept.

Results hold no reference cycles (refused units are kept without their tracebacks), so
reference counting frees all they leave; with the collector on, every few hundred new
dicts it would scan the results still alive, at a tenth of a batch's time (bench/engine.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside, and on again after if it was on before (nested: the outer one decides)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()

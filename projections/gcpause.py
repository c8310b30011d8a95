"""Pausing Python's cyclic garbage collector around work that allocates many objects and no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Refcounting still frees everything as usual; only the cyclic collector's passes are skipped.

    They re-scan every live object, again and again, while a bulk append holds its events, a rebuild its
    views, or a time-travel query the developments it folds: measured, a third of the time of each, for
    no cycle to collect. Re-enabled (if it was on) when the block ends, however it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

"""How fast could replay be? The rebuild with parts of its work switched off, against the raw read, in one run.

    python -m bench.bounds                    # 100k synthetic developments, SQLite
    python -m bench.bounds --size 20000 --repeat 1
    python -m bench.bounds --store sqlite:////tmp/s.db   # an existing store (rebuilt in place)

Each variant is the real `Store.rebuild` (read, decode, write, index, swap) with one part replaced by a
no-op, so the rates bound what optimising that part alone could ever give:

- full:             what `chronicle replay` does;
- no folds:         no view is folded (actors and negotiations stay empty), the timeline is still written;
- no folds or rows: neither; what is left is reading, decoding, the revision markers and bookkeeping.

Rates are reported as ratios to the raw baseline measured in the same run (eventsourcing's recorder reading
the same events and Chronicle's mapper decoding them), so the host's speed cancels out. Not a test: the
variants leave wrong views behind, so the last step (also when interrupted) rebuilds the store for real.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

from bench import synth


@contextmanager
def _patched(patches: list[tuple[Any, str, Any]]) -> Iterator[None]:
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    for owner, name, value in patches:
        setattr(owner, name, value)
    try:
        yield
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)


def _no_op(*_args: Any, **_kwargs: Any) -> None:
    return None


def _variants() -> dict[str, list[tuple[Any, str, Any]]]:
    from chronicle.projections.folder import PlainFolder
    from chronicle.projections.projector import Projector
    from chronicle.projections.sql.rebuilding import Rebuilder

    # Patched before the rebuild starts, so a folder in a second process (a fork) has them too.
    no_folds = [(PlainFolder, "fold", _no_op), (Rebuilder, "fold_each", _no_op)]
    return {
        "full": [],
        "no folds": no_folds,
        "no folds or rows": [*no_folds, (Projector, "insert_data", _no_op)],
    }


def _raw_rate(store: Any) -> float:
    """Events per second reading and decoding every recorded development, in pages of the rebuild's size."""
    from chronicle.projections.sql.catchup import REBUILD_PAGE, RECORDED_TOPIC

    recorder, mapper = store.app.recorder, store.app.mapper
    gc.collect()
    count = start = 0
    started = time.perf_counter()
    while batch := recorder.select_notifications(
        start, REBUILD_PAGE, topics=[RECORDED_TOPIC], inclusive_of_start=False
    ):
        for notification in batch:
            mapper.to_domain_event(notification)
        count += len(batch)
        start = batch[-1].id
    return count / (time.perf_counter() - started)


def _best(runs: int, measure: Callable[[], float]) -> float:
    return max(measure() for _ in range(runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bounds", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="synthetic developments (default 100000)")
    parser.add_argument("--store", help="use this existing store instead of a synthetic one")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each variant; the best is kept")
    parser.add_argument("--out", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args(argv)

    from chronicle.service.settings import parse_store_url
    from chronicle.service.store import Store

    with tempfile.TemporaryDirectory(prefix="chronicle-bounds-") as tmp:
        url = args.store
        if url is None:
            from chronicle.cli.main import app

            data = Path(tmp) / "story.jsonl"
            synth.write_jsonl(data, args.size)
            url = f"sqlite:///{Path(tmp) / 'store.db'}"
            with redirect_stdout(io.StringIO()):
                app(["init", "--store", url], standalone_mode=False)
                app(["append", "--store", url, "--file", str(data)], standalone_mode=False)
        with Store.open(parse_store_url(url)) as store:
            raw = _best(args.repeat, lambda: _raw_rate(store))
            rates: dict[str, float] = {}
            try:
                for name, patches in _variants().items():
                    with _patched(patches):
                        rates[name] = _best(args.repeat, lambda: store.rebuild().rate)
            finally:
                store.rebuild()  # leave the store with its real views, even if stopped midway
    print(f"raw read+decode: {raw:,.0f} ev/s")
    for name, rate in rates.items():
        print(f"{name:>17}: {rate:,.0f} ev/s  ratio {rate / raw:.3f}")
    if args.out:
        figures = {"raw_events_per_s": raw, "events_per_s": rates, "ratio": {k: v / raw for k, v in rates.items()}}
        args.out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

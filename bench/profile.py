"""Where the time goes: cProfile of one workload, top entries.

    python -m bench.profile append            # one `chronicle append statement`, imports included
    python -m bench.profile bulk --size 20000 # `chronicle append --file` of N synthetic developments
    python -m bench.profile replay --size 20000
    python -m bench.profile show --size 20000 # show actor (busiest) current, --as-of, --known-at

Each runs the CLI's own entry point (or Store.rebuild for replay) under cProfile in this process, on a
fresh store in a temporary directory. To profile a patched copy: PYTHONPATH=/copy/parent python -m ...
Import cost is better read with `python -X importtime -c "import chronicle.cli.main"`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

from bench import synth


def _cli(*args: str) -> None:
    from chronicle.cli.main import app

    try:
        app(list(args), standalone_mode=False)
    except SystemExit as stop:
        if stop.code not in (0, None):
            raise


def _prepared(directory: Path, n: int, *, views: bool) -> str:
    data = directory / "story.jsonl"
    synth.write_jsonl(data, n)
    url = f"sqlite:///{directory / 'store.db'}"
    with redirect_stdout(io.StringIO()):
        _cli("init", "--store", url)
        _cli("append", "--store", url, "--file", str(data))
        if views:
            from chronicle.service.settings import parse_store_url
            from chronicle.service.store import Store

            with Store.open(parse_store_url(url)) as store:
                store.rebuild()
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n")[0])
    parser.add_argument("workload", choices=["append", "bulk", "replay", "show"])
    parser.add_argument("--size", type=int, default=20000, help="developments in the store (default 20000)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    parser.add_argument("--out", type=Path, help="also write the pstats dump here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="chronicle-profile-") as tmp:
        directory = Path(tmp)
        profiler = cProfile.Profile()
        if args.workload == "append":
            url = _prepared(directory, args.size, views=False)
            started = time.perf_counter()
            profiler.enable()
            with redirect_stdout(io.StringIO()):
                _cli(
                    "append",
                    "--store",
                    url,
                    "statement",
                    "--id",
                    "profiled-single",
                    "--occurred",
                    "2025-01-15",
                    "--by",
                    "state-0001",
                    "--text",
                    "A statement.",
                    "--summary",
                    "Profiled",
                    "--source",
                    "Reuters",
                )
            profiler.disable()
            note = "one `append statement` in a warm interpreter (imports excluded: see -X importtime)"
        elif args.workload == "bulk":
            data = directory / "story.jsonl"
            synth.write_jsonl(data, args.size)
            url = f"sqlite:///{directory / 'store.db'}"
            with redirect_stdout(io.StringIO()):
                _cli("init", "--store", url)
            started = time.perf_counter()
            profiler.enable()
            with redirect_stdout(io.StringIO()):
                _cli("append", "--store", url, "--file", str(data))
            profiler.disable()
            note = f"chronicle append --file of {args.size:,} developments"
        elif args.workload == "replay":
            url = _prepared(directory, args.size, views=False)
            from chronicle.service.settings import parse_store_url
            from chronicle.service.store import Store

            with Store.open(parse_store_url(url)) as store:
                started = time.perf_counter()
                profiler.enable()
                summary = store.rebuild()
                profiler.disable()
            note = f"Store.rebuild of {summary.events:,} events"
        else:
            url = _prepared(directory, args.size, views=True)
            from chronicle.projections import queries
            from chronicle.service.settings import parse_store_url
            from chronicle.service.store import Store

            with Store.open(parse_store_url(url)) as store:
                with store.reading() as c:
                    row = store.views.one(
                        c,
                        "SELECT entity, COUNT(*) AS n FROM {s}view_entity_index WHERE entity LIKE 'actor:%' "
                        "GROUP BY entity ORDER BY n DESC LIMIT 1",
                    )
                ident = row["entity"].partition(":")[2]
                from chronicle.domain.dates import parse_day, parse_instant

                started = time.perf_counter()
                profiler.enable()
                for as_of, known_at in ((None, None), ("2023-01-01", None), (None, "2999-01-01")):
                    store.refreshed = False
                    store.query(
                        lambda v, c, a=as_of, k=known_at: queries.view_at(
                            v,
                            c,
                            "actor",
                            ident,
                            as_of=parse_day(a) if a else None,
                            known_at=parse_instant(k) if k else None,
                        )
                    )
                profiler.disable()
            note = f"show actor {ident} (the busiest: {row['n']:,} developments): current, --as-of, --known-at"
        elapsed = time.perf_counter() - started
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(args.sort).print_stats(args.top)
        if args.out:
            stats.dump_stats(str(args.out))
        print(f"# {note}: {elapsed:.2f} s under cProfile (size {args.size:,})")
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())

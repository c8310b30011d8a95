"""`python -m bench.commands`: the commands a user feels, timed as whole processes against baselines doing the
same kind of work, paired in one run on one machine.

Each figure is a fresh `chronicle` process, as a user runs it; each baseline runs just before or after it
(the order alternates pair by pair), so the host's drift hits both alike. A pair taken while the host was
busy (load average or steal time over the stated thresholds) is kept in the JSON but marked, and a row
whose pairs were mostly taken on a busy host reports "loaded" instead of a verdict.

    python -m bench.commands --size 10000            # builds a synthetic store (cached in --workdir)
    python -m bench.commands --size 100000 --pairs 5 --out bench/results/commands-100k.json
    python -m bench.commands --size 100000 --pg "$CHRONICLE_TEST_PG"   # the same store copied to PostgreSQL
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import proc

SEED = 42
# A pair is "loaded" when, beyond this bench's own process, the host ran more than this many runnable tasks
# per core (1-minute load average), or lost more than this share of its CPU time to other guests.
LOAD_PER_CORE = 0.5
STEAL_SHARE = 0.05
FIRST_ACTOR = "state-0001"  # the synthetic story's first actor, and among its busiest
FLOOR = "import eventsourcing.application, eventsourcing.persistence, pydantic, typer"


@dataclass
class Row:
    """One line of the table: a Chronicle command, its baseline, and the target it is held to."""

    name: str
    command: list[str]
    baseline: list[str] | None
    baseline_name: str
    target: str
    check: Callable[[float, float | None, float], bool]  # (seconds, baseline seconds, peak MB) -> met
    fresh_store: bool = False  # the command writes: each run gets its own copy of the store
    refused: bool = False  # the command is expected to refuse (exit 2): its refusal is what is timed
    runs: list[dict[str, Any]] = field(default_factory=list)


def _host_sample() -> tuple[float, int, int]:
    with open("/proc/loadavg") as f:
        load = float(f.read().split()[0])
    with open("/proc/stat") as f:
        cpu = [int(v) for v in f.readline().split()[1:]]
    steal = cpu[7] if len(cpu) > 7 else 0
    return load, steal, sum(cpu)


def _loaded(before: tuple[float, int, int], after: tuple[float, int, int]) -> bool:
    cores = os.cpu_count() or 1
    load = max(before[0], after[0]) - 1  # this bench's own child is one runnable task
    total = after[2] - before[2]
    steal = (after[1] - before[1]) / total if total else 0.0
    return load / cores > LOAD_PER_CORE or steal > STEAL_SHARE


class Commands:
    def __init__(self, args: argparse.Namespace) -> None:
        self.size: int = args.size
        self.pairs: int = args.pairs
        self.work: Path = args.workdir
        self.env = proc.child_env()
        self.chronicle = str(proc.BIN / "chronicle")
        self.started = time.perf_counter()
        self.pg: str | None = args.pg  # a PostgreSQL server: the store is copied there and measured there

    def say(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:6.1f}s] {message}", file=sys.stderr, flush=True)

    def url(self, store: Path) -> str:
        """The store measured: the SQLite file, or its copy in the PostgreSQL schema of this size."""
        if self.pg is None:
            return f"sqlite:///{store}"
        return f"{self.pg}{'&' if '?' in self.pg else '?'}schema=bench_commands_{self.size}"

    def cli(self, store: Path, *args: str, timeout: float = 600, url: str | None = None) -> proc.Run:
        env = dict(self.env, CHRONICLE_STORE=url or f"sqlite:///{store}")
        return proc.run([self.chronicle, *args], env=env, timeout=timeout, keep_stdout=False)

    def on_postgres(self, store: Path) -> None:
        """The SQLite store copied into a fresh PostgreSQL schema (`chronicle migrate`), views built."""
        import psycopg

        assert self.pg is not None
        schema = f"bench_commands_{self.size}"
        with psycopg.connect(self.pg.split("?")[0], autocommit=True) as db:
            db.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")  # type: ignore[arg-type]  # a fixed name
        self.say(f"copying the store into PostgreSQL schema {schema}")
        self.must(
            self.cli(store, "migrate", "--from", f"sqlite:///{store}", "--to", self.url(store), timeout=3600), "migrate"
        )
        self.must(self.cli(store, "replay", url=self.url(store), timeout=3600), "replay on PostgreSQL")

    def must(self, run: proc.Run, what: str) -> proc.Run:
        if not run.ok:
            raise SystemExit(f"{what}: {run.describe_failure()}")
        return run

    # -- the store ---------------------------------------------------------------------------------

    def build(self) -> tuple[Path, dict[str, Any]]:
        """A synthetic store of `size` developments, and the first read after its bulk append."""
        self.work.mkdir(parents=True, exist_ok=True)
        data = self.work / f"story-{self.size}.jsonl"
        if not data.exists():
            # written by a child: a million developments made here would stay in this process, and every
            # child's peak RSS counts its parent's memory at the fork
            script = "import sys; from pathlib import Path; from bench import synth; "
            script += "synth.write_jsonl(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))"
            argv = [proc.PYTHON, "-c", script, str(data), str(self.size), str(SEED)]
            self.must(proc.run(argv, env=self.env, timeout=3600, keep_stdout=False), "synth")
        store = self.work / f"store-{self.size}.db"
        first: dict[str, Any] = {}
        if not store.exists():
            self.say(f"building a store of {self.size:,} developments")
            building = self.work / "building.db"
            building.unlink(missing_ok=True)
            self.must(self.cli(building, "init"), "init")
            self.must(self.cli(building, "append", "--file", str(data), timeout=3600), "append --file")
            # the first read after an import: whatever the import left for readers to do
            run = self.must(self.cli(building, "show", "actor", FIRST_ACTOR), "first show")
            later = self.must(self.cli(building, "show", "actor", FIRST_ACTOR), "later show")
            first = {"first_show": run.wall, "first_show_mb": run.maxrss_mb, "later_show": later.wall}
            building.rename(store)
            (self.work / f"first-read-{self.size}.json").write_text(json.dumps(first))
        else:
            cached = self.work / f"first-read-{self.size}.json"
            first = json.loads(cached.read_text()) if cached.exists() else {}
        return store, first

    def inspect(self, store: Path) -> dict[str, Any]:
        run = proc.run(
            [proc.PYTHON, "-m", "bench.child", "inspect", json.dumps({"url": self.url(store)})], env=self.env
        )
        return dict(json.loads(self.must(run, "inspect").stdout))

    # -- the table ---------------------------------------------------------------------------------

    def days(self) -> dict[str, Any]:
        """The days the table asks about, read from the story in a child process: reading 100k lines here
        would grow this process, and a child's peak RSS counts its parent's memory at the fork."""
        data = self.work / f"story-{self.size}.jsonl"
        run = proc.run([proc.PYTHON, "-m", "bench.commands", "--days", str(data)], env=self.env)
        return dict(json.loads(self.must(run, "days").stdout))

    def rows(self, info: dict[str, Any]) -> list[Row]:
        days = self.days()
        since, until = days["window"]
        page_day = days["page_day"]
        actor = info["busiest_actor"][0]
        negotiation = info["busiest_negotiation"][0]
        chronicle = self.chronicle
        scan = [proc.PYTHON, "-m", "bench.commands", "--scan"]
        floor = [proc.PYTHON, "-c", FLOOR]
        show = [chronicle, "show", "actor", actor]
        within = lambda times: lambda s, b, mb: b is not None and s <= times * b  # noqa: E731
        under = lambda seconds: lambda s, b, mb: s < seconds  # noqa: E731
        one = "bench-one" if self.pg is None else "bench-one-{pair}"
        append = [chronicle, "append", "statement", "--id", one, "--occurred", "2024-02-01", "--by", actor]
        append += ["--about", actor, "--summary", "One statement", "--text", "Said."]
        return [
            Row(
                "start-up: `show --help`", [chronicle, "show", "--help"], floor, "import floor", "<= 1.5x", within(1.5)
            ),
            Row("single `append`", append, floor, "import floor", "<= 1.5x", within(1.5), fresh_store=True),
            Row("`show actor` (busiest)", show, floor, "import floor", "<= 1.5x", within(1.5)),
            Row("`verify`", [chronicle, "verify"], scan, "seal-and-chain scan", "<= 5x", within(5)),
            Row(
                "`replay`", [chronicle, "replay"], scan, "seal-and-chain scan", "(verify <= 2x)", lambda s, b, mb: True
            ),
            Row(
                f"`export --format html --as-of {page_day}`",
                [chronicle, "export", "--format", "html", "--as-of", page_day, "-o", "/dev/null"],
                [chronicle, "export", "--format", "jsonl", "--as-of", page_day, "-o", "/dev/null"],
                "the same `--format jsonl`",
                "<= 3x, < 150 MB",
                lambda s, b, mb: b is not None and s <= 3 * b and mb < 150,
            ),
            Row(
                "`export --format html`, whole store",
                [chronicle, "export", "--format", "html", "-o", "/dev/null"],
                [chronicle, "export", "--format", "jsonl", "-o", "/dev/null"],
                "`export --format jsonl`",
                "refused past 5,000, < 150 MB",
                lambda s, b, mb: mb < 150,
                refused=self.size > 5_000,
            ),
            Row(
                "`export --format csv`",
                [chronicle, "export", "--format", "csv", "-o", "/dev/null"],
                [chronicle, "export", "--format", "jsonl", "-o", "/dev/null"],
                "`export --format jsonl`",
                "< 150 MB",
                lambda s, b, mb: mb < 150,
            ),
            Row("`history actor` (busiest)", [chronicle, "history", "actor", actor], show, "`show`", "< 1 s", under(1)),
            Row("`blame actor` (busiest)", [chronicle, "blame", "actor", actor], show, "`show`", "< 1 s", under(1)),
            Row("`log --actor` (busiest)", [chronicle, "log", "--actor", actor], show, "`show`", "< 1 s", under(1)),
            Row(
                "`diff` of one actor, a month",
                [chronicle, "diff", "actor", actor, "--from", since, "--to", until],
                show,
                "`show`",
                "< 1 s",
                under(1),
            ),
            Row(
                "`diff` store-wide, a month",
                [chronicle, "diff", "--from", since, "--to", until],
                show,
                "`show`",
                "< 2 s",
                under(2),
            ),
            Row(
                "`replay --play --negotiation`",
                [chronicle, "replay", "--play", "--negotiation", negotiation],
                [chronicle, "history", "negotiation", negotiation],
                "`history` of it",
                "< 1 s",
                under(1),
            ),
        ]

    def measure(self, row: Row, store: Path) -> None:
        for i in range(self.pairs):
            target = store
            if row.fresh_store and self.pg is None:
                target = self.work / "copy.db"
                shutil.copy(store, target)
            env = dict(self.env, CHRONICLE_STORE=self.url(target) if self.pg is None else self.url(store))
            # on PostgreSQL a write goes to the one copy: each pair appends a development of its own
            command = [a.replace("{pair}", str(i)) for a in row.command]
            baseline = row.baseline
            before = _host_sample()
            order = [("chronicle", command), ("baseline", baseline)]
            result: dict[str, Any] = {}
            for name, argv in order if i % 2 == 0 else reversed(order):
                if argv is None:
                    continue
                run = proc.run(argv, env=env, timeout=3600, keep_stdout=False)
                if not (row.refused and name == "chronicle" and run.rc == 2):
                    self.must(run, row.name)
                result[name] = {"seconds": round(run.wall, 4), "peak_mb": round(run.maxrss_mb, 1)}
            result["loaded"] = _loaded(before, _host_sample())
            row.runs.append(result)

    def summary(self, row: Row) -> dict[str, Any]:
        quiet = [r for r in row.runs if not r["loaded"]] or row.runs
        seconds = statistics.median(r["chronicle"]["seconds"] for r in quiet)
        peak = max(r["chronicle"]["peak_mb"] for r in quiet)
        base = statistics.median(r["baseline"]["seconds"] for r in quiet) if "baseline" in quiet[0] else None
        ratios = [r["chronicle"]["seconds"] / r["baseline"]["seconds"] for r in quiet if "baseline" in r]
        loaded = sum(r["loaded"] for r in row.runs) * 2 > len(row.runs)
        met = row.check(seconds, base, peak)
        return {
            "name": row.name,
            "seconds": round(seconds, 4),
            "peak_mb": peak,
            "baseline": row.baseline_name,
            "baseline_seconds": None if base is None else round(base, 4),
            "ratio": round(statistics.median(ratios), 3) if ratios else None,
            "target": row.target,
            "verdict": "loaded" if loaded else ("met" if met else "not met"),
            "pairs": row.runs,
        }

    def run(self) -> dict[str, Any]:
        proc.compiled()
        store, first = self.build()
        if self.pg is not None:
            self.on_postgres(store)
            first = {}  # the import was SQLite's
        info = self.inspect(store)
        self.say(f"store ready: {info['recorded_events']:,} developments; busiest actor {info['busiest_actor']}")
        self.must(self.cli(store, "project", url=self.url(store)), "project")
        results = []
        for row in self.rows(info):
            self.say(f"{row.name}: {self.pairs} pairs")
            self.measure(row, store)
            results.append(self.summary(row))
        judge_verify_by_replay(results)
        first_read = None
        if first:
            first_read = {
                "name": "first `show` after `append --file`",
                "seconds": round(first["first_show"], 4),
                "peak_mb": round(first["first_show_mb"], 1),
                "baseline": "a later `show`",
                "baseline_seconds": round(first["later_show"], 4),
                "target": "< 1 s",
                "verdict": "met" if first["first_show"] < 1 else "not met",
            }
        return {
            "size": self.size,
            "backend": "sqlite" if self.pg is None else "postgres",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "host": {"cores": os.cpu_count(), "load_per_core": LOAD_PER_CORE, "steal_share": STEAL_SHARE},
            "store": info,
            "rows": results + ([first_read] if first_read else []),
        }


def judge_verify_by_replay(rows: list[dict[str, Any]]) -> None:
    """The replay row's verdict is verify's second target: at most twice a full replay, in this run."""
    by_name = {r["name"]: r for r in rows}
    verify, replay = by_name.get("`verify`"), by_name.get("`replay`")
    if verify is None or replay is None or "loaded" in (verify["verdict"], replay["verdict"]):
        return
    times = verify["seconds"] / replay["seconds"]
    replay["verdict"] = "met" if times <= 2 else f"not met (verify {times:.1f}x)"


def table(report: dict[str, Any]) -> str:
    lines = [
        f"{report['size']:,} developments, {'PostgreSQL' if report.get('backend') == 'postgres' else 'SQLite'}, "
        f"{report['when']}; medians of quiet pairs, whole processes",
        "",
        "| command | Chronicle | peak MB | baseline | baseline s | ratio | target | verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in report["rows"]:
        base = "" if r["baseline_seconds"] is None else f"{r['baseline_seconds']:.3f}"
        ratio = "" if r.get("ratio") is None else f"{r['ratio']:.2f}x"
        lines.append(
            f"| {r['name']} | {r['seconds']:.3f} s | {r['peak_mb']:.0f} | {r['baseline']} | {base} | {ratio} "
            f"| {r['target']} | {r['verdict']} |"
        )
    return "\n".join(lines)


def days(data: Path) -> dict[str, Any]:
    """A month in the middle of the story (for `diff`), and a day by which the story holds about 3,000
    developments (a page the html export draws whole)."""
    occurred = [str(json.loads(line)["occurred"]) for line in data.open()]
    year, month = (int(part) for part in occurred[len(occurred) // 2][:7].split("-"))
    after = (year + month // 12, month % 12 + 1)
    day = sorted(occurred)[min(3_000, len(occurred) - 1)]
    page_day = day if len(day) == 10 else f"{day[:4]}-{day[5:7] or '01'}-01"
    return {"window": [f"{year:04d}-{month:02d}-01", f"{after[0]:04d}-{after[1]:02d}-01"], "page_day": page_day}


def scan() -> None:
    """The baseline of `verify`: every stored event read once, its seal checked and the chain recomputed."""
    from chronicle.integrity import chain
    from chronicle.service.settings import parse_store_url
    from chronicle.service.store import Store
    from chronicle.service.verifying import sealed

    opened = Store.open(parse_store_url(os.environ["CHRONICLE_STORE"]))  # the store the pair measures
    previous, bad = chain.GENESIS, 0
    for page in chain.page_lists(opened.app.recorder):
        for notification in page:
            previous = chain.link(previous, notification)
            bad += not sealed(opened, notification)
    print(previous, bad)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/chronicle-bench-commands"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--pg", help="a PostgreSQL URL: measure a copy of the store there instead of the SQLite file")
    parser.add_argument("--scan", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--days", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.days:
        print(json.dumps(days(args.days)))
        return 0
    if args.scan:
        scan()
        return 0
    report = Commands(args).run()
    text = json.dumps(report, indent=1)
    if args.out:
        args.out.write_text(text)
    print(table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

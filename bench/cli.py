"""`python -m bench`: Chronicle against the raw engines underneath it, in one run on one machine.

Every measurement runs in a fresh child process (os.wait4 gives each child's own wall time, peak RSS and
CPU); each workload is repeated and reported as the median; speed is reported as ratios to baselines
measured in the same run, because the machine is noisy. What each row means: bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from bench import proc, synth
from bench.report import render, targets

SYNTH_SEED = 42
SYNTH_VERSION = 1
DEFAULT_SIZES = "10000,100000"
QUICK_SIZES = "1000"
PAIRS = 5  # replays each paired with a raw read just before it (at least; more with --repeat)


def stat(values: Sequence[float], scale: float = 1.0, digits: int = 4) -> dict[str, Any]:
    """Median and spread of repeated measurements (scaled, e.g. seconds -> ms)."""
    vals = [round(v * scale, digits) for v in values]
    if not vals:
        return {"median": None, "runs": []}
    return {"median": round(statistics.median(vals), digits), "min": min(vals), "max": max(vals), "runs": vals}


def rate(count: int, seconds: float | None) -> float | None:
    return round(count / seconds, 1) if seconds else None


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 4) if a is not None and b else None


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.repeat: int = args.repeat
        self.work: Path = args.workdir
        self.src: Path | None = args.chronicle_src
        self.env = proc.child_env(self.src)
        self.chronicle = str(proc.BIN / "chronicle")
        self.python = proc.PYTHON
        self.started = time.perf_counter()
        self.log_lines: list[str] = []
        self.replay_cli: bool | None = None
        self.pg_schemas: list[str] = []
        self.run_id = uuid.uuid4().hex[:6]

    # -- plumbing -------------------------------------------------------------------------------

    def say(self, message: str) -> None:
        elapsed = time.perf_counter() - self.started
        line = redact(f"[{elapsed:6.1f}s] {message}")
        self.log_lines.append(line)
        print(line, file=sys.stderr, flush=True)

    def run(
        self, argv: Sequence[Any], *, timeout: float | None = None, stdin: Path | None = None, keep_stdout: bool = True
    ) -> proc.Run:
        return proc.run(argv, env=self.env, timeout=timeout, stdin=stdin, keep_stdout=keep_stdout)

    def cli(
        self, *args: Any, timeout: float | None = None, stdin: Path | None = None, keep_stdout: bool = True
    ) -> proc.Run:
        return self.run([self.chronicle, *args], timeout=timeout, stdin=stdin, keep_stdout=keep_stdout)

    def child(
        self, task: str, payload: dict[str, Any], *, timeout: float | None = None
    ) -> tuple[dict[str, Any], proc.Run]:
        run = self.run([self.python, "-m", "bench.child", task, orjson.dumps(payload).decode()], timeout=timeout)
        if not run.ok:
            raise RuntimeError(f"bench.child {task}: {run.describe_failure()}")
        return orjson.loads(run.stdout.strip().splitlines()[-1]), run

    def must(self, run: proc.Run, what: str) -> proc.Run:
        if not run.ok:
            raise RuntimeError(f"{what}: {run.describe_failure()}")
        return run

    def repeated(
        self, what: str, once: Callable[[int], proc.Run], *, budget: float, reps: int | None = None
    ) -> tuple[list[proc.Run], list[str]]:
        """Up to `reps` runs; no further run once the next would likely exceed `budget` seconds in all;
        a run that fails or times out ends the series."""
        runs: list[proc.Run] = []
        failures: list[str] = []
        spent = 0.0
        for i in range(reps or self.repeat):
            if runs and spent + runs[-1].wall > budget:
                break
            run = once(i)
            spent += run.wall
            if not run.ok:
                failures.append(run.describe_failure())
                self.say(f"  {what}: run {i + 1} {run.describe_failure()}")
                break
            runs.append(run)
            self.say(f"  {what}: run {i + 1} {run.wall:.2f} s, peak {run.maxrss_mb:.0f} MB")
        return runs, failures

    # -- the whole run ----------------------------------------------------------------------------

    def main(self) -> dict[str, Any]:
        self.work.mkdir(parents=True, exist_ok=True)
        result: dict[str, Any] = {"schema": 1, "meta": self.meta()}
        self.say(f"Chronicle benchmark: sizes {self.args.sizes}, {self.repeat} repetitions, work dir {self.work}")
        self.replay_cli = self.detect_replay_cli()
        result["startup"] = self.startup()
        result["sqlite"] = {}
        for n in self.args.sizes:
            result["sqlite"][str(n)] = self.size(n, self.sqlite_url)
        result["postgres"] = None
        if self.args.pg:
            result["postgres"] = {}
            for n in self.args.pg_sizes or self.args.sizes:
                result["postgres"][str(n)] = self.size(n, self.pg_url)
        result["meta"]["seconds"] = round(time.perf_counter() - self.started, 1)
        result["meta"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        result["targets"] = targets(result)
        result["log"] = self.log_lines
        return result

    def meta(self) -> dict[str, Any]:
        def version(module: str) -> str | None:
            out = subprocess.run(
                [self.python, "-c", f"import importlib.metadata as m; print(m.version({module!r}))"],
                capture_output=True,
                text=True,
                env=self.env,
                check=False,
            )
            return out.stdout.strip() or None

        def git(*args: str) -> str:
            out = subprocess.run(["git", *args], capture_output=True, text=True, cwd=proc.ROOT, check=False)
            return out.stdout.strip()

        cpu = ""
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            cpu = platform.processor()
        mem_gb = None
        with contextlib.suppress(ValueError, OSError):
            mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
        return {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "command": redact(" ".join(["python -m bench", *sys.argv[1:]])),
            "machine": {
                "cpu": cpu,
                "cores": os.cpu_count(),
                "memory_gb": mem_gb,
                "platform": platform.platform(),
                "python": platform.python_version(),
                "sqlite": sqlite3.sqlite_version,
            },
            "versions": {
                m: version(m) for m in ("eventsourcing", "pydantic", "pydantic_core", "orjson", "typer", "psycopg")
            },
            "git": {
                "head": git("rev-parse", "--short", "HEAD"),
                "dirty_files": len(git("status", "--porcelain").splitlines()),
            },
            "chronicle_src": str(self.src) if self.src else None,
            "sizes": self.args.sizes,
            "pg_sizes": (self.args.pg_sizes or self.args.sizes) if self.args.pg else [],
            "repeat": self.repeat,
            "quick": self.args.quick,
            "timeout_s": self.args.timeout,
            "synthetic": {"seed": SYNTH_SEED, "version": SYNTH_VERSION},
        }

    def detect_replay_cli(self) -> bool:
        run = self.cli("replay", "--help", timeout=60)
        found = run.ok and b"Usage" in run.stdout
        self.say(
            "`chronicle replay`: "
            + ("present, timed as the CLI" if found else "absent, timing Store.rebuild in a child process")
        )
        return found

    # -- size-independent -------------------------------------------------------------------------

    def startup(self) -> dict[str, Any]:
        self.say("startup: python -c pass, import time of the CLI (python -X importtime)")
        reps = max(self.repeat, 5)
        passes = [self.must(self.run([self.python, "-c", "pass"]), "python -c pass").wall for _ in range(reps)]
        totals: list[float] = []
        by_package: dict[str, list[float]] = {}
        help_walls = []
        for _ in range(reps):
            run = self.must(
                self.run([self.python, "-X", "importtime", "-c", "import chronicle.cli.main"]), "importtime"
            )
            total, packages = parse_importtime(run.stderr.decode(errors="replace"))
            totals.append(total)
            for name, us in packages.items():
                by_package.setdefault(name, []).append(us)
            help_walls.append(self.must(self.cli("--help"), "chronicle --help").wall)
        medians = {k: statistics.median(v) / 1000 for k, v in by_package.items() if len(v) == len(totals)}
        top = sorted(medians.items(), key=lambda kv: -kv[1])[:12]
        return {
            "python_pass_ms": stat(passes, 1000, 1),
            "chronicle_help_ms": stat(help_walls, 1000, 1),
            "import_cli_ms": stat([t / 1000 for t in totals], 1, 1),
            "import_self_ms_by_package": {k: round(v, 1) for k, v in top},
        }

    # -- one size -----------------------------------------------------------------------------------

    def sqlite_url(self, tag: str) -> str:
        return f"sqlite:///{(self.work / f'{tag}.db').resolve()}"

    def pg_url(self, tag: str) -> str:
        schema = re.sub(r"[^a-z0-9_]", "_", f"bench_{self.run_id}_{tag}".lower())
        self.pg_schemas.append(schema)
        base = self.args.pg
        return f"{base}{'&' if '?' in base else '?'}schema={schema}"

    def drop(self, url: str) -> None:
        if url.startswith("sqlite:"):
            path = Path(url[len("sqlite:///") :])
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            self.drop_pg_schema(url)

    def drop_pg_schema(self, url: str) -> None:
        schema = url.rsplit("schema=", 1)[1]
        code = (
            "import sys, psycopg\n"
            "with psycopg.connect(sys.argv[1], autocommit=True) as c:\n"
            "    c.execute(f'DROP SCHEMA IF EXISTS \"{sys.argv[2]}\" CASCADE')\n"
        )
        subprocess.run([self.python, "-c", code, self.args.pg, schema], env=self.env, check=False, capture_output=True)
        if schema in self.pg_schemas:
            self.pg_schemas.remove(schema)

    def data_file(self, n: int) -> Path:
        path = self.work / f"synth-{n}-s{SYNTH_SEED}-v{SYNTH_VERSION}.jsonl"
        if not path.exists():
            self.say(f"generating {n:,} synthetic developments -> {path.name}")
            tmp = path.with_suffix(".tmp")
            synth.write_jsonl(tmp, n, SYNTH_SEED)
            tmp.replace(path)
        return path

    def timeout_for(self, n: int) -> float:
        """--timeout is for up to 100k developments; larger logs get proportionally more."""
        return self.args.timeout * max(1.0, n / 100_000)

    def size(self, n: int, url_for: Callable[[str], str]) -> dict[str, Any]:
        backend = "postgres" if url_for == self.pg_url else "sqlite"
        self.say(f"== {backend}, {n:,} developments ==")
        data = self.data_file(n)
        out: dict[str, Any] = {"developments": n, "file_bytes": data.stat().st_size}
        created: list[str] = []
        errors: dict[str, str] = {}

        def step(name: str, fn: Callable[[], Any]) -> Any:
            try:
                return fn()
            except RuntimeError as error:
                self.say(f"  {name} FAILED: {error}")
                errors[name] = str(error)
                return None

        try:
            store = step("bulk_append", lambda: self.bulk(n, data, url_for, out, created))
            if store is None:
                return out
            counts = step("inspect", lambda: self.counts(store))
            if counts is None:
                return out
            out["stored_events"], out["recorded_events"] = counts
            es_store = step("bulk_baselines", lambda: self.bulk_baselines(n, store, url_for, out, created, backend))
            if es_store is not None:
                step("single_append", lambda: self.single_append(n, store, es_store, out))
            built = step("replay", lambda: self.replay(n, store, out))
            step("replay_baselines", lambda: self.replay_baselines(store, out))
            if built:
                if self.replay_cli:  # pairs time `chronicle replay` itself, as the replay runs above do
                    step("replay_paired", lambda: self.replay_paired(n, store, out))
                step("show", lambda: self.show(n, store, out))
                step("whole_store", lambda: self.whole_store(n, store, out))
            else:
                out["show"] = {"skipped": "the views could not be built (replay did not finish)"}
        finally:
            out["ratios"] = size_ratios(out)
            if errors:
                out["errors"] = errors
            if not self.args.keep:
                for url in created:
                    self.drop(url)
        return out

    def counts(self, url: str) -> tuple[int, int]:
        info, _ = self.child("inspect", {"url": url}, timeout=600)
        return info["max_notification_id"], info["recorded_events"]

    # -- bulk append -------------------------------------------------------------------------------

    def bulk(
        self, n: int, data: Path, url_for: Callable[[str], str], out: dict[str, Any], created: list[str]
    ) -> str | None:
        self.say(f"bulk: chronicle append --file ({n:,} developments, {data.stat().st_size / 1e6:.1f} MB)")
        stores: list[str] = []

        def once(i: int) -> proc.Run:
            url = url_for(f"chron_{n}_{i}")
            created.append(url)
            stores.append(url)
            if url.startswith("sqlite:"):
                self.drop(url)
            self.must(self.cli("init", "--store", url, timeout=120), "chronicle init")
            return self.cli("append", "--file", str(data), "--store", url, timeout=self.timeout_for(n))

        runs, failures = self.repeated("chronicle append --file", once, budget=self.timeout_for(n))
        ok = [r for r in runs if r.ok]
        out["bulk_append"] = {
            "chronicle_cli_s": stat([r.wall for r in ok]),
            "cpu_s": stat([r.cpu for r in ok]),
            "peak_rss_mb": stat([r.maxrss_mb for r in ok], 1, 1),
            "failures": failures,
        }
        if not ok:
            out["error"] = f"bulk append failed: {failures}"
            return None
        # Keep the store of the last good run; drop the others now (disk, and PostgreSQL schemas).
        keep = stores[len(ok) - 1]
        for url in stores:
            if url != keep:
                self.drop(url)
                created.remove(url)
        return keep

    def bulk_baselines(
        self, n: int, store: str, url_for: Callable[[str], str], out: dict[str, Any], created: list[str], backend: str
    ) -> str:
        events = out["stored_events"]
        reps = self.repeat
        self.say(f"bulk baselines: eventsourcing save in batches of 1000, raw recorder insert ({events:,} events)")
        es_urls = [url_for(f"es_{n}_{i}") for i in range(reps)]
        ins_urls = [url_for(f"esraw_{n}_{i}") for i in range(reps)]
        created += es_urls + ins_urls
        for url in es_urls + ins_urls:
            if url.startswith("sqlite:"):
                self.drop(url)
        es, _es_run = self.child("es_bulk", {"src": store, "dst": es_urls, "batch": 1000}, timeout=1800)
        raw, _ = self.child("es_insert", {"src": store, "dst": ins_urls, "batch": 1000}, timeout=1800)
        baselines: dict[str, Any] = {
            "es_save_batched_s": stat(es["seconds"]),
            "es_recorder_insert_s": stat(raw["seconds"]),
        }
        for url in ins_urls + es_urls[:-1]:
            self.drop(url)
            created.remove(url)
        if backend == "sqlite":
            self.say("bulk baseline: plain sqlite3 executemany, one transaction")
            dst = [str(self.work / f"plain_{n}_{i}.db") for i in range(reps)]
            plain, _ = self.child("sqlite_bulk", {"src": store[len("sqlite:///") :], "dst": dst}, timeout=1800)
            baselines["sqlite_executemany_s"] = stat(plain["seconds"])
            for path in dst:
                self.drop(f"sqlite:///{path}")
        out["bulk_baselines"] = baselines
        return es_urls[-1]

    # -- single append ----------------------------------------------------------------------------

    def single_append(self, n: int, store: str, es_store: str, out: dict[str, Any]) -> None:
        reps = max(self.repeat, 5)
        self.say(
            f"single append: chronicle append statement (fresh process) x{reps}, "
            "vs python -c pass, vs eventsourcing alone"
        )
        walls, rss, cpus, es_walls, es_cpus, passes = [], [], [], [], [], []
        es_script = str(proc.ROOT / "bench" / "es_single.py")
        tag = uuid.uuid4().hex[:6]
        for i in range(reps):
            passes.append(self.must(self.run([self.python, "-c", "pass"]), "python -c pass").wall)
            run = self.must(
                self.cli(
                    "append",
                    "--store",
                    store,
                    "statement",
                    "--id",
                    f"bench-single-{tag}-{i}",
                    "--occurred",
                    "2025-01-15",
                    "--by",
                    "state-0001",
                    "--text",
                    f"A statement made for benchmark run {i}.",
                    "--summary",
                    f"Benchmark statement {i}",
                    "--source",
                    "Reuters",
                    timeout=120,
                ),
                "chronicle append statement",
            )
            walls.append(run.wall)
            rss.append(run.maxrss_mb)
            cpus.append(run.cpu)
            es = self.must(self.run([self.python, es_script, es_store, str(n * 10 + i)], timeout=120), "es_single")
            es_walls.append(es.wall)
            es_cpus.append(es.cpu)
        # Where a fresh process spends its imports (every module the append path loads, not just the CLI's).
        probe = self.must(
            self.run(
                [
                    self.python,
                    "-X",
                    "importtime",
                    self.chronicle,
                    "append",
                    "--store",
                    store,
                    "statement",
                    "--id",
                    f"bench-single-{tag}-importtime",
                    "--occurred",
                    "2025-01-15",
                    "--by",
                    "state-0001",
                    "--text",
                    "A statement made to measure imports.",
                    "--summary",
                    "Import probe",
                    "--source",
                    "Reuters",
                ],
                timeout=120,
            ),
            "chronicle append statement (-X importtime)",
        )
        _, import_packages = parse_importtime(probe.stderr.decode(errors="replace"))
        top = sorted(import_packages.items(), key=lambda kv: -kv[1])[:10]
        out["single_append"] = {
            "imports_ms": round(sum(import_packages.values()) / 1000, 1),
            "imports_self_ms_by_package": {k: round(v / 1000, 1) for k, v in top},
            "chronicle_cli_ms": stat(walls, 1000, 1),
            "chronicle_cli_cpu_ms": stat(cpus, 1000, 1),
            "es_direct_ms": stat(es_walls, 1000, 1),
            "es_direct_cpu_ms": stat(es_cpus, 1000, 1),
            "python_pass_ms": stat(passes, 1000, 1),
            "peak_rss_mb": stat(rss, 1, 1),
        }
        self.say(
            f"  chronicle {statistics.median(walls) * 1000:.0f} ms, "
            f"eventsourcing {statistics.median(es_walls) * 1000:.0f} ms, "
            f"python {statistics.median(passes) * 1000:.0f} ms"
        )

    # -- replay ----------------------------------------------------------------------------------

    def replay(self, n: int, store: str, out: dict[str, Any]) -> bool:
        mode = "cli" if self.replay_cli else "in-process"
        self.say(f"replay ({mode}): rebuild every view from the first event")
        progress = self.work / f"progress-{os.getpid()}.txt"
        summaries: list[dict[str, Any]] = []

        def in_process(timeout: float) -> proc.Run:
            progress.unlink(missing_ok=True)
            return self.run(
                [
                    self.python,
                    "-m",
                    "bench.child",
                    "rebuild",
                    orjson.dumps({"url": store, "progress": str(progress)}).decode(),
                ],
                timeout=timeout,
            )

        def once(i: int) -> proc.Run:
            run = (
                self.cli("replay", "--json", "--store", store, timeout=self.timeout_for(n))
                if self.replay_cli
                else in_process(self.timeout_for(n))
            )
            if run.ok:
                summaries.append(orjson.loads(run.stdout))
            return run

        runs, failures = self.repeated("replay", once, budget=self.timeout_for(n))
        if failures and self.replay_cli and not runs:
            # The CLI shows no progress off a TTY: learn how far a rebuild gets, in-process.
            self.say("  replay did not finish: measuring how far an in-process rebuild gets in 30 s")
            in_process(30)
        # The single appends came after the count: the rebuild's own summary says how many it replayed.
        events = summaries[-1]["events"] if summaries else out["recorded_events"]
        result: dict[str, Any] = {"mode": mode, "events": events, "failures": failures}
        if runs:
            result["process_s"] = stat([r.wall for r in runs])
            result["peak_rss_mb"] = stat([r.maxrss_mb for r in runs], 1, 1)
            if summaries:
                result["rebuild_s"] = stat([s["seconds"] for s in summaries])
                seconds = result["rebuild_s"]["median"]
            else:
                seconds = result["process_s"]["median"]
            result["events_per_s"] = rate(events, seconds)
        if failures:
            partial = read_progress(progress)
            if partial:
                done, elapsed = partial
                result["partial"] = {
                    "events_done": done,
                    "seconds": elapsed,
                    "events_per_s": rate(done, elapsed),
                    "note": "the run was stopped; rate over the part it finished "
                    "(later parts are slower if cost grows with the log)",
                }
            if not runs:
                result["peak_rss_mb_at_stop"] = None
        progress.unlink(missing_ok=True)
        out["replay"] = result
        return bool(runs)

    def replay_baselines(self, store: str, out: dict[str, Any]) -> None:
        """The raw read+decode once in each of `repeat` fresh processes, as the replays are measured: on
        this kind of machine a process draws a speed for its lifetime (the same read took 2.0 s in some
        processes and 3.0 s in others, steady within each), so reads repeated in one process are one
        draw, set against the replays' three. Select-only and the sqlite3 scan stay in one process."""
        self.say("replay baselines: eventsourcing recorder select (+ decode with Chronicle's mapper), sqlite3 scan")
        rest = {"url": store, "page": 2000, "reps": self.repeat, "kinds": ["select", "sqlite_scan"]}
        raw, run = self.child("raw_read", rest, timeout=1800)
        decodes, peak = [], run.maxrss_mb
        for _ in range(self.repeat):
            one, run = self.raw_decode_once(store)
            decodes.append(one)
            peak = max(peak, run.maxrss_mb)
        raw["decode"] = {"events": decodes[0]["events"], "seconds": [d["seconds"][0] for d in decodes]}
        base: dict[str, Any] = {"page": raw["page"], "child_peak_rss_mb": round(peak, 1)}
        base["decode_processes"] = len(decodes)
        for key in ("decode", "select", "sqlite_scan"):
            if key in raw:
                s = stat(raw[key]["seconds"])
                base[key] = {
                    "seconds": s,
                    "events": raw[key]["events"],
                    "events_per_s": rate(raw[key]["events"], s["median"]),
                }
        out["replay_baselines"] = base

    def raw_decode_once(self, store: str) -> tuple[dict[str, Any], proc.Run]:
        """One raw read+decode of every recorded development in a fresh process: its `events` and `seconds`."""
        raw, run = self.child("raw_read", {"url": store, "page": 2000, "reps": 1, "kinds": ["decode"]}, timeout=1800)
        decoded: dict[str, Any] = raw["decode"]
        return decoded, run

    def replay_paired(self, n: int, store: str, out: dict[str, Any]) -> None:
        """Each replay right after a raw read+decode of its own: the ratio of each pair, taken seconds
        apart. On a machine whose speed drifts from one minute to the next, the phases above (all replays,
        then all baselines) can land in different weather; a pair shares it."""
        self.say("replay paired with a raw read+decode just before it, each pair a ratio")
        pairs: list[dict[str, float]] = []
        # Five at least: one pair costs seconds at 100k, and a single process's raw read moves by half
        # from one minute to the next here (30k-57k events/s), so the median of three is one pair's luck.
        for i in range(max(self.repeat, PAIRS)):
            raw, _ = self.raw_decode_once(store)
            run = self.cli("replay", "--json", "--store", store, timeout=self.timeout_for(n))
            if not run.ok:
                self.say(f"  paired replay {i + 1}: {run.describe_failure()}")
                break
            summary = orjson.loads(run.stdout)
            raw_rate = rate(raw["events"], raw["seconds"][0]) or 0.0
            replay_rate = rate(summary["events"], summary["seconds"]) or 0.0
            pairs.append({"raw_events_per_s": raw_rate, "replay_events_per_s": replay_rate})
            self.say(
                f"  pair {i + 1}: raw {raw_rate:,.0f} ev/s, replay {replay_rate:,.0f} ev/s, "
                f"ratio {replay_rate / raw_rate:.3f}"
            )
        if pairs:
            ratios = [p["replay_events_per_s"] / p["raw_events_per_s"] for p in pairs]
            out["replay_paired"] = {"pairs": pairs, "ratios": [round(r, 3) for r in ratios], "ratio": stat(ratios)}

    # -- whole-store commands: their memory must not follow the store ------------------------------

    def whole_store(self, n: int, store: str, out: dict[str, Any]) -> None:
        self.say("whole-store commands, fresh process each: verify, log --json, export --format jsonl")
        target = self.work / "export.jsonl"
        result: dict[str, Any] = {}
        for label, args in (
            ("verify", ["verify"]),
            ("log", ["log", "--json"]),
            ("export jsonl", ["export", "--format", "jsonl", "-o", str(target)]),
        ):
            runs, failures = self.repeated(
                label,
                lambda _i, a=args: self.cli(*a, "--store", store, timeout=self.timeout_for(n), keep_stdout=False),
                budget=self.timeout_for(n),
            )
            result[label] = {"failures": failures}
            if runs:
                result[label]["seconds"] = stat([r.wall for r in runs])
                result[label]["peak_rss_mb"] = stat([r.maxrss_mb for r in runs], 1, 1)
        target.unlink(missing_ok=True)
        out["whole_store"] = result

    # -- show ---------------------------------------------------------------------------------------

    def show(self, n: int, store: str, out: dict[str, Any]) -> None:
        info, _ = self.child("inspect", {"url": store}, timeout=600)
        targets_ = []
        for label, key, kind in (
            ("busiest actor", "busiest_actor", "actor"),
            ("median actor", "median_actor", "actor"),
            ("busiest negotiation", "busiest_negotiation", "negotiation"),
        ):
            if info.get(key):
                ident, count = info[key]
                targets_.append({"kind": kind, "id": ident, "label": label, "developments": count})
        known_at = info["known_at_middle"]
        as_of = "2023-01-01"
        variants = [
            {"name": "current"},
            {"name": "as-of", "as_of": as_of},
            {"name": "known-at", "known_at": known_at},
            {"name": "as-of+known-at", "as_of": as_of, "known_at": known_at},
        ]
        self.say(
            "show: in-process, warm (each call catches up first): "
            + ", ".join(f"{t['label']} {t['id']} ({t['developments']:,} developments)" for t in targets_)
        )
        reps = 5 if self.args.quick else 10
        inproc, _ = self.child(
            "show",
            {"url": store, "targets": targets_, "variants": variants, "reps": reps, "budget": 15},
            timeout=1800,
        )
        in_ms = {k: stat(v["seconds"], 1000, 2) for k, v in inproc.items()}
        # Via the CLI, as a user runs it (a fresh process each time): the busiest actor and negotiation.
        cli_ms: dict[str, Any] = {}
        flags = {
            "current": [],
            "as-of": ["--as-of", as_of],
            "known-at": ["--known-at", known_at],
            "as-of+known-at": ["--as-of", as_of, "--known-at", known_at],
        }
        self.say("show: via the CLI (fresh process each time)")
        for target in targets_:
            if target["label"] == "median actor":
                continue
            names = list(flags) if target["kind"] == "actor" else ["current", "as-of"]
            self.must(
                self.cli("show", target["kind"], target["id"], "--store", store, timeout=600), "chronicle show"
            )  # warm
            for name in names:
                walls = []
                for _ in range(self.repeat):
                    run = self.must(
                        self.cli("show", target["kind"], target["id"], *flags[name], "--store", store, timeout=600),
                        "chronicle show",
                    )
                    walls.append(run.wall)
                cli_ms[f"{target['label']}/{name}"] = stat(walls, 1000, 1)
        out["show"] = {
            "targets": targets_,
            "as_of": as_of,
            "known_at": known_at,
            "in_process_ms": in_ms,
            "cli_ms": cli_ms,
            "entities": {"actors": info["actors"], "negotiations": info["negotiations"]},
        }
        for key, value in in_ms.items():
            self.say(f"  in-process {key}: {value['median']:.1f} ms")


def size_ratios(out: dict[str, Any]) -> dict[str, Any]:
    """Chronicle / baseline, per workload (rates: higher is better; times and memory: lower is better)."""
    r: dict[str, Any] = {}
    events = out.get("stored_events")
    bulk = out.get("bulk_append", {}).get("chronicle_cli_s", {}).get("median")
    base = out.get("bulk_baselines", {})
    if bulk and events:
        chron = events / bulk
        r["bulk_events_per_s"] = round(chron, 1)
        r["bulk_developments_per_s"] = round(out["developments"] / bulk, 1)
        for key, name in (
            ("es_save_batched_s", "bulk_vs_es_save"),
            ("es_recorder_insert_s", "bulk_vs_es_recorder_insert"),
            ("sqlite_executemany_s", "bulk_vs_sqlite_executemany"),
        ):
            seconds = base.get(key, {}).get("median")
            if seconds:
                r[name.replace("bulk_vs_", "baseline_events_per_s_")] = round(events / seconds, 1)
                r[name] = ratio(chron, events / seconds)
    single = out.get("single_append", {})
    if single:
        cli = single["chronicle_cli_ms"]["median"]
        r["single_append_vs_python"] = ratio(cli, single["python_pass_ms"]["median"])
        r["single_append_vs_es_process"] = ratio(cli, single["es_direct_ms"]["median"])
    replay = out.get("replay", {})
    rb = out.get("replay_baselines", {})
    replay_rate = replay.get("events_per_s") or (replay.get("partial") or {}).get("events_per_s")
    if replay_rate:
        for key in ("decode", "select", "sqlite_scan"):
            if rb.get(key):
                r[f"replay_vs_raw_{key}"] = ratio(replay_rate, rb[key]["events_per_s"])
        if not replay.get("events_per_s"):
            r["replay_ratios_from_partial_run"] = True
    paired = out.get("replay_paired", {}).get("ratio", {}).get("median")
    if paired:
        r["replay_vs_raw_decode_paired"] = round(paired, 3)
    if replay.get("peak_rss_mb") and rb.get("child_peak_rss_mb"):
        r["replay_rss_vs_raw_read_rss"] = ratio(replay["peak_rss_mb"]["median"], rb["child_peak_rss_mb"])
    for label, measured in (out.get("whole_store") or {}).items():
        if measured.get("peak_rss_mb") and rb.get("child_peak_rss_mb"):
            key = f"{label.replace(' ', '_')}_rss_vs_raw_read_rss"
            r[key] = ratio(measured["peak_rss_mb"]["median"], rb["child_peak_rss_mb"])
    return r


def redact(text: str) -> str:
    """Never print or store a database password: postgresql://user:secret@host -> postgresql://user:***@host."""
    return re.sub(r"(://[^:/@\s]+):[^@\s]*@", r"\1:***@", text)


def parse_importtime(text: str) -> tuple[float, dict[str, float]]:
    """Total cumulative microseconds of `chronicle.cli.main`, and self time summed by top-level package."""
    total = 0.0
    packages: dict[str, float] = {}
    for line in text.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        try:
            _, self_us, cumulative, name = (part.strip() for part in re.split(r"[:|]", line, maxsplit=3))
        except ValueError:
            continue
        root = name.strip().split(".")[0]
        if name.strip().startswith("chronicle."):
            root = ".".join(name.strip().split(".")[:2])
        packages[root] = packages.get(root, 0.0) + float(self_us)
        if name.strip() == "chronicle.cli.main":
            total = float(cumulative)
    return total, packages


def read_progress(path: Path) -> tuple[int, float] | None:
    try:
        lines = path.read_text().split("\n")
    except OSError:
        return None
    for line in reversed(lines):
        parts = line.split()
        if len(parts) == 3:
            return int(parts[0]), float(parts[2])
    return None


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Chronicle against eventsourcing, sqlite3 (and PostgreSQL): medians and ratios of one run.",
    )
    parser.add_argument("--quick", action="store_true", help=f"small and fast (< 60 s): sizes {QUICK_SIZES}")
    parser.add_argument("--sizes", help=f"comma-separated log sizes (default {DEFAULT_SIZES}; 1000000 is opt-in)")
    parser.add_argument("--repeat", type=int, help="repetitions of each workload (default 3)")
    parser.add_argument(
        "--pg",
        metavar="URL",
        help="also run against PostgreSQL (postgresql://user:pw@host/db); schemas bench_* are created and dropped",
    )
    parser.add_argument("--pg-sizes", help="sizes for PostgreSQL (default: --sizes)")
    parser.add_argument("--out", type=Path, default=proc.ROOT / "bench" / "results" / "latest.json")
    parser.add_argument(
        "--timeout",
        type=float,
        help="seconds one bulk append or replay may take (per 100k developments) before it is stopped and "
        "reported as such; also the time budget for repeating it (default 100; quick 30)",
    )
    parser.add_argument("--workdir", type=Path, default=proc.ROOT / "bench" / "results" / "work")
    parser.add_argument(
        "--chronicle-src",
        type=Path,
        help="a directory holding a `chronicle` package to measure instead of the installed one (e.g. a patched copy)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the stores after the run")
    args = parser.parse_args(argv)
    args.sizes = [
        int(s.replace("_", "")) for s in (args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES)).split(",") if s
    ]
    args.pg_sizes = [int(s) for s in args.pg_sizes.split(",")] if args.pg_sizes else None
    args.repeat = args.repeat or 3
    args.timeout = args.timeout or (30.0 if args.quick else 100.0)
    if args.chronicle_src is not None:
        args.chronicle_src = args.chronicle_src.resolve()
        if not (args.chronicle_src / "chronicle" / "__init__.py").exists():
            parser.error(f"--chronicle-src {args.chronicle_src}: no chronicle/__init__.py there")
    args.workdir = args.workdir.resolve()
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    bench = Bench(args)
    try:
        result = bench.main()
    finally:
        for schema in list(getattr(bench, "pg_schemas", [])):
            bench.drop_pg_schema(f"x?schema={schema}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    print(render(result))
    print(f"\nresults: {args.out}", file=sys.stderr)
    return 0

"""Proves two versions of Chronicle give the same answers: every read command's `--json` and every export.

A store is built once (the demo story, or a synthetic one of N developments) and copied; each version reads
its own copy through the CLI, as a user would, and writes each answer to a file. Comparing two such folders
names every answer that differs. Reads catch views up, so each version starts from an identical copy.

    python -m bench.same_answers build --python OLD/.venv/bin/python --n 10000 --store /tmp/s.db
    python -m bench.same_answers answer --python OLD/.venv/bin/python --store /tmp/s.db --out /tmp/old
    python -m bench.same_answers answer --python NEW/.venv/bin/python --store /tmp/s.db --out /tmp/new
    python -m bench.same_answers compare /tmp/old /tmp/new
    python -m bench.same_answers startup --python OLD/.venv/bin/python --python NEW/.venv/bin/python --store /tmp/s.db

`startup` times one `chronicle append` in a fresh process for each version, alternating, each on its own copy
of the store, and prints each version's median and the ratio of the medians (the first version is the base).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORIES = ROOT / "service" / "stories"
# Answers that hold a wall-clock figure (a rebuild's duration) are compared with that field blanked.
TIMED = {"replay.json": ("seconds", "elapsed", "events_per_second", "rate")}


def _run(python: str, store: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, CHRONICLE_STORE=f"sqlite:///{store}", NO_COLOR="1", COLUMNS="200")
    return subprocess.run([python, "-m", "chronicle.cli.main", *args], capture_output=True, env=env, check=False)


def build(python: str, store: Path, n: int) -> None:
    """Makes the store: the demo story (n = 0) or a synthetic story of n developments."""
    if store.exists():
        store.unlink()
    if _run(python, store, "init").returncode:
        raise SystemExit("init failed")
    if n:
        with tempfile.TemporaryDirectory() as tmp:
            story = Path(tmp) / "story.jsonl"
            subprocess.run([python, "-m", "bench.synth", str(n)], stdout=story.open("wb"), cwd=ROOT, check=True)
            files = [story]
            result = _run(python, store, "append", "--file", str(files[0]))
            if result.returncode:
                raise SystemExit(result.stderr.decode())
        return
    for name in ("seed.jsonl", "later.jsonl"):
        result = _run(python, store, "append", "--file", str(STORIES / name))
        if result.returncode:
            raise SystemExit(result.stderr.decode())


def _ids(python: str, store: Path, kind: str, every: int) -> list[str]:
    listed = json.loads(_run(python, store, f"{kind}s", "--json").stdout or b"[]")
    return [item["id"] for item in listed][::every]


def _commands(python: str, store: Path) -> list[tuple[str, list[str]]]:
    """Every read and export, over a sample of the store's entities (all of them in a small store)."""
    actors = _ids(python, store, "actor", 1)
    negotiations = _ids(python, store, "negotiation", 1)
    every = max(1, len(actors) // 12)
    actors, negotiations = actors[::every], negotiations[:: max(1, len(negotiations) // 6)]
    log = json.loads(_run(python, store, "log", "--jsonl").stdout.split(b"\n")[0] or b"{}")
    day = str(log.get("date", log.get("occurred", "2024-01-05")))[:10]
    recorded = str(log.get("recorded", "2030-01-01T00:00:00+00:00"))
    commands: list[tuple[str, list[str]]] = [
        ("actors", ["actors", "--json"]),
        ("negotiations", ["negotiations", "--json"]),
        ("actors-as-of", ["actors", "--json", "--as-of", day]),
        ("log", ["log", "--json"]),
        ("log-retracted", ["log", "--json", "--include-retracted"]),
        ("log-search", ["log", "--json", "--search", "troops"]),
        ("log-as-of", ["log", "--json", "--as-of", day]),
        ("log-known-at", ["log", "--json", "--known-at", recorded]),
        ("sources", ["sources", "--json"]),
        ("play", ["replay", "--play", "--json"]),
        ("diff-all", ["diff", "--from", "2000-01-01", "--to", "2100-01-01", "--json"]),
        ("verify", ["verify", "--json"]),
        ("root", ["verify", "--root"]),
    ]
    for kind, ids in (("actor", actors), ("negotiation", negotiations)):
        for ident in ids:
            commands += [
                (f"show-{kind}-{ident}", ["show", kind, ident, "--json"]),
                (f"show-{kind}-{ident}-as-of", ["show", kind, ident, "--json", "--as-of", day]),
                (f"show-{kind}-{ident}-known-at", ["show", kind, ident, "--json", "--known-at", recorded]),
                (f"history-{kind}-{ident}", ["history", kind, ident, "--json"]),
                (f"blame-{kind}-{ident}", ["blame", kind, ident, "--json"]),
                (f"diff-{kind}-{ident}", ["diff", kind, ident, "--from", "2000-01-01", "--to", "2100-01-01", "--json"]),
                (f"log-{kind}-{ident}", ["log", f"--{kind}", ident, "--json"]),
            ]
    for fmt in ("jsonl", "csv", "markdown", "timelinejs", "html", "svg"):
        commands.append((f"export.{fmt}", ["export", "--format", fmt, "--title", "Same answers"]))
    if actors:
        commands.append(("export-actor.csv", ["export", "--format", "csv", "--actor", actors[0]]))
    commands.append(("replay", ["replay", "--json"]))
    return commands


def answer(python: str, store: Path, out: Path) -> None:
    """Runs every command on a copy of the store and writes stdout, stderr and the exit code of each."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "store.db"
        shutil.copy(store, copy)
        for name, args in _commands(python, copy):
            result = _run(python, copy, *args)
            (out / f"{name}.out").write_bytes(result.stdout)
            (out / f"{name}.err").write_bytes(result.stderr)
            (out / f"{name}.rc").write_text(str(result.returncode))


def _normal(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.startswith("export") and path.suffix == ".out":
        from chronicle.exports.stamp import without

        data = without(data)  # the head an export embeds: versions before it embedded none
    fields = TIMED.get(path.name.removesuffix(".out") + ".json") if path.suffix == ".out" else None
    if fields and data.strip():
        doc = json.loads(data)
        for field in fields:
            if isinstance(doc, dict) and field in doc:
                doc[field] = None
        return json.dumps(doc, sort_keys=True).encode()
    return data


def compare(a: Path, b: Path) -> int:
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    differ = [n for n in names if not (a / n).exists() or not (b / n).exists() or _normal(a / n) != _normal(b / n)]
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(names) - len(differ)} of {len(names)} answers byte-identical")
    return 1 if differ else 0


def startup(pythons: list[str], store: Path, pairs: int) -> None:
    """Median wall time of a single `append` per version, measured in alternation so noise hits both alike."""
    times: dict[str, list[float]] = {python: [] for python in pythons}
    with tempfile.TemporaryDirectory() as tmp:
        copies = {python: Path(tmp) / f"store-{i}.db" for i, python in enumerate(pythons)}
        for python, copy in copies.items():
            shutil.copy(store, copy)
            _run(python, copy, "project")  # views caught up, so each append measures the append alone
        for i in range(pairs):
            for python in pythons if i % 2 == 0 else reversed(pythons):
                args = ("append", "statement", "--id", f"startup-{i}", "--occurred", "2024-02-01")
                args += ("--by", "us", "--about", "iraq-government", "--summary", f"A statement {i}", "--text", "Said.")
                began = time.perf_counter()
                result = _run(python, copies[python], *args)
                times[python].append(time.perf_counter() - began)
                if result.returncode:
                    raise SystemExit(f"append failed with {python}: {result.stderr.decode().strip()}")
    base = statistics.median(times[pythons[0]])
    for python in pythons:
        median = statistics.median(times[python])
        print(f"{python}: median {median * 1000:.0f} ms over {pairs} appends, {median / base:.2f} of the first")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--python", default=sys.executable)
    b.add_argument("--store", type=Path, required=True)
    b.add_argument("--n", type=int, default=0, help="synthetic developments (0: the demo story)")
    r = sub.add_parser("answer")
    r.add_argument("--python", default=sys.executable)
    r.add_argument("--store", type=Path, required=True)
    r.add_argument("--out", type=Path, required=True)
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    t = sub.add_parser("startup")
    t.add_argument("--python", action="append", required=True, help="give it twice: the base, then the other")
    t.add_argument("--store", type=Path, required=True)
    t.add_argument("--pairs", type=int, default=15)
    args = parser.parse_args()
    if args.command == "startup":
        startup(args.python, args.store, args.pairs)
        return 0
    if args.command == "build":
        build(args.python, args.store, args.n)
        return 0
    if args.command == "answer":
        answer(args.python, args.store, args.out)
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    raise SystemExit(main())

"""The server's answer times: per endpoint of `chronicle serve`'s app, in-process, over a synthetic
store, the first request at the log's head and the p50/p95 of the requests after it, and the process's
memory before and after.

    python -m bench.serve --n 100000            # builds the store in a temporary directory
    python -m bench.serve --store big.db        # an existing store
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def build(directory: Path, n: int) -> str:
    from bench import synth

    story = directory / "story.jsonl"
    synth.write_jsonl(story, n)
    url = f"sqlite:///{directory / 'bench.db'}"
    for args in (["init", "--store", url], ["append", "--store", url, "--file", str(story)]):
        subprocess.run([sys.executable, "-m", "chronicle.cli.main", *args], check=True, stdout=subprocess.DEVNULL)
    return url


def measure(url: str, repeat: int, actor: str | None = None) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from chronicle.service.settings import resolve_store
    from chronicle.service.store import Store
    from chronicle.web.app import create_app
    from chronicle.web.state import Served

    store = Store.open(resolve_store(url, None))
    store.refresh()
    before = rss_mb()
    served = Served(store)
    client = TestClient(create_app(served), base_url="http://127.0.0.1:8321")
    actor = actor or client.get("/api/actors").json()[0]["id"]
    negotiation = client.get("/api/negotiations").json()[0]["id"]
    first = client.get("/api/log", params={"limit": 1}).json()[0]
    bounds = client.get("/api/bounds").json()
    day = (first["occurred"] + "-01-01")[:10]  # the first day of a YYYY, YYYY-MM or YYYY-MM-DD date
    paths = [
        "/",
        "/api/head",
        "/api/actors",
        f"/api/actors/{actor}",
        f"/api/actors/{actor}?as_of={day}",
        f"/api/actors/{actor}/blame",
        f"/api/actors/{actor}/history",
        f"/api/negotiations/{negotiation}",
        f"/api/developments/{first['id']}",
        f"/api/log?since={day}&until={day}",
        f"/api/log?actor={actor}&limit=200",
        f"/api/log/density?since={bounds['first'] or day}&until={bounds['last'] or day}&buckets=90",  # the whole story
        "/api/sources",
    ]
    served.answers.clear()  # what finding the ids above kept: every first request below is computed
    results: dict[str, Any] = {}
    for path in paths:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.text[:200])
        # The first request at a head is computed; the server keeps the audit reads' answers until the
        # head moves, so the rest are what a page asking again (or a second analyst) waits for.
        first, again = times[0], sorted(times[1:]) or times
        results[path] = {
            "first_ms": round(first, 2),
            "p50_ms": round(statistics.median(again), 2),
            "p95_ms": round(again[min(len(again) - 1, int(len(again) * 0.95))], 2),
        }
    after = rss_mb()
    store.close()
    return {"endpoints": results, "rss_mb": {"before": round(before, 1), "after": round(after, 1)}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="developments in the synthetic store")
    parser.add_argument("--store", help="measure this store instead of building one")
    parser.add_argument("--repeat", type=int, default=20, help="requests per endpoint")
    parser.add_argument("--actor", help="the actor whose pages are asked for (default: the first listed)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.store or build(Path(tmp), args.n)
        report = {"n": None if args.store else args.n, **measure(url, args.repeat, args.actor)}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

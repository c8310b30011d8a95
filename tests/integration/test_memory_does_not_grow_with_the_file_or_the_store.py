"""Work over a whole file or store holds a page at a time: `append --file`, `verify`, `log` and a
whole-store `export --format jsonl` must not need gigabytes at a million developments. Memory is
measured (peak RSS of a real `chronicle` process, ten times the developments against one), never time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import run_chronicle
from storygen import registrations, strikes, write_jsonl

# The process's own high-water mark (Linux's VmHWM, reset by exec). `ru_maxrss` is not: Linux carries the
# parent's peak over into a child that execs, so a pytest worker grown by an earlier test set a floor
# under every measurement (three commands once "peaked" at the same 72.27 MiB: the worker's size).
_PEAK = (
    "import atexit, resource, runpy, sys\n"
    "def peak():\n"
    "    try:\n"
    "        lines = open('/proc/self/status').read().splitlines()\n"
    "        return int(next(l for l in lines if l.startswith('VmHWM:')).split()[1])\n"
    "    except (OSError, StopIteration):\n"
    "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "atexit.register(lambda: sys.stderr.write(f'peak-kib={peak()}\\n'))\n"
    "sys.argv = ['chronicle', *sys.argv[1:]]\n"
    "runpy.run_module('chronicle.cli.main', run_name='__main__')\n"
)


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text().splitlines()]


def _peak_mib(store_url: str, *args: str) -> float:
    env = dict(os.environ, CHRONICLE_STORE=store_url, NO_COLOR="1")
    done = subprocess.run([sys.executable, "-c", _PEAK, *args], capture_output=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()
    peak = [line for line in done.stderr.decode().splitlines() if line.startswith("peak-kib=")]
    return int(peak[-1].partition("=")[2]) / 1024


def test_appending_ten_times_the_developments_takes_no_more_memory(store, tmp_path: Path):
    assert run_chronicle("init", store_url=store.url).returncode == 0
    small = write_jsonl(tmp_path / "small.jsonl", [*registrations("s", 20), *strikes("s", 2_000, 20)])
    large = write_jsonl(tmp_path / "large.jsonl", [*registrations("l", 20), *strikes("l", 20_000, 20)])
    small_peak = _peak_mib(store.url, "append", "--file", str(small))
    large_peak = _peak_mib(store.url, "append", "--file", str(large))
    # Held whole, 18,000 more developments cost about 100 MiB; streamed, a few.
    assert large_peak - small_peak < 25, (small_peak, large_peak)
    counted = run_chronicle("log", "--json", store_url=store.url)
    assert counted.stdout.count(b'"id"') >= 22_040


def test_verifying_exporting_and_listing_ten_times_the_store_take_no_more_memory(store, tmp_path: Path):
    small, large = store, store.sibling()
    peaks: dict[str, list[float]] = {"verify": [], "export": [], "log": [], "log --known-at": []}
    for ref, count in ((small, 2_000), (large, 20_000)):
        assert run_chronicle("init", store_url=ref.url).returncode == 0
        story = write_jsonl(tmp_path / f"{count}.jsonl", [*registrations("v", 20), *strikes("v", count, 20)])
        assert run_chronicle("append", "--file", str(story), store_url=ref.url).returncode == 0
        assert run_chronicle("replay", store_url=ref.url).returncode == 0  # views built: not measured below
        peaks["verify"].append(_peak_mib(ref.url, "verify"))
        exported = tmp_path / f"{count}-out.jsonl"
        peaks["export"].append(_peak_mib(ref.url, "export", "--format", "jsonl", "-o", str(exported)))
        assert _ids(exported) == _ids(story)  # every development, in record order
        peaks["log"].append(_peak_mib(ref.url, "log", "--json"))
        peaks["log --known-at"].append(_peak_mib(ref.url, "log", "--json", "--known-at", _now()))
    # Held whole, 18,000 more developments cost verify about 100 MiB, export 60, log 80; streamed, a few.
    assert peaks["verify"][1] - peaks["verify"][0] < 25, peaks
    assert peaks["export"][1] - peaks["export"][0] < 25, peaks
    assert peaks["log"][1] - peaks["log"][0] < 25, peaks
    assert peaks["log --known-at"][1] - peaks["log --known-at"][0] < 25, peaks  # reported times read page-wise too

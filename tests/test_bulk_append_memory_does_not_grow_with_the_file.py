"""`append --file` holds a page of developments at a time, not the file: a 1M-line import must not need
gigabytes. Memory is measured (peak RSS of a real `chronicle` process), never time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import run_chronicle
from storygen import registrations, strikes, write_jsonl

_PEAK = (
    "import atexit, resource, runpy, sys\n"
    "atexit.register(lambda: sys.stderr.write(f'peak-kib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n'))\n"
    "sys.argv = ['chronicle', *sys.argv[1:]]\n"
    "runpy.run_module('chronicle.cli.main', run_name='__main__')\n"
)


def _peak_mib(store_url: str, *args: str) -> float:
    env = dict(os.environ, CHRONICLE_STORE=store_url, NO_COLOR="1")
    done = subprocess.run([sys.executable, "-c", _PEAK, *args], capture_output=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()
    peak = [line for line in done.stderr.decode().splitlines() if line.startswith("peak-kib=")]
    return int(peak[-1].partition("=")[2]) / 1024


def test_ten_times_the_developments_take_no_more_memory(store, tmp_path: Path):
    assert run_chronicle("init", store_url=store.url).returncode == 0
    small = write_jsonl(tmp_path / "small.jsonl", [*registrations("s", 20), *strikes("s", 2_000, 20)])
    large = write_jsonl(tmp_path / "large.jsonl", [*registrations("l", 20), *strikes("l", 20_000, 20)])
    small_peak = _peak_mib(store.url, "append", "--file", str(small))
    large_peak = _peak_mib(store.url, "append", "--file", str(large))
    # Held whole, 18,000 more developments cost about 100 MiB; streamed, a few.
    assert large_peak - small_peak < 25, (small_peak, large_peak)
    counted = run_chronicle("log", "--json", store_url=store.url)
    assert counted.stdout.count(b'"id"') >= 22_040

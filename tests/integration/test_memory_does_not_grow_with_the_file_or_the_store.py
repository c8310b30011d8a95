"""Work over a whole file or store holds a page at a time: `append --file`, `verify`, `log` and a
whole-store `export --format jsonl` must not need gigabytes at a million developments. Memory is
measured (peak RSS of a real `chronicle` process, ten times the developments against one), never time."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import peak_mib, run_chronicle
from storygen import registrations, strikes, write_jsonl


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


def _ids(path: Path) -> list[str]:
    lines = path.read_text().splitlines()
    return [json.loads(line)["id"] for line in lines if not line.startswith('{"chronicle_export"')]


def test_appending_ten_times_the_developments_takes_no_more_memory(store, tmp_path: Path):
    assert run_chronicle("init", store_url=store.url).returncode == 0
    small = write_jsonl(tmp_path / "small.jsonl", [*registrations("s", 20), *strikes("s", 2_000, 20)])
    large = write_jsonl(tmp_path / "large.jsonl", [*registrations("l", 20), *strikes("l", 20_000, 20)])
    small_peak = peak_mib(store.url, "append", "--file", str(small))
    large_peak = peak_mib(store.url, "append", "--file", str(large))
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
        peaks["verify"].append(peak_mib(ref.url, "verify"))
        exported = tmp_path / f"{count}-out.jsonl"
        peaks["export"].append(peak_mib(ref.url, "export", "--format", "jsonl", "-o", str(exported)))
        assert _ids(exported) == _ids(story)  # every development, in record order
        peaks["log"].append(peak_mib(ref.url, "log", "--json"))
        peaks["log --known-at"].append(peak_mib(ref.url, "log", "--json", "--known-at", _now()))
    # Held whole, 18,000 more developments cost verify about 100 MiB, export 60, log 80; streamed, a few.
    assert peaks["verify"][1] - peaks["verify"][0] < 25, peaks
    assert peaks["export"][1] - peaks["export"][0] < 25, peaks
    assert peaks["log"][1] - peaks["log"][0] < 25, peaks
    assert peaks["log --known-at"][1] - peaks["log --known-at"][0] < 25, peaks  # reported times read page-wise too

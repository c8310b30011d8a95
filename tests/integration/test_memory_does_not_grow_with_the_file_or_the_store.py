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
    peaks: dict[str, list[float]] = {
        "verify": [],
        "export": [],
        "csv": [],
        "geojson": [],
        "log": [],
        "log --known-at": [],
    }
    for ref, count in ((small, 2_000), (large, 20_000)):
        assert run_chronicle("init", store_url=ref.url).returncode == 0
        story = write_jsonl(tmp_path / f"{count}.jsonl", [*registrations("v", 20), *strikes("v", count, 20)])
        assert run_chronicle("append", "--file", str(story), store_url=ref.url).returncode == 0
        assert run_chronicle("replay", store_url=ref.url).returncode == 0  # views built: not measured below
        peaks["verify"].append(peak_mib(ref.url, "verify"))
        exported = tmp_path / f"{count}-out.jsonl"
        peaks["export"].append(peak_mib(ref.url, "export", "--format", "jsonl", "-o", str(exported)))
        assert _ids(exported) == _ids(story)  # every development, in record order
        table = tmp_path / f"{count}-out.csv"
        peaks["csv"].append(peak_mib(ref.url, "export", "--format", "csv", "-o", str(table)))
        assert table.read_bytes().count(b"\r\n") == count + 21  # the header, and a row per development
        peaks["geojson"].append(peak_mib(ref.url, "export", "--format", "geojson", "-o", str(tmp_path / "map.json")))
        peaks["log"].append(peak_mib(ref.url, "log", "--json"))
        peaks["log --known-at"].append(peak_mib(ref.url, "log", "--json", "--known-at", _now()))
    # Held whole, 18,000 more developments cost verify about 100 MiB, export 60, log 80; streamed, a few.
    assert peaks["verify"][1] - peaks["verify"][0] < 25, peaks
    assert peaks["export"][1] - peaks["export"][0] < 25, peaks
    assert peaks["csv"][1] - peaks["csv"][0] < 25, peaks
    assert peaks["geojson"][1] - peaks["geojson"][0] < 25, peaks
    assert peaks["log"][1] - peaks["log"][0] < 25, peaks
    assert peaks["log --known-at"][1] - peaks["log --known-at"][0] < 25, peaks  # reported times read page-wise too


def test_a_page_too_big_to_hold_is_refused_in_one_line_and_points_to_the_workspace(store, tmp_path: Path):
    assert run_chronicle("init", store_url=store.url).returncode == 0
    story = write_jsonl(tmp_path / "story.jsonl", [*registrations("p", 20), *strikes("p", 5_000, 20)])
    assert run_chronicle("append", "--file", str(story), store_url=store.url).returncode == 0
    for fmt in ("html", "markdown", "timelinejs", "svg"):
        page = tmp_path / f"story.{fmt}"
        refused = run_chronicle("export", "--format", fmt, "-o", str(page), store_url=store.url)
        assert refused.returncode == 2, refused.stderr
        message = refused.stderr.decode().strip()
        assert message.count("\n") == 0 and "more than 5,000 developments" in message, message
        assert "chronicle serve" in message and "--actor" in message
        assert not page.exists()
    narrowed = run_chronicle(
        "export", "--format", "html", "--as-of", "2024-01-01", "-o", str(tmp_path / "p.html"), store_url=store.url
    )
    assert narrowed.returncode == 0, narrowed.stderr

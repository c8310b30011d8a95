"""SIGKILL at the worst moment: a rebuild leaves the old views serving, a bulk append all or nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from storygen import registrations, strikes, write_jsonl


def _start(store_url: str, *args: str, tmp: Path | None = None) -> subprocess.Popen[bytes]:
    env = dict(os.environ, CHRONICLE_STORE=store_url, **({"TMPDIR": str(tmp)} if tmp else {}))
    return subprocess.Popen(
        [sys.executable, "-m", "chronicle.cli.main", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _aside_progress(store) -> int:
    table = "tracking" if store.backend == "sqlite" else "{s}chronicle_tracking"
    try:
        rows = store.sql(f"SELECT notification_id FROM {table} WHERE application_name = 'views-rebuild'")
    except Exception:
        return 0
    return int(rows[0][0]) if rows else 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rpartition(")")[2].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return found


def _gone(pids: list[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [p for p in pids if os.path.exists(f"/proc/{p}") and "Z" not in _state(p)]
        if not alive:
            return True
        time.sleep(0.05)
    return False


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0]
    except OSError:
        return "Z"


@pytest.mark.slow
def test_a_rebuild_killed_midway_leaves_the_old_views_and_the_next_replay_completes(cli, tmp_path):
    cli.ok("init")
    story = write_jsonl(tmp_path / "big.jsonl", [*registrations("k", 50), *strikes("k", 30_000, 50)])
    cli.ok("append", "--file", str(story))
    expected_actors = cli.json("actors")
    expected_strike = cli.json("show", "actor", "k-actor-7")
    scratch = tmp_path / "scratch"  # where the rebuild's processes make their throwaway files
    scratch.mkdir()
    process = _start(cli.store.url, "replay", tmp=scratch)
    deadline = time.monotonic() + 60
    while _aside_progress(cli.store) == 0 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    if process.poll() is not None:
        err = process.stderr.read().decode() if process.stderr else ""
        raise AssertionError(f"the rebuild ended (exit {process.returncode}) before it could be killed: {err}")
    folders = _children(process.pid)  # a log this size is folded in a second process (on 2 cores)
    assert folders or (os.cpu_count() or 1) == 1
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _gone(folders), "the folding process outlived the rebuild it folded for"
    assert list(scratch.iterdir()) == [], "a killed rebuild left throwaway files behind"
    assert 0 < _aside_progress(cli.store) < 30_050  # it really was killed midway
    assert cli.json("show", "actor", "k-actor-7") == expected_strike  # the old views still serve
    assert cli.json("actors") == expected_actors
    result = cli.ok("replay")
    assert "rebuilt every view from 30050 developments" in result.stdout
    assert cli.json("actors") == expected_actors
    assert _aside_progress(cli.store) == 0


@pytest.mark.slow
def test_a_bulk_append_killed_midway_records_all_of_the_file_or_none(cli, tmp_path):
    cli.ok("init")
    cli.ok("append", "--file", str(write_jsonl(tmp_path / "actors.jsonl", registrations("b", 20))))
    outcomes = set()
    for attempt, delay in enumerate((0.4, 0.8, 1.2, 1.6, 2.0, 2.6)):
        batch = write_jsonl(tmp_path / f"batch{attempt}.jsonl", strikes(f"b{attempt}", 10_000, 20))
        process = _start(cli.store.url, "append", "--file", str(batch))
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        recorded = [e["id"] for e in cli.jsonl("log", "--type", "strike") if e["id"].startswith(f"b{attempt}-")]
        assert len(recorded) in (0, 10_000), f"killed after {delay}s: {len(recorded)} of 10000 recorded"
        outcomes.add(len(recorded))
        assert cli.ok("verify").stdout.startswith("OK: ")
    assert json.dumps(sorted(outcomes))  # the kills landed before and/or after the commit; both are whole

"""On a terminal, long work shows a progress bar on stderr; results still go, whole, to stdout."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from storygen import registrations, strikes, write_jsonl


def _run_with_stderr_on_a_terminal(store_url: str, *args: str) -> tuple[int, str, str]:
    leader, follower = pty.openpty()
    env = dict(os.environ, CHRONICLE_STORE=store_url, TERM="xterm")
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "chronicle.cli.main", *args],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done with it
            break
        if not chunk:
            break
        seen += chunk
    stdout = process.stdout.read() if process.stdout else b""
    code = process.wait(timeout=120)
    os.close(leader)
    return code, stdout.decode(), seen.decode(errors="replace")


def test_a_bulk_append_shows_a_bar_and_prints_every_id_to_stdout(store, tmp_path: Path):
    rows = [*registrations("t", 5), *strikes("t", 3_000, 5)]
    path = write_jsonl(tmp_path / "story.jsonl", rows)
    assert _run_with_stderr_on_a_terminal(store.url, "init")[0] == 0
    code, stdout, terminal = _run_with_stderr_on_a_terminal(store.url, "append", "--file", str(path))
    assert code == 0, terminal
    assert "recording" in terminal
    assert stdout.split() == [r["id"] for r in rows]
    assert "t-strike-0" not in terminal  # the bar did not capture what was printed meanwhile


def test_verify_shows_a_bar_on_a_terminal_and_its_verdict_on_stdout(store, tmp_path: Path):
    path = write_jsonl(tmp_path / "story.jsonl", [*registrations("v", 5), *strikes("v", 3_000, 5)])
    assert _run_with_stderr_on_a_terminal(store.url, "init")[0] == 0
    assert _run_with_stderr_on_a_terminal(store.url, "append", "--file", str(path))[0] == 0
    code, stdout, terminal = _run_with_stderr_on_a_terminal(store.url, "verify")
    assert code == 0, terminal
    assert stdout.startswith("OK: 3005 developments (3010 stored events) verified")  # and 5 actor claims
    assert "verifying" in terminal

"""`chronicle project --follow`: the store's projection worker projects what others append, and resumes."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest
from helpers import SEED, run_chronicle

STATEMENT = ["append", "statement", "--occurred", "2024-01-06", "--by", "us", "--source", "Reuters"]


class Worker:
    """A real `chronicle project --follow` process whose stderr lines are read as they come."""

    def __init__(self, url: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "chronicle.cli.main", "project", "--follow", "--interval", "0.1"],
            env=dict(os.environ, CHRONICLE_STORE=url, NO_COLOR="1"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.strip())

    def says(self, expected: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            seen.append(line)
            if line == expected:
                return
        pytest.fail(f"the worker never said {expected!r}; it said {seen}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        assert self.process.wait(timeout=30) == 0
        self.says("chronicle: stopped")


def _append(url: str, text: str) -> None:
    result = run_chronicle(*STATEMENT, "--text", text, "--summary", text, store_url=url)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_the_worker_projects_what_other_processes_append_and_resumes_after_a_stop(store):
    assert run_chronicle("init", store_url=store.url).returncode == 0
    assert run_chronicle("append", "--file", str(SEED), store_url=store.url).returncode == 0
    # A bulk append projects what it recorded itself: nothing of the seed is left for the worker.
    assert run_chronicle("project", store_url=store.url).stdout.decode().strip() == "projected 0 new events"

    worker = Worker(store.url)
    worker.says("chronicle: following the log; Ctrl-C stops")
    _append(store.url, "The U.S. will stay for now.")
    worker.says("chronicle: projected 1 new events")
    worker.stop()

    # Two more while no worker runs: the next one starts where the last stopped, and counts only those.
    _append(store.url, "Talks will resume.")
    _append(store.url, "The committee meets again.")
    worker = Worker(store.url)
    worker.says("chronicle: projected 2 new events")
    worker.stop()

    # Nothing left for a reader to project: the worker's position was tracked with its rows.
    caught_up = run_chronicle("project", store_url=store.url)
    assert caught_up.stdout.decode().strip() == "projected 0 new events"

"""`chronicle project --follow` on PostgreSQL stops on Ctrl-C even when it comes just as the worker
subscribes: eventsourcing's subscription starts its threads before its `with` is entered, and an
interrupt in between once left them running, so the worker never exited."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import SEED, run_chronicle

EARLY_CTRL_C = """
import os, runpy, signal, sys
from eventsourcing import postgres

subscribe = postgres.PostgresSubscription.__init__

def interrupted(self, *args, **kwargs):
    subscribe(self, *args, **kwargs)  # its threads are running now
    os.kill(os.getpid(), signal.SIGINT)  # the user's Ctrl-C, before the worker enters the subscription

postgres.PostgresSubscription.__init__ = interrupted
sys.argv = ["chronicle", "project", "--follow"]
runpy.run_module("chronicle.cli.main", run_name="__main__")
"""


def test_a_ctrl_c_as_the_worker_subscribes_stops_it(store):
    if store.backend != "postgres":
        pytest.skip("only PostgreSQL's recorder can be subscribed to")
    assert run_chronicle("init", store_url=store.url).returncode == 0
    assert run_chronicle("append", "--file", str(SEED), store_url=store.url).returncode == 0
    worker = subprocess.run(
        [sys.executable, "-c", EARLY_CTRL_C],
        env=dict(os.environ, CHRONICLE_STORE=store.url, NO_COLOR="1"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert worker.returncode == 0, worker.stderr
    assert worker.stderr.strip().splitlines()[-1] == "chronicle: stopped"

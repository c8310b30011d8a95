"""Many processes appending at once, readers reading meanwhile: nothing lost, duplicated, or seen out of order."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import PROCESSES

SCRIPT = str(PROCESSES)


def _spawn(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, SCRIPT, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ)
    )


def _finish(process: subprocess.Popen[bytes], timeout: float = 240) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err.decode()[-2000:]
    return out.decode()


@pytest.mark.slow
def test_eight_writers_append_800_developments_and_nothing_is_lost(cli):
    cli.ok("init")
    writers = [f"w{i}" for i in range(8)]
    procs = [_spawn("writer", cli.store.url, w, "100") for w in writers]
    for p in procs:
        _finish(p)
    log = cli.jsonl("log")
    ids = [e["id"] for e in log]
    strikes = [i for i in ids if not i.startswith("shared-")]
    assert len(strikes) == 800
    assert len(set(ids)) == len(ids)
    assert {i for i in ids if i.startswith("shared-")} == {"shared-reg-0", "shared-reg-1", "shared-reg-2"}
    for w in writers:
        assert sorted(i for i in strikes if i.startswith(w + "-")) == [f"{w}-{n:04d}" for n in range(100)]
    assert sum(a["strikes_carried_out"] for a in cli.json("actors")) == 800
    assert cli.ok("verify").stdout.startswith("OK: ")
    before = cli.json("actors")
    cli.ok("replay")
    assert cli.json("actors") == before


@pytest.mark.slow
def test_readers_never_see_a_development_twice_or_a_gap_while_two_writers_append(cli):
    cli.ok("init")
    readers = [_spawn("reader", cli.store.url, "6", "a,b")]
    writers = [_spawn("writer", cli.store.url, w, "150") for w in ("a", "b")]
    for p in writers:
        _finish(p)
    for r in readers:
        out = _finish(r)
        assert out.startswith("reads ")
        assert int(out.split()[1]) > 5
    assert len([e for e in cli.jsonl("log") if e["id"][0] in "ab"]) == 300

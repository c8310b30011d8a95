"""Derived tables heal from any loss on the next read, and readers that catch up or replay at once never
fail: one of them rebuilds while the others wait, and the views verify afterwards."""

from __future__ import annotations

import itertools
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import LATER, run_chronicle

DERIVED = ["view_timeline", "view_entity_index", "view_entities", "tracking"]


def _table(store, name: str) -> str:
    if name == "tracking" and store.backend == "postgres":
        return "{s}chronicle_tracking"
    return "{s}" + name


SUBSETS = [list(c) for n in (1, 2, 4) for c in itertools.combinations(DERIVED, n)]


@pytest.mark.parametrize("dropped", SUBSETS, ids=["+".join(s) for s in SUBSETS])
def test_any_subset_of_derived_tables_heals_on_the_next_read(revised_story, dropped):
    store = revised_story.store
    expected = revised_story.json("show", "actor", "us")
    for name in dropped:
        store.sql(f"DROP TABLE {_table(store, name)}")
    result = revised_story("show", "actor", "us", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == expected
    assert "rebuilding" in result.stderr
    revised_story.ok("verify")


def test_replay_heals_dropped_tables_too(revised_story):
    store = revised_story.store
    for name in DERIVED:
        store.sql(f"DROP TABLE {_table(store, name)}")
    revised_story.ok("replay")
    revised_story.ok("verify")


def _many(n: int) -> bytes:
    lines = [
        {"type": "statement", "id": f"s-{i}", "occurred": "2024-02-01", "summary": f"said {i}", "by": "us", "text": "t"}
        for i in range(n)
    ]
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def _parallel(commands: list[tuple[str, ...]], url: str) -> list[tuple[tuple[str, ...], int, str]]:
    with ThreadPoolExecutor(len(commands)) as pool:
        results = list(pool.map(lambda c: (c, run_chronicle(*c, store_url=url, timeout=90)), commands))
    return [(c, r.returncode, r.stderr.decode()) for c, r in results]


@pytest.mark.slow
def test_readers_that_start_a_rebuild_at_once_all_succeed(revised_story):
    store = revised_story.store
    revised_story.ok("append", "--file", "-", input=_many(6000))
    # New rules: every read now rebuilds; three readers and two replays start together.
    store.sql("UPDATE {s}chronicle_meta SET value = '0' WHERE key = 'views_version'")
    commands = [("show", "actor", "us"), ("log", "--json"), ("actors",), ("replay",), ("replay",)]
    for command, code, stderr in _parallel(commands, store.url):
        assert code == 0, (command, stderr)
        assert "damaged" not in stderr, (command, stderr)
    revised_story.ok("verify")


@pytest.mark.slow
def test_writers_and_readers_side_by_side_lose_nothing_and_verify(revised_story, tmp_path):
    """Bounded in time: two writers import files while readers loop over the read commands."""
    store = revised_story.store
    files = []
    for w in range(2):
        path = tmp_path / f"w{w}.jsonl"
        lines = [
            {
                "type": "statement",
                "id": f"w{w}-{i}",
                "occurred": "2024-03-01",
                "summary": f"w{w} {i}",
                "by": "us",
                "text": "t",
            }
            for i in range(40)
        ]
        path.write_text("".join(json.dumps(line) + "\n" for line in lines))
        files.append(path)
    deadline = time.monotonic() + 8
    reads = [("log",), ("actors",), ("show", "actor", "us"), ("sources",), ("history", "actor", "us"), ("verify",)]

    def reader(offset: int) -> list[str]:
        failures = []
        for command in itertools.islice(itertools.cycle(reads), offset, None):
            if time.monotonic() > deadline:
                return failures
            result = run_chronicle(*command, store_url=store.url, timeout=60)
            if result.returncode != 0:
                failures.append(f"{command}: {result.stderr.decode()}")

    def writer(path) -> int:
        half = path.read_text().splitlines(keepends=True)
        first = path.with_suffix(".a.jsonl")
        second = path.with_suffix(".b.jsonl")
        first.write_text("".join(half[:20]))
        second.write_text("".join(half[20:]))
        return max(
            run_chronicle("append", "--file", str(p), store_url=store.url, timeout=60).returncode
            for p in (first, second)
        )

    with ThreadPoolExecutor(5) as pool:
        readers = [pool.submit(reader, i) for i in range(3)]
        writers = [pool.submit(writer, f) for f in files]
        assert [w.result() for w in writers] == [0, 0]
        failures = [f for r in readers for f in r.result()]
    assert failures == []
    ids = {d["id"] for d in revised_story.jsonl("log")}
    assert {f"w{w}-{i}" for w in range(2) for i in range(40)} <= ids
    revised_story.ok("verify")


def test_the_later_report_still_applies_after_a_heal(story):
    story.store.sql(f"DROP TABLE {_table(story.store, 'view_entities')}")
    story.ok("append", "--file", str(LATER))
    strike = next(d for d in story.jsonl("log") if d["id"] == "us-strike-baghdad")
    assert strike["deaths"] == 2

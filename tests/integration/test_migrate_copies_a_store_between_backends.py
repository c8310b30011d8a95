"""`chronicle migrate` copies every event, in order, with its chain hashes, and verifies the copy."""

from __future__ import annotations

import pytest
from helpers import LATER, SEED, Cli, StoreRef


@pytest.mark.postgres
def test_sqlite_to_postgres_and_back_keeps_every_event_and_the_published_head(tmp_path, store):
    if store.backend != "postgres":
        pytest.skip("needs both backends: runs once, in the postgres parametrisation")
    source = Cli(StoreRef("sqlite", f"sqlite:///{tmp_path / 'source.db'}", path=tmp_path / "source.db"))
    source.ok("init")
    source.ok("append", "--file", str(SEED))
    source.ok("append", "--file", str(LATER))
    published = source.ok("verify", "--root").stdout.strip()
    expected = {"actors": source.json("actors"), "log": source.jsonl("log", "--include-retracted")}

    result = source.ok("migrate", "--from", source.store.url, "--to", store.url)
    assert result.stdout.strip() == published
    assert "copied and verified 32 events" in result.stderr
    target = Cli(store)
    assert target.json("actors") == expected["actors"]
    assert target.jsonl("log", "--include-retracted") == expected["log"]
    assert target.ok("verify", "--against", published).stdout.startswith("OK:")
    target.ok(
        "append", "statement", "--occurred", "2024-01-07", "--summary", "after the move", "--by", "us", "--text", "t"
    )
    assert target.ok("verify").stdout.startswith("OK:")

    back = tmp_path / "back.db"
    again = target.ok("migrate", "--from", store.url, "--to", f"sqlite:///{back}")
    copy = Cli(StoreRef("sqlite", f"sqlite:///{back}", path=back))
    assert copy.json("actors") == target.json("actors")
    assert copy.ok("verify", "--root").stdout.strip() == again.stdout.strip()


def test_migrating_into_a_store_that_has_events_is_refused(tmp_path, story):
    other = tmp_path / "other.db"
    target = Cli(StoreRef("sqlite", f"sqlite:///{other}", path=other))
    target.ok("init")
    target.ok("append", "--file", str(SEED))
    before = target.store.digest()
    result = story("migrate", "--from", story.store.url, "--to", target.store.url)
    assert result.exit_code == 2
    assert "is not empty" in result.stderr
    assert target.store.digest() == before


def test_migrating_a_store_onto_itself_is_refused(story):
    result = story("migrate", "--from", story.store.url, "--to", story.store.url)
    assert result.exit_code == 2
    assert result.stderr.strip() == "chronicle: error: --from and --to name the same store"


def test_migrating_from_a_missing_store_is_a_clear_error(tmp_path, store):
    if store.backend != "sqlite":
        pytest.skip("one backend is enough")
    cli = Cli(store)
    result = cli("migrate", "--from", f"sqlite:///{tmp_path / 'none.db'}", "--to", f"sqlite:///{tmp_path / 'b.db'}")
    assert result.exit_code == 1
    assert "no store at" in result.stderr
    assert not (tmp_path / "b.db").exists()

"""`init --grant-read ROLE` / `--grant-write ROLE` on PostgreSQL: a reader runs every read command and
cannot append; a writer appends; neither needs the owner's role."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from helpers import LATER, PG_URL, SEED, Cli, StoreRef


def _as_role(store: StoreRef, role: str, password: str) -> Cli:
    parts = urlsplit(store.url)
    netloc = f"{role}:{password}@{parts.hostname}:{parts.port}"
    return Cli(StoreRef("postgres", urlunsplit(parts._replace(netloc=netloc)), schema=store.schema))


@pytest.fixture
def roles(store: StoreRef) -> Iterator[tuple[str, str]]:
    """A reader and a writer role with passwords (the test role has CREATEROLE: scripts/start-postgres)."""
    if store.backend != "postgres":
        pytest.skip("database roles are PostgreSQL's")
    tag = uuid.uuid4().hex[:10]
    made = (f"reader_{tag}", f"writer_{tag}")
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        for role in made:
            conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'pw-{tag}'")
    yield made
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        # The schema first: its tables' grants and its default privileges name the roles.
        conn.execute(f'DROP SCHEMA IF EXISTS "{store.schema}" CASCADE')
        for role in made:
            conn.execute(f"DROP ROLE {role}")


def _count(store: StoreRef) -> int:
    rows = store.sql(f'SELECT count(*) FROM "{store.schema}".chronicle_events')
    return int(str(rows[0][0]))


def test_a_reader_runs_the_read_commands_and_cannot_append(cli: Cli, store: StoreRef, roles: tuple[str, str]) -> None:
    reader_role, writer_role = roles
    granted = cli.ok("init", "--grant-read", reader_role, "--grant-write", writer_role)
    assert f"granted read on schema {store.schema} to role {reader_role}" in granted.stderr
    cli.ok("append", "--file", str(SEED))
    cli.ok("project")
    reader = _as_role(store, reader_role, f"pw-{reader_role.split('_')[1]}")
    owner_log = cli.ok("log").stdout
    assert reader.ok("log").stdout == owner_log
    assert reader.ok("show", "actor", "us").stdout == cli.ok("show", "actor", "us").stdout
    for command in (["actors"], ["negotiations"], ["history", "actor", "us"], ["blame", "actor", "us"], ["verify"]):
        reader.ok(*command)
    before, digest = _count(store), store.digest()
    refused = reader("append", "--file", str(LATER))
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and f"role {reader_role} has no grant" in refused.stderr
    assert "--grant-write" in refused.stderr
    assert _count(store) == before and store.digest() == digest
    cli.ok("replay")  # the owner rebuilds the views: new tables, granted by default privileges
    assert reader.ok("log").stdout == owner_log


def test_a_writer_appends_and_a_reader_is_told_its_views_are_behind(
    cli: Cli, store: StoreRef, roles: tuple[str, str]
) -> None:
    reader_role, writer_role = roles
    cli.ok("init", "--grant-read", reader_role, "--grant-write", writer_role)
    cli.ok("append", "--file", str(SEED))
    cli.ok("project")
    tag = reader_role.split("_")[1]
    reader, writer = _as_role(store, reader_role, f"pw-{tag}"), _as_role(store, writer_role, f"pw-{tag}")
    # One development, appended as a single append is (a bulk append would project it itself).
    writer.ok(
        "append", "statement", "--id", "desk-note", "--occurred", "2024-01-06", "--by", "us",
        "--summary", "The desk's note", "--text", "A note", "--source", "Reuters",
    )  # fmt: skip
    behind = reader.ok("log", "--include-retracted")
    assert "views are behind the log" in behind.stderr and "chronicle project" in behind.stderr
    assert "desk-note" not in behind.stdout
    assert reader("verify").exit_code == 1
    writer.ok("project")
    caught_up = reader.ok("log", "--include-retracted")
    assert caught_up.stderr == "" and "desk-note" in caught_up.stdout
    reader.ok("verify")


def test_grants_are_refused_on_sqlite_and_for_a_role_that_does_not_exist(cli: Cli, store: StoreRef) -> None:
    if store.backend == "postgres":
        missing = cli("init", "--grant-read", "nobody_here_at_all")
        assert missing.exit_code == 2 and "no PostgreSQL role 'nobody_here_at_all'" in missing.stderr
    else:
        refused = cli("init", "--grant-read", "desk")
        assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
        assert store.path is not None and not store.path.exists()
    bad = cli("init", "--grant-write", "Desk; DROP")
    assert bad.exit_code == 2 and "a role name is lower-case letters" in bad.stderr

"""PostgreSQL for teams: URLs, passwords from the environment, schemas, and clear connection errors."""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit

import pytest
from helpers import PG_URL, SEED, Cli, StoreRef

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg() -> dict[str, str]:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL: CHRONICLE_TEST_PG is not set")
        pytest.skip("CHRONICLE_TEST_PG not set")
    parts = urlsplit(PG_URL)
    return {
        "user": parts.username or "",
        "password": parts.password or "",
        "host": parts.hostname or "",
        "port": str(parts.port or 5432),
        "db": parts.path.lstrip("/"),
    }


@pytest.fixture
def schema_name() -> str:
    name = f"t_{uuid.uuid4().hex[:10]}"
    yield name
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def _cli(url: str, schema: str) -> Cli:
    return Cli(StoreRef("postgres", url, schema=schema))


def test_wrong_password_names_host_and_database_but_never_the_password(pg):
    url = f"postgresql://{pg['user']}:not-the-password-42@{pg['host']}:{pg['port']}/{pg['db']}"
    result = _cli(url, "x")("actors")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"chronicle: error: cannot use PostgreSQL store {pg['host']}:{pg['port']}/{pg['db']}"
    )
    assert "password authentication failed" in result.stderr
    assert "not-the-password-42" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_server_down_and_missing_database_are_one_line_errors(pg):
    down = _cli(f"postgresql://{pg['user']}:{pg['password']}@127.0.0.1:1/{pg['db']}", "x")("actors")
    assert down.exit_code == 1
    assert "127.0.0.1:1/" in down.stderr and "Connection refused" in down.stderr
    assert pg["password"] not in down.stderr
    missing = _cli(f"postgresql://{pg['user']}:{pg['password']}@{pg['host']}:{pg['port']}/no_such_db", "x")("init")
    assert missing.exit_code == 1
    assert 'database "no_such_db" does not exist' in missing.stderr
    assert pg["password"] not in missing.stderr


def test_password_can_come_from_pgpassword_or_pgpass(pg, schema_name, tmp_path, monkeypatch):
    url = f"postgresql://{pg['user']}@{pg['host']}:{pg['port']}/{pg['db']}?schema={schema_name}"
    cli = _cli(url, schema_name)
    monkeypatch.setenv("PGPASSWORD", pg["password"])
    cli.ok("init")
    monkeypatch.delenv("PGPASSWORD")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{pg['host']}:{pg['port']}:*:{pg['user']}:{pg['password']}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    cli.ok("append", "--file", str(SEED))
    assert cli.json("show", "actor", "us")["id"] == "us"


def test_schemas_keep_several_stores_in_one_database(pg, schema_name):
    other = schema_name + "_b"
    a = _cli(f"{PG_URL}?schema={schema_name}", schema_name)
    b = _cli(f"{PG_URL}?schema={other}", other)
    try:
        a.ok("init")
        b.ok("init")
        a.ok("append", "--file", str(SEED))
        assert len(a.json("actors")) == 8
        assert b.json("actors") == []
        a.ok("init")  # idempotent
        assert len(a.json("actors")) == 8
    finally:
        import psycopg

        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{other}" CASCADE')


def test_an_invalid_schema_name_is_refused(pg):
    result = _cli(f"{PG_URL}?schema=bad;name", "x")("init")
    assert result.exit_code == 2
    assert "invalid schema name" in result.stderr

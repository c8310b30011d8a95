"""An encrypted store: nothing readable in the raw database, everything readable with the key."""

from __future__ import annotations

import base64
import os
import stat

import pytest
from helpers import PG_URL, SEED

SECRETS = [
    b"Iraq moves to end U.S.-led coalition mission",
    b"Reuters",
    b"Tala Ramadan",
    b"The coalition must leave Iraq",
]


@pytest.fixture
def key(tmp_path, monkeypatch) -> str:
    from chronicle.service.settings import new_key

    value = new_key()
    monkeypatch.setenv("CHRONICLE_KEY", value)
    return value


def _raw_bytes(store) -> bytes:
    if store.path is not None:
        data = b""
        for suffix in ("", "-wal", "-shm"):
            path = store.path.with_name(store.path.name + suffix)
            if path.exists():
                data += path.read_bytes()
        return data
    import psycopg

    data = []
    with psycopg.connect(PG_URL) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema=%s", (store.schema,)
            )
        ]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{store.schema}"."{table}"'):
                for value in row:
                    data.append(bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode())
    return b"\n".join(data)


def test_key_new_prints_a_fresh_256_bit_key(cli):
    first = cli.ok("key", "new").stdout.strip()
    second = cli.ok("key", "new").stdout.strip()
    assert len(base64.b64decode(first)) == 32
    assert first != second


def test_nothing_secret_is_in_the_raw_store_but_the_cli_shows_it_with_the_key(cli, key):
    cli.ok("init", "--encrypt")
    cli.ok("append", "--file", str(SEED))
    shown = cli.json("show", "actor", "iran-aligned-groups")
    assert shown["positions"]["coalition-exit"]["text"] == "The coalition must leave Iraq."
    log = cli.jsonl("log")
    assert log[0]["sources"][0]["publisher"] == "Reuters"
    assert cli.ok("verify").stdout.startswith("OK:")
    raw = _raw_bytes(cli.store)
    assert raw, "the store has bytes"
    for secret in SECRETS:
        assert secret not in raw, secret
    assert b"us-strike-baghdad" in raw  # ids stay in clear: the indexes need them


def test_sqlite_store_files_are_the_owners_alone(cli, key):
    if cli.store.path is None:
        pytest.skip("file modes are a SQLite matter")
    cli.ok("init", "--encrypt")
    cli.ok("append", "--file", str(SEED))
    for suffix in ("", "-wal", "-shm"):
        path = cli.store.path.with_name(cli.store.path.name + suffix)
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_no_key_or_a_wrong_key_is_a_one_line_error_and_nothing_is_written(cli, key, monkeypatch):
    cli.ok("init", "--encrypt")
    cli.ok("append", "--file", str(SEED))
    before = cli.store.digest()
    monkeypatch.delenv("CHRONICLE_KEY")
    missing = cli("log")
    assert missing.exit_code == 1
    assert "is encrypted: set CHRONICLE_KEY or pass --key-file" in missing.stderr
    from chronicle.service.settings import new_key

    monkeypatch.setenv("CHRONICLE_KEY", new_key())
    wrong = cli("append", "statement", "--occurred", "2024", "--summary", "s", "--by", "us", "--text", "t")
    assert wrong.exit_code == 1
    assert wrong.stderr.strip().endswith("(wrong key)")
    assert len(wrong.stderr.strip().splitlines()) == 1
    assert cli.store.digest() == before


def test_encrypting_needs_a_key_and_key_files_must_be_private(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("CHRONICLE_KEY", raising=False)
    result = cli("init", "--encrypt")
    assert result.exit_code == 1
    assert "--encrypt needs a key" in result.stderr
    if cli.store.path is not None:
        assert not cli.store.path.exists()
    from chronicle.service.settings import new_key

    key_file = tmp_path / "chronicle.key"
    key_file.write_text(new_key())
    os.chmod(key_file, 0o644)
    loose = cli("init", "--encrypt", "--key-file", str(key_file))
    assert loose.exit_code == 2
    assert f"key file {key_file} is readable by others: chmod 600 {key_file}" in loose.stderr
    os.chmod(key_file, 0o600)
    cli.ok("init", "--encrypt", "--key-file", str(key_file))
    cli.ok("--key-file", str(key_file), "append", "--file", str(SEED))
    assert cli.json("--key-file", str(key_file), "show", "actor", "us")["id"] == "us"

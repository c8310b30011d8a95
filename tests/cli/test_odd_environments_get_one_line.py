"""What a user's environment throws at a command (no postgres extra, a typo in a path, closed stdin, a
full disk on stdout, a bad port, a password that also appears in the message) is one line, never a
traceback, and never a leaked or garbled secret."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import PG_URL, SEED, Cli, StoreRef, run_chronicle


def _shell(command: str, store_url: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    """`chronicle` run through a shell, for redirections a test runner cannot make (`<&-`, `> FULL`)."""
    full = dict(os.environ, CHRONICLE_STORE=store_url, NO_COLOR="1", **env)
    return subprocess.run(
        ["bash", "-c", f"{sys.executable} -m chronicle.cli.main {command}"],
        capture_output=True,
        env=full,
        timeout=120,
        check=False,
    )


def _one_line(stderr: bytes) -> str:
    text = stderr.decode()
    assert "Traceback" not in text, text
    assert len(text.strip().splitlines()) == 1, text
    return text.strip()


@pytest.fixture
def seeded(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert run_chronicle("init", store_url=url).returncode == 0
    assert run_chronicle("append", "--file", str(SEED), store_url=url).returncode == 0
    return url


def test_a_postgres_url_without_the_postgres_extra_says_what_to_install(tmp_path):
    blocked = tmp_path / "blocked"
    for name in ("psycopg", "psycopg_pool"):
        (blocked / name).mkdir(parents=True)
        (blocked / name / "__init__.py").write_text(
            f"raise ModuleNotFoundError(\"No module named '{name}'\", name='{name}')\n"
        )
    result = _shell("actors", "postgresql://someone@localhost/db", PYTHONPATH=str(blocked))
    assert result.returncode == 1
    assert _one_line(result.stderr) == (
        "chronicle: error: PostgreSQL stores need the postgres extra: pip install 'chronicle[postgres]'"
    )


def test_init_into_a_missing_directory_creates_nothing(tmp_path):
    target = tmp_path / "typo" / "deeper" / "store.db"
    result = run_chronicle("init", store_url=f"sqlite:///{target}")
    assert result.returncode == 1
    assert _one_line(result.stderr) == (
        f"chronicle: error: directory {target.parent} does not exist: create it first, or check the path"
    )
    assert not (tmp_path / "typo").exists()


def test_init_of_the_default_store_says_what_it_created(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), NO_COLOR="1")
    env.pop("CHRONICLE_STORE", None)
    result = subprocess.run(
        [sys.executable, "-m", "chronicle.cli.main", "init"], capture_output=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert f"created directory {tmp_path / 'data' / 'chronicle'}" in result.stderr.decode()
    assert (tmp_path / "data" / "chronicle" / "chronicle.db").exists()


def test_append_from_a_closed_stdin_is_one_line(seeded):
    result = _shell("append --file - <&-", seeded)
    assert result.returncode == 2
    assert _one_line(result.stderr) == "chronicle: error: cannot read standard input: it is closed"


@pytest.mark.parametrize(
    "command", ["export --format html", "export --format jsonl", "verify --root", "log", "actors --json", "schema"]
)
def test_a_full_stdout_is_one_line(seeded, command, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    full = tmp_path / "full"  # a full device of our own: the system's is never put at risk
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    result = _shell(f"{command} > {full}", seeded)
    assert result.returncode == 1
    assert _one_line(result.stderr) == "chronicle: error: cannot write the output: No space left on device"


@pytest.mark.parametrize("port", ["abc", "99999", "-1"])
def test_a_postgres_port_that_is_not_a_port_is_one_line(port):
    result = Cli(StoreRef("postgres", f"postgresql://u@localhost:{port}/db"))("actors")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"chronicle: error: the PostgreSQL store URL has an invalid port {port!r}: expected a number from 1 to 65535"
    )


@pytest.fixture
def pg_parts() -> dict[str, str]:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL: CHRONICLE_TEST_PG is not set")
        pytest.skip("CHRONICLE_TEST_PG not set")
    parts = urlsplit(PG_URL)
    return {
        "user": parts.username or "",
        "host": parts.hostname or "",
        "port": str(parts.port or 5432),
        "db": parts.path.lstrip("/"),
    }


@pytest.mark.postgres
@pytest.mark.parametrize("password", ["5432", "ro", "chronicle"])
def test_a_wrong_password_is_masked_where_it_is_not_elsewhere(pg_parts, password):
    p = pg_parts
    result = Cli(StoreRef("postgres", f"postgresql://{p['user']}:{password}@{p['host']}:{p['port']}/{p['db']}"))(
        "actors"
    )
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert message.startswith(f"chronicle: error: cannot use PostgreSQL store {p['host']}:{p['port']}/{p['db']}")
    assert "***" not in message
    assert f'for user "{p["user"]}"' in message and f"port {p['port']}" in message


def test_the_password_field_of_a_url_in_a_message_is_masked():
    from chronicle.service.masking import mask_passwords

    assert mask_passwords("postgresql://me:5432@db:5432/x failed") == "postgresql://me:***@db:5432/x failed"
    assert (
        mask_passwords("host=db password=ro port=5432 dbname=chronicle")
        == "host=db password=*** port=5432 dbname=chronicle"
    )
    assert mask_passwords("port 5432 failed for chronicle_events") == "port 5432 failed for chronicle_events"

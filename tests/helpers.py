"""What the tests share: the stories, where the test data lives, a store under test, and two ways to run the CLI."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
GOLDEN = TESTS / "golden"
PROCESSES = TESTS / "processes.py"
STORIES = ROOT / "service" / "stories"
SEED = STORIES / "seed.jsonl"
LATER = STORIES / "later.jsonl"
PG_URL = os.environ.get("CHRONICLE_TEST_PG", "")

# Schemas made by `StoreRef.sibling`, dropped with the test's own by the `store` fixture.
SIBLING_SCHEMAS: list[str] = []


@dataclass
class StoreRef:
    """A real, empty store for one test: its URL and how to look at its raw tables."""

    backend: str
    url: str
    path: Path | None = None
    schema: str = ""

    def digest(self) -> str:
        """SHA-256 over every row of every table: equal digests mean an unchanged store."""
        h = hashlib.sha256()
        if self.path is not None:
            if not self.path.exists():
                return "absent"
            with sqlite3.connect(self.path) as conn:
                tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
                for table in tables:
                    h.update(table.encode())
                    for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2'):
                        h.update(repr(row).encode())
            conn.close()
            return h.hexdigest()
        import psycopg

        with psycopg.connect(PG_URL) as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema=%s ORDER BY 1",
                    (self.schema,),
                )
            ]
            for table in tables:
                h.update(table.encode())
                for row in conn.execute(f'SELECT * FROM "{self.schema}"."{table}" ORDER BY 1, 2'):
                    h.update(repr(row).encode())
        return h.hexdigest()

    def sibling(self) -> StoreRef:
        """Another empty store on the same backend (for tests that need many, e.g. property tests)."""
        tag = uuid.uuid4().hex[:8]
        if self.path is not None:
            path = self.path.with_name(f"{self.path.stem}-{tag}.db")
            return StoreRef("sqlite", f"sqlite:///{path}", path=path)
        schema = f"{self.schema}_{tag}"
        SIBLING_SCHEMAS.append(schema)
        return StoreRef("postgres", f"{PG_URL}?schema={schema}", schema=schema)

    def sql(self, statement: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        """Run raw SQL against the store (tests that tamper with it); `{events}` names the events table."""
        if self.path is not None:
            statement = statement.replace("{events}", "stored_events").replace("{s}", "").replace("{id}", "rowid")
            with sqlite3.connect(self.path) as conn:
                rows = list(conn.execute(statement, params))
            conn.close()
            return rows
        import psycopg

        statement = statement.replace("{events}", f'"{self.schema}".chronicle_events').replace(
            "{id}", "notification_id"
        )
        statement = statement.replace("{s}", f'"{self.schema}".').replace("?", "%s")
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            cur = conn.execute(statement, params)
            return list(cur.fetchall()) if cur.description else []


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


class Cli:
    """Runs `chronicle` in-process (typer's CliRunner), stdout and stderr kept apart."""

    def __init__(self, store: StoreRef) -> None:
        self.store = store
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | bytes | None = None, store: bool = True) -> Result:
        from chronicle.cli.main import app

        env = {"CHRONICLE_STORE": self.store.url, "NO_COLOR": "1", "COLUMNS": "200"} if store else {"NO_COLOR": "1"}
        result = self.runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    def ok(self, *args: str, input: str | bytes | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == 0, f"exit {result.exit_code}: {result.stderr}"
        return result

    def json(self, *args: str) -> object:
        import json

        return json.loads(self.ok(*args, "--json").stdout)

    def jsonl(self, *args: str) -> list[dict[str, object]]:
        import json

        # JSON Lines split on "\n" only: str.splitlines() would also cut at U+2028 inside a string.
        return [json.loads(line) for line in self.ok(*args, "--jsonl").stdout.split("\n") if line]


def run_chronicle(
    *args: str, store_url: str, input: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """Runs `chronicle` as a real subprocess, as a user would."""
    env = dict(os.environ, CHRONICLE_STORE=store_url, NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "chronicle.cli.main", *args],
        input=input,
        capture_output=True,
        env=env,
        timeout=timeout,
        check=False,
    )


# The process's own high-water mark (Linux's VmHWM, reset by exec). `ru_maxrss` is not: Linux carries the
# parent's peak over into a child that execs, so a pytest worker grown by an earlier test set a floor
# under every measurement (three commands once "peaked" at the same 72.27 MiB: the worker's size).
PEAK_SCRIPT = (
    "import atexit, resource, runpy, sys\n"
    "def peak():\n"
    "    try:\n"
    "        lines = open('/proc/self/status').read().splitlines()\n"
    "        return int(next(l for l in lines if l.startswith('VmHWM:')).split()[1])\n"
    "    except (OSError, StopIteration):\n"
    "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "atexit.register(lambda: sys.stderr.write(f'peak-kib={peak()}\\n'))\n"
    "sys.argv = ['chronicle', *sys.argv[1:]]\n"
    "runpy.run_module('chronicle.cli.main', run_name='__main__')\n"
)


def peak_mib(store_url: str, *args: str) -> float:
    env = dict(os.environ, CHRONICLE_STORE=store_url, NO_COLOR="1")
    done = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, *args], capture_output=True, env=env, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    peak = [line for line in done.stderr.decode().splitlines() if line.startswith("peak-kib=")]
    return int(peak[-1].partition("=")[2]) / 1024

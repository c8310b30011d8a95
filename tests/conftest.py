"""One parametrised fixture runs every store test against a real SQLite file and a real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import LATER, PG_URL, SEED, SIBLING_SCHEMAS, Cli, StoreRef

BACKENDS = [b.strip() for b in os.environ.get("CHRONICLE_TEST_BACKENDS", "sqlite,postgres").split(",") if b.strip()]


def _backend_params() -> list[object]:
    params: list[object] = []
    for name in ("sqlite", "postgres"):
        marks = [pytest.mark.postgres] if name == "postgres" else []
        if name not in BACKENDS:
            marks.append(pytest.mark.skip(reason=f"{name} not in CHRONICLE_TEST_BACKENDS"))
        params.append(pytest.param(name, marks=marks, id=name))
    return params


@pytest.fixture(params=_backend_params())
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreRef]:
    """A fresh, not yet initialised store on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        yield StoreRef("sqlite", f"sqlite:///{path}", path=path)
        return
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL: CHRONICLE_TEST_PG is not set")
        pytest.skip("CHRONICLE_TEST_PG not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield StoreRef("postgres", f"{PG_URL}?schema={schema}", schema=schema)
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        for name in [schema, *SIBLING_SCHEMAS]:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    SIBLING_SCHEMAS.clear()


@pytest.fixture
def cli(store: StoreRef) -> Cli:
    return Cli(store)


@pytest.fixture
def story(cli: Cli) -> Cli:
    """A store holding the seed report (5 Jan 2024)."""
    cli.ok("init")
    cli.ok("append", "--file", str(SEED))
    return cli


@pytest.fixture
def revised_story(story: Cli) -> Cli:
    """The seed report plus the later correction and retraction."""
    story.ok("append", "--file", str(LATER))
    return story

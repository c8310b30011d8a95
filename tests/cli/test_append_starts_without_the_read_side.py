"""Every append is a fresh process: it must not pay for the projections, the renderers or rich."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from helpers import SEED, run_chronicle

APPEND_AND_LIST_MODULES = """
import sys
from chronicle.cli.main import app
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    import json
    print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def test_a_single_append_loads_neither_projections_nor_rich(store):
    assert run_chronicle("init", store_url=store.url).returncode == 0
    assert run_chronicle("append", "--file", str(SEED), store_url=store.url).returncode == 0
    args = ["append", "statement", "--occurred", "2024-01-06", "--by", "us", "--text", "We stay."]
    args += ["--summary", "The U.S. says it stays", "--source", "Reuters"]
    result = subprocess.run(
        [sys.executable, "-c", APPEND_AND_LIST_MODULES, *args],
        env=dict(os.environ, CHRONICLE_STORE=store.url, NO_COLOR="1"),
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert result.stdout.decode().startswith("statement-2024-01-06")
    loaded = json.loads(result.stderr.decode().splitlines()[-1])
    heavy = [
        m
        for m in loaded
        if m.startswith(("chronicle.projections.", "chronicle.integrity.", "chronicle.cli.render", "rich"))
    ]
    # The view store's classes hold the store's own tables (meta, key check), opened with it; gcpause is a
    # few lines of stdlib; the chain's link is what the writer extends in its own transaction. Nothing that
    # folds or renders.
    allowed = {"chronicle.projections.sql", "chronicle.projections.sql.views", "chronicle.projections.sql.sqlite"}
    allowed |= {"chronicle.projections.sql.postgres", "chronicle.projections.gcpause"}
    allowed |= {"chronicle.integrity.chain", "chronicle.integrity.extending"}
    assert set(heavy) <= allowed, heavy
    if store.backend == "sqlite":  # the PostgreSQL driver costs ~70 ms to import: only for PostgreSQL stores
        assert not [m for m in loaded if m.startswith(("psycopg", "eventsourcing.postgres"))]

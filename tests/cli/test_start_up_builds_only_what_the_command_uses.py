"""Every command is a fresh process: its start-up must not build the models, renderers or drivers of others."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import SEED, run_chronicle

RUN_AND_REPORT = """
import sys
sys.argv = ["chronicle", *sys.argv[1:]]
from chronicle.cli.main import main
try:
    main()
except SystemExit:
    pass
finally:
    import json
    from pydantic import BaseModel

    def built(cls):
        found = [cls.__name__] if cls.__dict__.get("__pydantic_complete__") else []
        return found + [name for sub in cls.__subclasses__() for name in built(sub)]

    report = {"modules": sorted(sys.modules), "built": sorted(set(built(BaseModel)))}
    print(json.dumps(report), file=sys.stderr)
"""

# Pulled in by the commands that need them, never by reading a command's help.
HEAVY = (
    "chronicle.domain.developments",
    "chronicle.service.store",
    "chronicle.projections.queries",
    "chronicle.cli.render",
    "eventsourcing",
    "rich",
    "cryptography",
    "psycopg",
    "typer._adapters",  # typer's pydantic adapters for option values
)


def _start(*args: str, store_url: str = "sqlite:///unused.db") -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", RUN_AND_REPORT, *args],
        env=dict(os.environ, CHRONICLE_STORE=store_url, NO_COLOR="1"),
        capture_output=True,
        check=False,
        timeout=120,
    )
    report: dict[str, list[str]] = json.loads(result.stderr.decode().splitlines()[-1])
    return report


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["show", "--help"],
        ["log", "--help"],
        ["history", "--help"],
        ["diff", "--help"],
        ["verify", "--help"],
        ["replay", "--help"],
        ["export", "--help"],
        ["import", "--help"],
        ["key", "--help"],
    ],
)
def test_reading_a_commands_help_loads_no_models_renderers_or_drivers(args):
    loaded = _start(*args)["modules"]
    heavy = [m for m in loaded if m.startswith(HEAVY)]
    assert heavy == [], heavy


def test_the_help_of_one_development_type_builds_no_model_schema():
    report = _start("append", "statement", "--help")
    assert "chronicle.domain.developments" in report["modules"]
    assert report["built"] == []


def test_a_single_append_builds_the_schema_of_its_own_type_only(store):
    assert run_chronicle("init", store_url=store.url).returncode == 0
    assert run_chronicle("append", "--file", str(SEED), store_url=store.url).returncode == 0
    args = ["append", "statement", "--occurred", "2024-01-06", "--by", "us", "--text", "We stay."]
    report = _start(*args, "--summary", "The U.S. says it stays", "--source", "Reuters", store_url=store.url)
    development_types = {
        "ActorRegistered",
        "StrikeCarriedOut",
        "AttackReported",
        "StatementMade",
        "NegotiationOpened",
        "AgreementReached",
        "CorrectionIssued",
    }
    assert set(report["built"]) & development_types == {"StatementMade"}
    assert "typer._adapters" not in report["modules"]  # every option given is text

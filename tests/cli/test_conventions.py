"""Conventions every command keeps: --version, -h, and a closed pipe ending quietly."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import Cli, StoreRef


def test_version_prints_the_installed_version(cli: Cli) -> None:
    from importlib.metadata import version

    result = cli("--version", store=False)
    assert (result.exit_code, result.stdout) == (0, f"chronicle {version('chronicle')}\n")


@pytest.mark.parametrize("args", [["-h"], ["log", "-h"], ["append", "strike", "-h"]])
def test_dash_h_is_help(cli: Cli, args: list[str]) -> None:
    assert cli(*args, store=False).stdout == cli(*args[:-1], "--help", store=False).stdout


@pytest.mark.parametrize("args", [["log"], ["log", "--json"], ["actors", "--json"]])
def test_a_closed_pipe_ends_quietly_with_exit_0(story: Cli, store: StoreRef, args: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first write, as after `| head -0`
    try:
        done = subprocess.run(
            [sys.executable, "-m", "chronicle.cli.main", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=dict(os.environ, CHRONICLE_STORE=store.url, NO_COLOR="1"),
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, b"")


def test_a_type_name_may_be_spelt_with_dashes(story: Cli) -> None:
    args = ["--occurred", "2024-01-05", "--summary", "Dashes", "--actor", "us", "--metric", "troops", "--value", "1"]
    dashed = story.ok("append", "figure-reported", *args, "--id", "dashed")
    assert dashed.stdout.strip() == "dashed"
    assert story.ok("log", "--type", "figure_reported").stdout.count("Dashes") == 1


def test_an_unknown_type_is_refused_with_the_nearest_one(story: Cli) -> None:
    before = story.store.digest()
    result = story("append", "strke", "--by", "us")
    assert (result.exit_code, result.stderr) == (
        2,
        "chronicle: error: no development type 'strke'; did you mean strike?\n",
    )
    assert story.store.digest() == before


def test_append_says_in_one_line_what_it_recorded(cli: Cli) -> None:
    from helpers import SEED

    cli.ok("init")
    first = cli.ok("append", "--file", str(SEED))
    again = cli.ok("append", "--file", str(SEED))
    count = len(first.stdout.split())
    assert first.stderr == f"chronicle: recorded {count} developments, 0 already present\n"
    assert again.stderr == f"chronicle: recorded 0 developments, {count} already present\n"
    assert again.stdout == first.stdout

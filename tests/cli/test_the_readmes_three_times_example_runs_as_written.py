"""The README's "Three times" example, run as written on the demo story: each `$ chronicle ...` line's
output (stdout, then stderr) is what the README shows under it."""

from __future__ import annotations

import re
import shlex

from helpers import LATER, ROOT, SEED, Cli


def _example() -> list[tuple[list[str], str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Three times\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```console\n(.*?)```", section, re.S)
    assert block is not None, "the Three times section has no console block"
    steps: list[tuple[list[str], str]] = []
    for line in block.group(1).splitlines():
        if line.startswith("$ "):
            command = line[2:].split("  #", 1)[0]
            steps.append((shlex.split(command), ""))
        elif steps:
            args, shown = steps[-1]
            steps[-1] = (args, shown + line + "\n")
    return steps


def test_the_example_runs_as_written(cli: Cli) -> None:
    cli.ok("init")
    cli.ok("append", "--as", "demo", "--file", str(SEED))  # what scripts/demo records, as it records it
    cli.ok("append", "--as", "demo", "--file", str(LATER))
    steps = [(args, shown) for args, shown in _example() if args[0] == "chronicle"]
    assert len(steps) >= 4
    for args, shown in steps:
        result = cli(*args[1:])
        assert result.stdout + result.stderr == shown, " ".join(args)


def test_the_demo_negotiation_is_known_the_day_after_its_report(cli: Cli) -> None:
    cli.ok("init")
    cli.ok("append", "--file", str(SEED))
    then = cli.json("show", "negotiation", "coalition-exit", "--as-of", "2024-01-10", "--known-at", "2024-01-06T12:00")
    assert then["status"] == "committee_formed"  # type: ignore[index]
    assert then["times"]["known_by"] == "reported"  # type: ignore[index]
    before = cli("show", "negotiation", "coalition-exit", "--known-at", "2024-01-05T12:00Z")
    assert before.exit_code == 1 and "was not yet in the story" in before.stderr

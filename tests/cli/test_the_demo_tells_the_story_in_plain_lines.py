"""`chronicle demo` is an analyst's first screen: the story it records, told in plain lines."""

from __future__ import annotations

from helpers import Cli


def test_the_demo_ends_by_pointing_at_the_log_on_a_line_of_its_own(cli: Cli) -> None:
    shown = cli("demo", "--store", cli.store.url)
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[-1].startswith("Explore it: chronicle log --store ")
    assert lines[-2] == ""
    assert "\\n" not in shown.stdout  # no escaped newline where a blank line was meant


def test_the_as_reported_play_writes_a_date_only_report_as_its_date(cli: Cli) -> None:
    assert cli("demo", "--store", cli.store.url).exit_code == 0
    steps = [line for line in cli.ok("replay", "--play", "--as-reported").stdout.splitlines() if line[:1] != " "]
    assert steps and all(line.startswith("reported ") for line in steps)
    assert any(line.startswith("reported 2024-01-05  2024-01-05  correction") for line in steps)
    assert not any("23:59:59" in line for line in steps)

"""The CLI as a user meets it: a real process, helpful --help everywhere, one-line usage errors."""

from __future__ import annotations

import json
import re

import pytest
from helpers import SEED, run_chronicle


def _commands() -> list[list[str]]:
    from typer.main import get_command

    from chronicle.cli.main import app

    found: list[list[str]] = []

    def walk(command, path: list[str]) -> None:  # type: ignore[no-untyped-def]
        # Asked as click asks a group (a group may build a subcommand only when it is asked for it).
        for name in command.list_commands(None) if hasattr(command, "list_commands") else []:
            found.append([*path, name])
            walk(command.get_command(None, name), [*path, name])

    walk(get_command(app), [])
    return found


def test_every_command_has_help_with_examples(cli):
    commands = _commands()
    assert ["append", "strike"] in commands and ["verify"] in commands
    groups = {tuple(p[:-1]) for p in commands if len(p) > 1}
    for path in commands:
        result = cli.ok(*path, "--help")
        assert "Usage: chronicle" in result.stdout
        if tuple(path) not in groups and path[0] != "append":
            assert "Example" in result.stdout, f"`chronicle {' '.join(path)} --help` has no example"


def test_a_real_process_appends_and_reads_back(store, tmp_path):
    assert run_chronicle("init", store_url=store.url).returncode == 0
    appended = run_chronicle("append", "--file", "-", store_url=store.url, input=SEED.read_bytes())
    assert appended.returncode == 0, appended.stderr
    assert appended.stdout.decode().split()[0] == "reg-us"
    shown = run_chronicle("show", "actor", "us", "--json", store_url=store.url)
    assert json.loads(shown.stdout)["figures"][0]["value"] == 2500


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "planet", "us"], "chronicle: error: Invalid value for 'kind'"),
        (["log", "--bogus"], "chronicle: error: No such option: --bogus (see `chronicle log --help`)"),
        (["show"], "chronicle: error: Missing argument 'kind'."),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(store, args, message):
    result = run_chronicle(*args, store_url=store.url)
    assert result.returncode == 2
    err = result.stderr.decode()
    assert err.startswith(message), err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_no_color_and_no_tty_mean_plain_text(story):
    result = story.ok("show", "actor", "us")
    assert "\x1b[" not in result.stdout


def _examples(help_text: str) -> list[str]:
    """The example lines a command's help source gives, as written."""
    _, found, rest = help_text.partition("Examples:")
    return [line.strip() for line in rest.splitlines() if found and line.strip() not in ("", "\b")]


def test_help_examples_print_as_written_on_an_80_column_terminal():
    from typer.main import get_command
    from typer.testing import CliRunner

    from chronicle.cli.main import app

    root = get_command(app)
    checked = 0
    for path in [[], *_commands()]:
        command = root
        for name in path:
            command = command.get_command(None, name)  # type: ignore[attr-defined]
        result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80", "NO_COLOR": "1"}, terminal_width=80)
        shown = {line.strip() for line in result.stdout.splitlines()}
        for line in shown:
            if line.startswith("-"):  # an option: say what its value is (DATE, ACTOR), not a Python type
                assert not re.search(r"<(str|int|float|list)", line), f"`chronicle {' '.join(path)} --help`: {line}"
        for example in _examples(command.help or ""):
            assert example in shown, f"`chronicle {' '.join(path)} --help` rewraps the example {example!r}"
            checked += 1
    assert checked > 40


@pytest.mark.parametrize("kind", ["actor", "negotiation"])
def test_lists_keep_ids_and_rows_whole_when_piped_to_another_tool(story, kind):
    from chronicle.cli.main import app

    ids = [view["id"] for view in story.json(f"{kind}s")]
    env = {"CHRONICLE_STORE": story.store.url, "NO_COLOR": "1", "COLUMNS": "80"}
    shown = story.runner.invoke(app, [f"{kind}s"], env=env).stdout.splitlines()
    assert len(shown) == 1 + len(ids)  # a header, then one line per entity, so `grep` and `cut` work
    assert [line.split()[0] for line in shown[1:]] == ids


def test_typed_append_help_names_every_allowed_value(cli):
    from chronicle.domain.fields import ActorKind, Confidence, Stance

    help_of = {
        kind: " ".join(cli.ok("append", kind, "--help").stdout.split())
        for kind in ("actor_registered", "position_taken")
    }
    assert "--kind KIND one of " + ", ".join(k.value for k in ActorKind) in help_of["actor_registered"]
    assert "--position POSITION one of " + ", ".join(s.value for s in Stance) in help_of["position_taken"]
    levels = ", ".join(f"{c.value} (default)" if c is Confidence.reported else c.value for c in Confidence)
    assert f"--confidence CONFIDENCE one of {levels}" in help_of["position_taken"]


def test_building_only_the_named_command_changes_no_help_and_no_usage_error():
    from typer.main import get_command
    from typer.testing import CliRunner

    from chronicle.cli.main import _named, app

    runner = CliRunner()
    env = {"COLUMNS": "100", "NO_COLOR": "1"}
    for path in [[], *_commands()]:
        for args in ([*path, "--help"], [*path, "--no-such-flag"]):
            slim = _named(app, args)
            if path:  # only what the arguments name is built
                assert len(get_command(slim).commands) == 1, path  # type: ignore[attr-defined]
            expected = runner.invoke(app, args, prog_name="chronicle", env=env)
            got = runner.invoke(slim, args, prog_name="chronicle", env=env)
            assert (got.exit_code, got.stdout, got.stderr) == (expected.exit_code, expected.stdout, expected.stderr)


def test_log_reads_the_same_through_a_pipe_as_rich_prints_it(revised_story):
    import io

    from chronicle.cli import render
    from chronicle.projections import queries
    from chronicle.service.settings import parse_store_url
    from chronicle.service.store import Store

    hostile = "[bold]not markup[/bold] :fire: \x1b[31mred\x1b[0m \\ back\tafter a tab"
    revised_story.ok(
        "append", "statement", "--occurred", "2024-01-06", "--by", "us", "--text", "t", "--summary", hostile
    )
    with Store.open(parse_store_url(revised_story.store.url)) as store:
        entries = store.query(lambda v, c: queries.log(v, c, queries.LogFilter(include_retracted=True)))
    styled, plain = io.StringIO(), io.StringIO()
    console = render.safe_console()  # what `log` prints through, here onto a pipe
    console.file = styled
    assert not console.is_terminal
    render.styled_timeline(console, entries)
    console.file = plain
    render.plain_timeline(console, entries)
    assert plain.getvalue() == styled.getvalue()
    assert "[bold]not markup[/bold] :fire: \\x1b[31mred\\x1b[0m \\ back" in plain.getvalue()
    assert "RETRACTED by" in plain.getvalue() and "corrected by" in plain.getvalue()


def test_plain_lines_read_the_same_through_a_pipe_as_rich_prints_them():
    import io

    from chronicle.cli import render

    hostile = [
        "[bold]not markup[/bold] :fire: \x1b[31mred\x1b[0m \\ back",
        "  indented\ttab and trailing space ",
        "line\u2028separator, é, 漢字, \x7f, \x00\tafter a tab",
        "",
    ]
    printed, written = render.safe_console(), render.safe_console()
    printed.file, written.file = io.StringIO(), io.StringIO()
    assert not printed.is_terminal
    for line in hostile * 1500:  # more than one batch of a thousand
        printed.print(line, markup=False)
    written.lines(hostile * 1500)
    assert written.file.getvalue() == printed.file.getvalue()

"""The PNG and SVG charts can be read by a person: marks labelled by what happened (the best corroborated
first when crowded), the year on every tick, phases shaded on their negotiation's row, and one figure
charted over time for each actor reporting it. The SVG keeps all of it as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from helpers import DATA, Cli

FIGURES = DATA / "coalition_figures.jsonl"


def _texts(svg: bytes) -> list[str]:
    return [node.text or "" for node in ET.fromstring(svg).iter() if node.tag.endswith("text")]


def _svg(cli: Cli, tmp_path: Path, *args: str) -> bytes:
    target = tmp_path / "chart.svg"
    cli.ok("export", *args, "-o", str(target))
    return target.read_bytes()


def test_the_timeline_names_its_events_and_every_tick_its_year(story: Cli, tmp_path: Path) -> None:
    texts = _texts(_svg(story, tmp_path))
    assert any(text.startswith("A U.S. strike in Baghdad") for text in texts)
    assert any(text.startswith("The U.S. has 2,500 troops") for text in texts)
    ticks = [text for text in texts if text.endswith(" 2024") and text[:2].isdigit()]
    assert len(ticks) >= 3, texts
    assert "committee formed" in {text.strip() for text in texts}  # the phase, named inside its span


def test_a_figure_is_charted_over_time_for_each_actor_and_scope(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    cli.ok("append", "--file", str(FIGURES))
    texts = _texts(_svg(cli, tmp_path, "--figure", "troops"))
    assert " United States (iraq): 1,500" in texts and " United States (syria): 1,000" in texts
    assert {"2020", "2022", "2024", "2026"} <= set(texts)
    assert {"5,200", "3,000", "2,500"} <= set(texts)
    assert any(text.startswith("Troops over time") for text in texts)
    iraq = _texts(_svg(cli, tmp_path, "--figure", "troops:iraq"))
    assert " United States: 1,500" in iraq and not any("syria" in t.lower() for t in iraq)


def test_a_figure_chart_carries_its_head_and_proves_itself(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    cli.ok("append", "--file", str(FIGURES))
    target = tmp_path / "troops.png"
    cli.ok("export", "--figure", "troops:iraq", "-o", str(target))
    assert cli.ok("verify", "--export", str(target)).exit_code == 0
    timeline = tmp_path / "timeline.png"
    cli.ok("export", "-o", str(timeline))
    assert timeline.read_bytes() != target.read_bytes()


def test_an_unknown_figure_is_refused_naming_those_the_story_has(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    cli.ok("append", "--file", str(FIGURES))
    before = cli.store.digest()
    target = tmp_path / "deaths.png"
    result = cli("export", "--figure", "deaths", "-o", str(target))
    assert (result.exit_code, result.stderr) == (
        2,
        "chronicle: error: --figure deaths: no such figure in the story; figures it has: troops:iraq, troops:syria\n",
    )
    assert not target.exists() and cli.store.digest() == before


def test_a_figure_is_refused_in_a_format_that_is_not_a_chart(cli: Cli) -> None:
    cli.ok("init")
    result = cli("export", "--figure", "troops", "--format", "csv")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "chronicle: error: --figure charts a figure as png or svg, not as csv\n",
    )

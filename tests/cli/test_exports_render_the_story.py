"""`chronicle export`: tables, TimelineJS, HTML and charts of the story, as believed, escaped, stable."""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from helpers import GOLDEN, Cli

from chronicle.exports import markdown, page, stamp, timelinejs
from chronicle.exports.story import Item, build_story
from chronicle.service.interchange import parse_development

UPDATE = bool(os.environ.get("CHRONICLE_UPDATE_GOLDEN"))


def _export(cli: Cli, tmp_path: Path, *args: str, name: str = "out") -> bytes:
    target = tmp_path / name
    cli.ok("export", *args, "-o", str(target))
    return target.read_bytes()


@pytest.mark.parametrize(
    "fmt, golden",
    [
        ("markdown", "demo-story.md"),
        ("timelinejs", "demo-story.timeline.json"),
    ],
)
def test_story_exports_match_their_golden_files(revised_story: Cli, tmp_path: Path, fmt: str, golden: str) -> None:
    stamped = _export(revised_story, tmp_path, "--format", fmt)
    produced = stamp.without(stamped)  # the head's hash differs from run to run: it covers record times
    found = stamp.find(stamped) or stamp.read_side_file((tmp_path / f"out{stamp.SIDE_SUFFIX}").read_bytes())
    assert found is not None and found.format == fmt and found.position > 0 and len(found.hash) == 64
    assert (found.as_of, found.known_at, found.recorded_at, found.actor, found.negotiation) == (None,) * 5
    if UPDATE:
        (GOLDEN / golden).write_bytes(produced)
    assert produced == (GOLDEN / golden).read_bytes(), "regenerate with CHRONICLE_UPDATE_GOLDEN=1 if intended"


def test_csv_has_one_row_per_development_with_corrections_applied_and_retractions_marked(
    revised_story: Cli, tmp_path: Path
) -> None:
    rows = list(csv.DictReader(io.StringIO(_export(revised_story, tmp_path, "--format", "csv").decode())))
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == 21
    by_id = {r["id"]: r for r in rows}
    assert by_id["attacks-on-us-personnel"]["date"] == "2024-01"
    assert by_id["attacks-on-us-personnel"]["precision"] == "month"
    assert by_id["us-strike-baghdad"]["status"] == "corrected by strike-toll-revised"
    assert by_id["unverified-retaliation-claim"]["status"] == "retracted by retaliation-claim-retracted"
    assert by_id["us-strike-baghdad"]["actors"] == "us; iran-aligned-groups; militia-leader"
    assert by_id["us-strike-baghdad"]["sources"].startswith("Reuters: \u201cIraq moves to end")


def test_export_narrows_to_an_actor_a_date_and_what_was_known(revised_story: Cli, tmp_path: Path) -> None:
    def ids(*args: str) -> list[str]:
        text = _export(revised_story, tmp_path, "--format", "csv", *args).decode()
        return [r["id"] for r in csv.DictReader(io.StringIO(text))]

    assert ids("--actor", "Pentagon") == ["reg-pentagon", "pentagon-answered-attacks"]
    as_of = ids("--as-of", "2024-01-04")
    assert "us-strike-baghdad" in as_of
    assert "coalition-exit-opened" not in as_of and "attacks-on-us-personnel" not in as_of
    recorded = {e["id"]: e["recorded"] for e in revised_story.jsonl("log", "--include-retracted")}
    before = datetime.fromisoformat(str(recorded["strike-toll-revised"])) - timedelta(microseconds=1)
    # The seed's sources were all published on 5 Jan 2024: only the record time tells the two sittings apart.
    held = ("--recorded-at", before.isoformat())
    timeline = json.loads(_export(revised_story, tmp_path, "--format", "timelinejs", *held))
    events = {e["unique_id"]: e for e in timeline["events"]}
    assert "strike-toll-revised" not in events and "retaliation-claim-retracted" not in events
    assert "<strong>deaths</strong>: 1<" in events["us-strike-baghdad"]["text"]["text"]
    assert not events["unverified-retaliation-claim"]["text"]["headline"].startswith("[Retracted]")


def test_output_format_follows_the_file_extension(revised_story: Cli, tmp_path: Path) -> None:
    assert _export(revised_story, tmp_path, name="story.md").startswith(b"# Chronicle timeline\n")
    assert json.loads(_export(revised_story, tmp_path, name="story.json"))["events"]
    assert _export(revised_story, tmp_path, name="story.html").startswith(b"<!DOCTYPE html>")


HOSTILE = [
    {
        "type": "actor_registered", "id": "reg-x", "occurred": "2024-02-01", "actor": "x",
        "summary": "<img src=x onerror=alert(1)> enters", "name": "<b>X</b> & \"Y\"", "kind": "person",
    },
    {
        "type": "statement", "id": "hostile", "occurred": "2024-02-02", "by": "x",
        "summary": "</script><script>alert(1)</script> | *not bold* [link](http://evil)",
        "text": "=HYPERLINK(\"http://evil\")",
        "sources": [{"publisher": "<i>Pub</i>", "url": "javascript:alert(1)", "title": "</style>"}],
    },
    {
        "type": "statement", "id": "formula", "occurred": "2024-02-03", "by": "x",
        "summary": "=1+1", "text": "plain",
    },
]  # fmt: skip


@pytest.fixture
def hostile_story(cli: Cli) -> Cli:
    cli.ok("init")
    cli.ok("append", "--file", "-", input="\n".join(json.dumps(d) for d in HOSTILE))
    return cli


def test_every_format_escapes_text_as_data(hostile_story: Cli, tmp_path: Path) -> None:
    page = _export(hostile_story, tmp_path, "--format", "html", "--title", "<b>Title</b>").decode()
    assert (
        page.count("<script") == 5
    )  # the data, the outlines, vis-timeline, the map (leaflet, topojson, ours), the page
    assert "<title>&lt;b&gt;Title&lt;/b&gt;</title>" in page and "<b>Title" not in page
    for raw in ("</script><script>alert(1)", "<img src=x", "<b>X</b>", "<i>Pub</i>", "</style>\u201d"):
        assert raw not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the static table
    assert 'href="javascript' not in page and '"url":"javascript' not in page
    markdown = _export(hostile_story, tmp_path, "--format", "markdown").decode()
    assert "\\<img src=x onerror=alert(1)\\>" in markdown
    assert "\\| \\*not bold\\* \\[link\\](http://evil)" in markdown
    rows = list(csv.DictReader(io.StringIO(_export(hostile_story, tmp_path, "--format", "csv").decode())))
    assert [r["summary"] for r in rows if r["id"] == "formula"] == ["'=1+1"]
    timeline = json.loads(_export(hostile_story, tmp_path, "--format", "timelinejs"))
    event = next(e for e in timeline["events"] if e["unique_id"] == "hostile")
    assert event["text"]["headline"].startswith("&lt;/script&gt;")
    assert event["group"] == "&lt;b&gt;X&lt;/b&gt; &amp; &quot;Y&quot;"
    assert event["media"] == {
        "url": "",
        "credit": "&lt;i&gt;Pub&lt;/i&gt;: \u201c&lt;/style&gt;\u201d, javascript:alert(1)",
    }


def test_charts_are_deterministic_png_and_svg(revised_story: Cli, tmp_path: Path) -> None:
    png = _export(revised_story, tmp_path, "--format", "png", name="a.png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    assert _export(revised_story, tmp_path, "--format", "png", name="b.png") == png
    svg = _export(revised_story, tmp_path, "--format", "svg", name="a.svg")
    assert _export(revised_story, tmp_path, "--format", "svg", name="b.svg") == svg
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert b"<dc:date>" not in svg


@pytest.mark.parametrize(
    "args, code, message",
    [
        (("--format", "csv", "--actor", "nobody"), 1, "no actor called 'nobody'"),
        (("--format", "jsonl", "--negotiation", "nothing"), 1, "no negotiation called 'nothing'"),
        (("--format", "csv", "--as-of", "2024-13-01"), 2, "--as-of: invalid date"),
        (("--format", "csv", "--known-at", "yesterday"), 2, "--known-at: invalid timestamp"),
        ((), 2, "pass --format"),
        (("--format", "html", "-o", "/nonexistent-dir/story.html"), 1, "cannot write /nonexistent-dir/story.html"),
    ],
)
def test_bad_export_requests_fail_with_one_line_and_write_nothing(
    revised_story: Cli, tmp_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    revised_story.ok("log")  # views caught up: a failed export must change nothing at all
    before = revised_story.store.digest()
    target = tmp_path / "story.txt"
    result = revised_story("export", *args, *(() if "-o" in args else ("-o", str(target))))
    assert result.exit_code == code
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not target.exists() and list(tmp_path.glob(".*.tmp")) == []
    assert revised_story.store.digest() == before


# -- pure: negotiation phases and deadlines, without a store ------------------------------------------


def _items(lines: list[dict[str, object]]) -> list[Item]:
    return [Item(parse_development(d), n) for n, d in enumerate(lines, start=1)]


def _dev(type_: str, ident: str, occurred: str, summary: str, **fields: object) -> dict[str, object]:
    return {"type": type_, "id": ident, "occurred": occurred, "summary": summary, **fields}


NEGOTIATION = [
    _dev("actor_registered", "r-a", "2024-01-01", "A", actor="a", name="A", kind="state"),
    _dev(
        "negotiation_opened",
        "n1",
        "2024-01-01",
        "Talks open",
        negotiation="t",
        title="Talks",
        parties=["a"],
        subject="s",
    ),
    _dev("committee_formed", "n2", "2024-01-03", "Committee", negotiation="t", convened_by="a", mandate="m"),
    _dev("talks_held", "n3", "2024-01-05", "Round 1", negotiation="t", parties=["a"]),
    _dev(
        "agreement_reached",
        "n4",
        "2024-01-10",
        "Deal",
        negotiation="t",
        terms="x",
        deadlines=[{"milestone": "handover", "due": "2024-02-01"}, {"milestone": "withdrawal", "due": "2024-03"}],
    ),
    _dev("milestone_completed", "n5", "2024-02-05", "Handed over", negotiation="t", milestone="handover"),
    _dev("negotiation_suspended", "n6", "2024-02-10", "Paused", negotiation="t"),
    _dev("negotiation_resumed", "n7", "2024-02-20", "Back", negotiation="t"),
]


def test_negotiation_phases_and_deadlines_follow_its_status() -> None:
    items = _items(NEGOTIATION)
    story = build_story(items, items)
    phases = [(p.status, p.start.isoformat(), p.end.isoformat(), p.ongoing) for p in story.phases]
    assert phases == [
        ("opened", "2024-01-01", "2024-01-02", False),
        ("committee_formed", "2024-01-03", "2024-01-04", False),
        ("in_talks", "2024-01-05", "2024-01-09", False),
        ("agreed", "2024-01-10", "2024-02-04", False),
        ("implementing", "2024-02-05", "2024-02-09", False),
        ("suspended", "2024-02-10", "2024-02-19", False),
        ("implementing", "2024-02-20", "2024-02-20", True),
    ]
    marks = {m.milestone: (m.due.text, m.state) for m in story.deadlines}
    assert marks == {"handover": ("2024-02-01", "completed 2024-02-05 (late)"), "withdrawal": ("2024-03", "pending")}
    data = page.timeline_data(story)
    assert sum(1 for i in data["items"] if "phase" in i["className"].split()) == 7
    deadlines = [i for i in data["items"] if i["className"].startswith("deadline ") or i["className"] == "deadline"]
    assert sorted(i["start"] for i in deadlines) == ["2024-02-01T12:00:00", "2024-03-31T12:00:00"]
    assert date.fromisoformat(data["window"]["end"]) > date(2024, 3, 31)
    assert len(timelinejs.to_timelinejs(story)["eras"]) == 7
    assert "- Deadline: handover, due 2024-02-01, completed 2024-02-05 (late)" in markdown.to_markdown(story)


def test_a_retracted_development_leaves_no_trace_in_phases() -> None:
    items = _items(NEGOTIATION[:4])
    retracted = [Item(i.development, i.position, retracted_by="x" if i.id == "n3" else None) for i in items]
    story = build_story(retracted, retracted)
    assert [p.status for p in story.phases] == ["opened", "committee_formed"]


def test_export_from_a_store_that_does_not_exist_fails_cleanly(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "story.html"
    result = cli("export", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith("chronicle: error: ") and len(result.stderr.splitlines()) == 1
    assert not target.exists()


def test_the_first_and_last_days_of_the_calendar_render_in_every_format(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    cli.ok("append", "actor_registered", "--actor", "us", "--name", "US", "--kind", "state", "--occurred", "0001",
           "--summary", "US enters")  # fmt: skip
    cli.ok("append", "--allow-future", "strike", "--by", "us", "--occurred", "9999-12-31", "--summary", "The last day",
           "--source", "AP", "--published", "9999-12-31")  # fmt: skip
    cli.ok("append", "--allow-future", "statement", "--by", "us", "--occurred", "9999", "--summary", "The last year",
           "--text", "Said.")  # fmt: skip
    for fmt in ("html", "svg", "png", "markdown", "timelinejs", "csv", "geojson", "jsonl"):
        body = _export(cli, tmp_path, "--format", fmt, name=f"edge.{fmt}")
        assert body, fmt
    assert "The last day" in cli.ok("log", "--known-at", "9999-12-31").stdout

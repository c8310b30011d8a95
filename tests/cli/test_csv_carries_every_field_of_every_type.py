"""CSV export: one row per development with every field of every type, its header a documented contract."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

from helpers import GOLDEN, ROOT, Cli

from chronicle.domain.developments import TYPES
from chronicle.exports import csvfile, stamp

UPDATE = bool(os.environ.get("CHRONICLE_UPDATE_GOLDEN"))
ORIGINAL = "date,precision,type,id,summary,actors,negotiations,sources,confidence,status"
PLACED = [
    {"type": "actor_registered", "id": "reg-x", "occurred": "2024-02-01", "actor": "x", "summary": "X enters", "name": "X", "kind": "state"},
    {
        "type": "strike", "id": "placed", "occurred": "2024-02-02", "until": "2024-02-03", "by": "x",
        "summary": "X strikes", "deaths": 3, "injured": 4, "location": "near the port", "tags": ["maritime"],
        "reported": "2024-02-04T08:00Z",
        "place": {"name": "Hodeidah", "country": "YE", "admin1": "Al Hudaydah", "lat": 14.8, "lon": 42.95, "precision": 2},
        "sources": [{"publisher": "AP", "url": "https://ap.example/1", "published": "2024-02-03"}, {"publisher": "AFP"}],
    },
]  # fmt: skip


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def _masked(data: bytes) -> bytes:
    """The export with what this store chose masked: when it recorded each development, and who did (the
    OS user, or the PostgreSQL role, when no analyst is named)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    header = rows[0]
    recorded, by, reported, stated = (
        header.index(n) for n in ("recorded", "recorded_by", "reported", "reported_stated")
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows[1:]:
        row[recorded], row[by] = "<recorded>", "<recorded_by>"
        if not row[stated]:
            row[reported] = "<recorded>"
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def test_the_header_keeps_the_original_columns_first_and_matches_its_golden_file(story: Cli, tmp_path: Path) -> None:
    story.ok("export", "--format", "csv", "-o", str(tmp_path / "s.csv"))
    header = (tmp_path / "s.csv").read_bytes().split(b"\r\n")[0].decode()
    assert header.startswith(ORIGINAL + ",")
    golden = GOLDEN / "csv-columns.txt"
    if UPDATE:
        golden.write_text("\n".join(header.split(",")) + "\n")
    assert header.split(",") == golden.read_text().splitlines(), "regenerate with CHRONICLE_UPDATE_GOLDEN=1"


def test_the_demo_story_rows_match_their_golden_file(revised_story: Cli, tmp_path: Path) -> None:
    target = tmp_path / "story.csv"
    revised_story.ok("export", "--format", "csv", "-o", str(target))
    found = stamp.read_side_file(Path(str(target) + stamp.SIDE_SUFFIX).read_bytes())
    assert found is not None and found.format == "csv" and found.position > 0
    produced = _masked(target.read_bytes())
    if UPDATE:
        (GOLDEN / "demo-story.csv").write_bytes(produced)
    assert produced == (GOLDEN / "demo-story.csv").read_bytes(), "regenerate with CHRONICLE_UPDATE_GOLDEN=1"


def test_every_column_is_documented_once_in_order() -> None:
    text = (ROOT / "docs" / "exports.md").read_text()
    block = text.split("<!-- csv-columns")[1].split("<!-- /csv-columns -->")[0]
    documented = re.findall(r"^- `([a-z_0-9]+)`: \S", block, flags=re.MULTILINE)
    assert documented == list(csvfile.CSV_COLUMNS)


def test_every_field_of_every_type_has_a_column() -> None:
    assert csvfile.uncovered_fields(TYPES) == []
    assert len(set(csvfile.CSV_COLUMNS)) == len(csvfile.CSV_COLUMNS)


def test_a_placed_development_carries_its_place_sources_and_times(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    cli.ok("append", "--file", "-", input="\n".join(json.dumps(d) for d in PLACED))
    cli.ok("export", "--format", "csv", "-o", str(tmp_path / "p.csv"))
    row = {r["id"]: r for r in _rows((tmp_path / "p.csv").read_bytes())}["placed"]
    logged = {e["id"]: e for e in cli.jsonl("log")}["placed"]
    assert {k: row[k] for k in ("until", "deaths", "injured", "location", "tags", "by")} == {
        "until": "2024-02-03", "deaths": "3", "injured": "4", "location": "near the port", "tags": "maritime", "by": "x",
    }  # fmt: skip
    assert [row[c] for c in csvfile.PLACE_COLUMNS] == ["Hodeidah", "YE", "Al Hudaydah", "14.8", "42.95", "2"]
    assert row["source_publishers"] == "AP; AFP" and row["source_urls"] == "https://ap.example/1; "
    assert row["source_published"] == "2024-02-03; "
    assert row["reported_stated"] == "2024-02-04T08:00Z" and row["reported"] == "2024-02-04T08:00:00Z"
    assert row["recorded"] == logged["recorded"] and row["recorded_by"] == logged["recorded_by"]

"""`export --format geojson`: one point per placed development, its head embedded and proved by verify."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import Cli

from chronicle.exports import stamp

PLACED = [
    {"type": "actor_registered", "id": "reg-x", "occurred": "2024-02-01", "actor": "x", "summary": "X enters", "name": "X", "kind": "state"},
    {"type": "actor_registered", "id": "reg-y", "occurred": "2024-02-01", "actor": "y", "summary": "Y enters", "name": "Y", "kind": "armed_group"},
    {
        "type": "strike", "id": "port-strike", "occurred": "2024-02-02", "until": "2024-02-03", "by": "x", "targets": ["y"],
        "summary": "X strikes the port", "tags": ["maritime"], "confidence": "confirmed",
        "place": {"name": "Hodeidah", "country": "YE", "lat": 14.8, "lon": 42.95, "precision": 1},
        "sources": [{"publisher": "AP"}, {"publisher": "AFP"}],
    },
    {
        "type": "attack", "id": "base-attack", "occurred": "2024-02-04", "by": "y", "targets": ["x"],
        "summary": "Y attacks a base", "place": {"name": "Al Asad", "country": "IQ", "lat": 33.8, "lon": 42.44},
    },
    {"type": "statement", "id": "unplaced", "occurred": "2024-02-05", "by": "x", "summary": "X speaks", "text": "No."},
    {
        "type": "attack", "id": "withdrawn", "occurred": "2024-02-06", "by": "y", "summary": "A claimed attack",
        "place": {"name": "Erbil", "country": "IQ", "lat": 36.19, "lon": 44.01},
    },
    {"type": "retraction", "id": "withdrawn-retracted", "occurred": "2024-02-07", "target": "withdrawn", "summary": "Withdrawn", "reason": "unconfirmed"},
]  # fmt: skip


def _placed(cli: Cli) -> Cli:
    cli.ok("init")
    cli.ok("append", "--file", "-", input="\n".join(json.dumps(d) for d in PLACED))
    return cli


def test_each_placed_development_is_a_point_with_its_properties(cli: Cli, tmp_path: Path) -> None:
    _placed(cli)
    target = tmp_path / "story.geojson"
    cli.ok("export", "-o", str(target))  # the format from the extension
    document = json.loads(target.read_bytes())
    assert document["type"] == "FeatureCollection"
    logged = [e for e in cli.jsonl("log") if (e.get("place") or {}).get("lat") is not None]
    features = document["features"]
    assert [f["id"] for f in features] == [e["id"] for e in logged] == ["port-strike", "base-attack"]
    for feature, entry in zip(features, logged, strict=True):
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        assert feature["geometry"]["coordinates"] == [entry["place"]["lon"], entry["place"]["lat"]]
        props = feature["properties"]
        assert (props["id"], props["type"], props["occurred"], props["summary"]) == (
            entry["id"], entry["type"], entry["occurred"], entry["summary"],
        )  # fmt: skip
        assert props["until"] == entry.get("until") and props["tags"] == entry.get("tags", [])
        assert props["confidence"] == entry["confidence"]
        assert (props["place_name"], props["place_country"]) == (entry["place"]["name"], entry["place"]["country"])
    assert features[0]["properties"]["actors"] == ["x", "y"] and features[0]["properties"]["sources"] == 2
    found = stamp.find(target.read_bytes())
    assert found is not None and found.format == "geojson"
    assert document[stamp.KEY]["head"]["position"] == found.position


def test_verify_proves_an_untouched_geojson_and_fails_one_changed_character(cli: Cli, tmp_path: Path) -> None:
    _placed(cli)
    target = tmp_path / "map.geojson"
    cli.ok("export", "--format", "geojson", "-o", str(target))
    result = cli.ok("verify", "--export", str(target))
    assert result.stdout.startswith(f"OK: {target} is exactly the geojson export of head ")
    text = target.read_bytes()
    target.write_bytes(text.replace(b"Hodeidah", b"Hodeidaj", 1))
    failed = cli("verify", "--export", str(target))
    assert failed.exit_code == 3 and "is not the geojson export of head" in failed.stderr
    assert "Hodeidaj" in failed.stderr


def test_a_story_without_places_is_an_empty_collection(story: Cli, tmp_path: Path) -> None:
    target = tmp_path / "none.geojson"
    story.ok("export", "-o", str(target))
    document = json.loads(target.read_bytes())
    assert document["features"] == [] and stamp.KEY in document
    story.ok("verify", "--export", str(target))

"""GeoJSON (RFC 7946): one Point feature per development placed on a map, as believed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, BinaryIO

import orjson

from chronicle.exports.stamp import KEY
from chronicle.exports.story import Item, Names, Story


def to_geojson(story: Story) -> dict[str, Any]:
    """A FeatureCollection of the developments with a point (`place.lat`/`lon`), in story order.

    Retracted developments are left out: a map shows where things are believed to have happened.
    Coordinates are [longitude, latitude], WGS 84, as RFC 7946 orders them."""
    found = (feature(story, item) for item in story.items)
    return {"type": "FeatureCollection", "features": [f for f in found if f is not None]}


def write_geojson(items: Iterable[Item], names: Names, stamp: dict[str, Any], out: BinaryIO) -> None:
    """`to_geojson` with the stamp under `KEY`, streamed a feature at a time: the same bytes as dumping
    the whole collection with a two-space indent, holding one feature."""
    out.write(b'{\n  "type": "FeatureCollection",\n  "features": [')
    written = 0
    for item in items:
        found = feature(names, item)
        if found is None:
            continue
        out.write((b",\n" if written else b"\n") + _indented(orjson.dumps(found, option=orjson.OPT_INDENT_2), 4))
        written += 1
    out.write(b"\n  ]" if written else b"]")
    out.write(f',\n  "{KEY}": '.encode() + _indented(orjson.dumps(stamp, option=orjson.OPT_INDENT_2), 2)[2:])
    out.write(b"\n}\n")


def _indented(text: bytes, spaces: int) -> bytes:
    pad = b" " * spaces
    return b"\n".join(pad + line for line in text.split(b"\n"))


def feature(names: Names, item: Item) -> dict[str, Any] | None:
    """One development as a Point feature, or None when it has no point or is retracted."""
    d = item.development
    place = d.place
    if place is None or place.lat is None or place.lon is None or item.retracted_by is not None:
        return None
    return {
        "type": "Feature",
        "id": item.id,
        "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
        "properties": {
            "id": item.id,
            "type": item.kind,
            "occurred": d.occurred,
            "until": d.until,
            "summary": d.summary,
            "actors": names.actor_ids(d),
            "place_name": place.name,
            "place_country": place.country,
            "place_admin1": place.admin1,
            "place_precision": place.precision,
            "tags": list(d.tags),
            "confidence": d.confidence.value,
            "sources": len(d.sources),
            "corrected_by": list(item.corrected_by),
        },
    }

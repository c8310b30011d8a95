"""GeoJSON (RFC 7946): one Point feature per development placed on a map, as believed."""

from __future__ import annotations

from typing import Any

from chronicle.exports.story import Story


def to_geojson(story: Story) -> dict[str, Any]:
    """A FeatureCollection of the developments with a point (`place.lat`/`lon`), in story order.

    Retracted developments are left out: a map shows where things are believed to have happened.
    Coordinates are [longitude, latitude], WGS 84, as RFC 7946 orders them."""
    features = []
    for item in story.items:
        d = item.development
        place = d.place
        if place is None or place.lat is None or place.lon is None or item.retracted_by is not None:
            continue
        features.append(
            {
                "type": "Feature",
                "id": item.id,
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {
                    "id": item.id,
                    "type": item.kind,
                    "occurred": d.occurred,
                    "until": d.until,
                    "summary": d.summary,
                    "actors": story.actor_ids(d),
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
        )
    return {"type": "FeatureCollection", "features": features}

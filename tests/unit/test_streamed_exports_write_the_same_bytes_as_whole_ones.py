"""CSV and GeoJSON are streamed a row or a feature at a time; what they write is byte for byte what the
whole-story renderers give, for any mix of placed and unplaced, corrected and retracted developments."""

from __future__ import annotations

import io

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle.exports import csvfile, geojson
from chronicle.exports.stamp import KEY
from chronicle.exports.story import Item, Registered, build_story
from chronicle.projections.stored import parse_development

STAMP = {"format": "geojson", "head": "12:abc", "as_of": None, "title": "A story"}


def _strike(n: int, placed: bool, lat: float) -> Item:
    body = {
        "type": "strike",
        "id": f"strike-{n}",
        "occurred": f"2024-01-{1 + n % 28:02d}",
        "summary": f'Strike {n}, "quoted"\nand =formula',
        "by": "us",
        "targets": ["militia"],
        "sources": [{"publisher": "Reuters", "url": "https://example.org/a"}],
    }
    if placed:
        body["place"] = {"name": "Baghdad", "country": "IQ", "lat": lat, "lon": 44.36}
    return Item(development=parse_development(body), position=n, recorded="2024-01-05T00:00:00Z", recorded_by="ana")


stories = st.lists(
    st.tuples(st.booleans(), st.floats(-90, 90, allow_nan=False), st.booleans(), st.booleans()), max_size=12
)


@given(stories, st.integers(1, 4))
@settings(max_examples=60, deadline=None)
def test_streamed_csv_and_geojson_equal_the_whole_renderers(shape, rows_per_write) -> None:
    items = []
    for n, (placed, lat, corrected, retracted) in enumerate(shape):
        item = _strike(n, placed, lat)
        if corrected or retracted:
            item = Item(
                development=item.development,
                position=item.position,
                corrected_by=("fix-1",) if corrected else (),
                retracted_by="gone-1" if retracted else None,
                recorded=item.recorded,
                recorded_by=item.recorded_by,
            )
        items.append(item)
    story = build_story(items, items, title="A story")
    names = Registered(frozenset({"us", "militia"}), frozenset())

    table = io.BytesIO()
    csvfile.write_csv(items, names, table, rows_per_write=rows_per_write)
    assert table.getvalue() == csvfile.to_csv(story).encode()

    streamed = io.BytesIO()
    geojson.write_geojson(items, names, STAMP, streamed)
    whole = geojson.to_geojson(story)
    whole[KEY] = STAMP
    assert streamed.getvalue() == orjson.dumps(whole, option=orjson.OPT_INDENT_2) + b"\n"
    assert orjson.loads(streamed.getvalue())["features"] == whole["features"]

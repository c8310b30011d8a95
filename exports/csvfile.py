"""CSV: one row per development, every field of every type, spreadsheet formulas neutralised.

The columns are a public contract (documented one per line in docs/exports.md): the first ten are the
original table; every field of every development type follows, so no field is lost. A type without a
field leaves its cell empty. Lists are joined with "; "; per-source columns keep one entry per source, in
source order (empty where that source lacks the field), so the n-th entries of each belong together.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from chronicle.domain.developments import Deadline, Development, Source
from chronicle.domain.reported import parse_moment, spoken, stated_report
from chronicle.exports.story import Item, Names, Story
from chronicle.exports.text import source_text, status_text, value_text

BASE_COLUMNS = (
    "date", "precision", "type", "id", "summary", "actors", "negotiations",
    "sources", "confidence", "status",
)  # fmt: skip

# Columns taken from a development field of the same name (absent from a type: an empty cell).
FIELD_COLUMNS = (
    "until", "tags", "responds_to",
    "by", "actor", "name", "kind", "aliases", "aligned_with", "part_of",
    "targets", "location", "killed", "deaths", "injured", "count", "stated_reason",
    "text", "about",
    "metric", "value", "scope", "as_of",
    "negotiation", "title", "parties", "subject", "convened_by", "members", "mandate",
    "round", "outcome", "position", "terms", "deadlines", "supersedes", "milestone",
    "reason", "target", "changes", "source",
)  # fmt: skip

PLACE_COLUMNS = ("place_name", "place_country", "place_admin1", "place_lat", "place_lon", "place_precision")
SOURCE_COLUMNS = (
    "source_publishers", "source_titles", "source_authors", "source_urls", "source_published", "source_ids",
)  # fmt: skip
TIME_COLUMNS = ("reported", "reported_stated", "recorded", "recorded_by", "corrected_by", "retracted_by")

CSV_COLUMNS = BASE_COLUMNS + FIELD_COLUMNS + PLACE_COLUMNS + SOURCE_COLUMNS + TIME_COLUMNS

# Development fields the columns above carry under another name, or not as a field column.
_ELSEWHERE = {"id", "type", "occurred", "summary", "sources", "confidence", "place", "reported"}


def _cell(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _text(value: Any) -> str:
    """A field's value as one cell: lists joined with "; ", deadlines as `milestone: due`."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, Deadline):
        return f"{value.milestone}: {value.due}"
    if isinstance(value, dict):
        return value_text(value)
    if hasattr(value, "value") and isinstance(value.value, str):  # enums
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _per_source(sources: list[Source], pick: Callable[[Source], Any]) -> str:
    if not sources:
        return ""
    return "; ".join(_text(pick(s)) for s in sources)


def _reported(d: Development, recorded: str) -> tuple[str, str]:
    """When it became public (its `reported`, else its sources' earliest `published`, else when recorded),
    and that time as written, empty when the record time stands in."""
    stated = stated_report(d.__dict__)
    if stated is not None:
        return spoken(parse_moment(stated)), stated
    return recorded, ""


def row_of(story: Names, item: Item) -> list[str]:
    """One development's cells, in `CSV_COLUMNS` order (formulas not yet neutralised)."""
    d = item.development
    fields = d.__dict__
    place = d.place
    reported, stated = _reported(d, item.recorded)
    cells = [
        d.occurred,
        d.when.precision,
        item.kind,
        item.id,
        d.summary,
        "; ".join(story.actor_ids(d)),
        "; ".join(story.negotiation_ids(d)),
        "; ".join(source_text(s) for s in d.sources),
        d.confidence.value,
        status_text(item),
    ]
    cells += [_text(fields.get(name)) for name in FIELD_COLUMNS]
    cells += [
        _text(getattr(place, name)) if place is not None else ""
        for name in ("name", "country", "admin1", "lat", "lon", "precision")
    ]
    cells += [
        _per_source(d.sources, lambda s: s.publisher),
        _per_source(d.sources, lambda s: s.title),
        _per_source(d.sources, lambda s: ", ".join(s.authors)),
        _per_source(d.sources, lambda s: s.url),
        _per_source(d.sources, lambda s: s.published),
        _per_source(d.sources, lambda s: s.id),
    ]
    cells += [reported, stated, item.recorded, item.recorded_by, "; ".join(item.corrected_by), item.retracted_by or ""]
    return cells


def uncovered_fields(types: dict[str, type[Development]]) -> list[str]:
    """`type.field` for every development field no column carries (none: every field is exported)."""
    carried = set(FIELD_COLUMNS) | _ELSEWHERE
    return [f"{kind}.{name}" for kind, cls in types.items() for name in cls.model_fields if name not in carried]


def to_csv(story: Story) -> str:
    """One row per development (RFC 4180, CRLF line ends), story order."""
    out = io.BytesIO()
    write_csv(story.items, story, out)
    return out.getvalue().decode("utf-8")


def write_csv(items: Iterable[Item], names: Names, out: BinaryIO, *, rows_per_write: int = 1_000) -> None:
    """`to_csv`, streamed: rows are written as they come, a thousand at a time, so a story of any size
    holds one batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for count, item in enumerate(items, 1):
        writer.writerow([_cell(value) for value in row_of(names, item)])
        if count % rows_per_write == 0:
            out.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue().encode("utf-8"))

"""CSV: one row per development, spreadsheet formulas neutralised."""

from __future__ import annotations

import csv
import io

from chronicle.exports.story import Story
from chronicle.exports.text import source_text, status_text

CSV_COLUMNS = (
    "date", "precision", "type", "id", "summary", "actors", "negotiations",
    "sources", "confidence", "status",
)  # fmt: skip


def _cell(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(story: Story) -> str:
    """One row per development (RFC 4180, CRLF line ends), story order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in story.items:
        d = item.development
        when = d.when
        row = [
            d.occurred,
            when.precision,
            item.kind,
            item.id,
            d.summary,
            "; ".join(story.actor_ids(d)),
            "; ".join(story.negotiation_ids(d)),
            "; ".join(source_text(s) for s in d.sources),
            d.confidence.value,
            status_text(item),
        ]
        writer.writerow([_cell(str(value)) for value in row])
    return out.getvalue()

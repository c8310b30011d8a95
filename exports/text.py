"""Text every format shares: dates, sources, revision marks, values."""

from __future__ import annotations

import re
from typing import Any

import orjson

from chronicle.domain.dates import FuzzyDate
from chronicle.domain.developments import (
    Source,
)
from chronicle.exports.story import Item

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def display_date(when: FuzzyDate) -> str:
    """`4 January 2024`, `January 2024` or `2024`, by precision."""
    if when.precision == "day":
        return f"{when.start.day} {_MONTHS[when.start.month - 1]} {when.start.year}"
    if when.precision == "month":
        return f"{_MONTHS[when.start.month - 1]} {when.start.year}"
    return str(when.start.year)


def source_text(source: Source) -> str:
    """`Reuters: "Title", A. Author, 2024-01-05, https://...`."""
    parts = []
    if source.title:
        parts.append(f"\u201c{source.title}\u201d")
    if source.authors:
        parts.append(", ".join(source.authors))
    if source.published:
        parts.append(source.published)
    if source.url:
        parts.append(source.url)
    return f"{source.publisher}: {', '.join(parts)}" if parts else source.publisher


def status_text(item: Item) -> str:
    marks = []
    if item.corrected_by:
        marks.append(f"corrected by {', '.join(item.corrected_by)}")
    if item.retracted_by:
        marks.append(f"retracted by {item.retracted_by}")
    return "; ".join(marks)


def safe_url(url: str | None) -> str | None:
    if url and re.match(r"^https?://", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()

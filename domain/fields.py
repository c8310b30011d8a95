"""The plain values a development is made of: ids, texts, dates, counts, stances, confidence.

Part of the interchange format's public contract, as the developments themselves are.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

from chronicle.domain.dates import FuzzyDate

MAX_TEXT = 20_000
MAX_SHORT = 1_000
MAX_ITEMS = 1_000
MAX_SOURCES = 100  # sources of one development; also authors of one source and aliases of one actor
MAX_COUNT = 2**53 - 1  # largest integer (deaths, injured, round, figure value) a JSON reader keeps exactly

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,127}$"),
    Field(description="lower-case id: letters, digits, '-', '_', '.'; at most 128 characters"),
]


def _no_nul(text: str) -> str:
    # PostgreSQL text cannot hold U+0000: a stored NUL would break every later read of the views.
    if "\x00" in text:
        raise ValueError("contains a NUL character (U+0000)")
    return text


ShortText = Annotated[str, StringConstraints(min_length=1, max_length=MAX_SHORT), AfterValidator(_no_nul)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT), AfterValidator(_no_nul)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]


def _check_date(text: str) -> str:
    if not text.isascii():  # `\d` would also take other scripts' digits (fullwidth, Arabic-Indic) into ids
        raise ValueError(f"invalid date {text!r}: expected YYYY-MM-DD, YYYY-MM or YYYY")
    FuzzyDate.parse(text)
    return text.strip()


DateText = Annotated[
    str,
    StringConstraints(max_length=10),
    AfterValidator(_check_date),
    Field(description="YYYY-MM-DD, YYYY-MM or YYYY; the precision is kept", examples=["2024-01-04"]),
]
Slugs = Annotated[list[Slug], Field(max_length=MAX_ITEMS)]


def refs(fields: tuple[str, ...], data: Mapping[str, Any]) -> list[str]:
    """The ids held in these fields of a development (its model's fields, or its stored JSON)."""
    found: list[str] = []
    for name in fields:
        value = data.get(name)
        if isinstance(value, str):
            found.append(value)
        elif value:
            found.extend(value)
    return found


class Confidence(StrEnum):
    confirmed = "confirmed"
    reported = "reported"
    claimed = "claimed"
    disputed = "disputed"


class ActorKind(StrEnum):
    state = "state"
    government = "government"
    military = "military"
    armed_group = "armed_group"
    coalition = "coalition"
    organization = "organization"
    person = "person"


class Stance(StrEnum):
    demands = "demands"
    supports = "supports"
    opposes = "opposes"
    neutral = "neutral"


class EndOutcome(StrEnum):
    concluded = "concluded"
    expired = "expired"
    withdrawn = "withdrawn"
    collapsed = "collapsed"

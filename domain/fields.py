"""The plain values a development is made of: ids, texts, dates, counts, stances, confidence.

Part of the interchange format's public contract, as the developments themselves are.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from chronicle.domain.dates import FuzzyDate
from chronicle.domain.reported import check_moment

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
# Numbers and flags are strict: `true`, `"3"` or `2.0` for a count is a mistake in the file, not a 3.
Count = Annotated[int, Field(strict=True, ge=0, le=MAX_COUNT)]
Flag = Annotated[bool, Field(strict=True)]


def a_number(value: Any) -> Any:
    """A JSON number as it is: a flag or a quoted number is refused, not read as one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("number_type", "Input should be a valid number")
    return value


# Ways people write a date, tried only to suggest the format's spelling of a date that is refused.
_WRITTEN_DATES = (
    ("%d %B %Y", "%Y-%m-%d"),
    ("%d %b %Y", "%Y-%m-%d"),
    ("%B %d %Y", "%Y-%m-%d"),
    ("%B %d, %Y", "%Y-%m-%d"),
    ("%b %d, %Y", "%Y-%m-%d"),
    ("%Y/%m/%d", "%Y-%m-%d"),
    ("%Y.%m.%d", "%Y-%m-%d"),
    ("%Y%m%d", "%Y-%m-%d"),
    ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"),
    ("%Y-%m-%dT%H:%M", "%Y-%m-%d"),
    ("%B %Y", "%Y-%m"),
    ("%b %Y", "%Y-%m"),
    ("%Y/%m", "%Y-%m"),
)


def _spelled_as_date(text: str) -> str | None:
    """The format's spelling of a date written another way (`5 January 2024`: `2024-01-05`), if it is one."""
    from datetime import datetime

    for written, spelled in _WRITTEN_DATES:
        try:
            return datetime.strptime(text.strip(), written).strftime(spelled)
        except ValueError:
            continue
    return None


def _check_date(value: Any) -> Any:
    """A date as the format spells it, else one error naming what was given and how to write it."""
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "not a date", {"hint": "2024-01-05"})
    reason = "use YYYY-MM-DD, YYYY-MM or YYYY"
    # `\d` would also take other scripts' digits (fullwidth, Arabic-Indic) into ids
    if value.isascii() and len(value) <= 10:
        try:
            FuzzyDate.parse(value)
            return value
        except ValueError as error:
            reason = str(error).rpartition(": ")[2]
    if reason.startswith("expected"):
        reason = "use YYYY-MM-DD, YYYY-MM or YYYY"
    if (spelled := _spelled_as_date(value)) is not None:
        reason = f"use {spelled}"
    raise PydanticCustomError("date_invalid", "not a date", {"reason": reason})


DateText = Annotated[
    str,
    StringConstraints(max_length=10),
    AfterValidator(str.strip),
    BeforeValidator(_check_date),  # last, so it runs first: a refused date is named as a date
    Field(description="YYYY-MM-DD, YYYY-MM or YYYY; the precision is kept", examples=["2024-01-04"]),
]
Slugs = Annotated[list[Slug], Field(max_length=MAX_ITEMS)]
MomentText = Annotated[
    str,
    StringConstraints(max_length=40),
    AfterValidator(check_moment),
    Field(
        description="YYYY-MM-DD (counted from the end of that day; YYYY-MM and YYYY likewise) or an ISO 8601 "
        "date-time with offset",
        examples=["2024-01-05", "2024-01-05T14:30Z"],
    ),
]


def absent(value: object) -> bool:
    """Whether an optional field is unset (pydantic `exclude_if`): such a field is left out of the JSON."""
    return value is None


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

"""Dates with precision: a development happened on a day, in a month, or in a year."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

Precision = Literal["day", "month", "year"]

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class FuzzyDate:
    """A calendar interval named by `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the text is kept as written."""

    start: date
    end: date
    precision: Precision
    text: str

    @classmethod
    @functools.lru_cache(maxsize=8192)  # immutable, and a log has few distinct dates: folds parse each often
    def parse(cls, text: str) -> FuzzyDate:
        match = _PATTERN.match(text.strip()) if isinstance(text, str) else None
        if not match:
            raise ValueError(f"invalid date {text!r}: expected YYYY-MM-DD, YYYY-MM or YYYY")
        year_s, month_s, day_s = match.groups()
        year = int(year_s)
        if year < 1:
            raise ValueError(f"invalid date {text!r}: year out of range")
        try:
            if day_s is not None:
                day = date(year, int(month_s), int(day_s))
                return cls(day, day, "day", text.strip())
            if month_s is not None:
                month = int(month_s)
                last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
                return cls(date(year, month, 1), date(year, month, last), "month", text.strip())
        except ValueError:
            raise ValueError(f"invalid date {text!r}: no such day or month") from None
        return cls(date(year, 1, 1), date(year, 12, 31), "year", text.strip())

    def __str__(self) -> str:
        return self.text


def parse_day(text: str) -> date:
    """A full `YYYY-MM-DD` date, as command-line flags such as `--as-of` take it."""
    fuzzy = FuzzyDate.parse(text)
    if fuzzy.precision != "day":
        return fuzzy.end
    return fuzzy.start


def parse_instant(text: str) -> datetime:
    """An ISO 8601 timestamp; no offset means UTC; a date alone means the end of that day."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max, tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"invalid timestamp {text!r}: expected ISO 8601, e.g. 2024-01-05T12:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def shifted(day: date, delta: timedelta) -> date:
    """`day` moved by `delta`, held within the calendar (years 1 to 9999) rather than overflowing."""
    try:
        return day + delta
    except OverflowError:
        return date.max if delta > timedelta(0) else date.min


def end_of_day(day: date) -> datetime:
    """The last microsecond of `day`, UTC (31 December 9999 included: no next day to count back from)."""
    return datetime.combine(day, time.max, tzinfo=UTC)

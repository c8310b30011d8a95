"""The third time of a development: when it was reported (became public), beside when it occurred in the
world and when this store recorded it. Pure.

A development's reported time is its `reported`, else the earliest `published` of its open sources, else
its record time. A date (or month, or year) counts from the end of that period: a report dated 5 January
is known from the last moment of that day. A confidential source's `published` is sealed with its key and
does not count: the reported time is kept in clear beside the development, where it would give it away.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chronicle.domain.dates import FuzzyDate, end_of_day

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(?P<offset>Z|[+-]\d{2}(:?\d{2})?)?$")
EXPECTED = "expected YYYY-MM-DD or an ISO 8601 date-time with offset, e.g. 2024-01-05T14:30Z"


@functools.lru_cache(maxsize=8192)  # immutable, and a log has few distinct report times
def parse_moment(text: str) -> datetime:
    """The instant a `reported` or `published` text names: a date-time with its offset, or the end of
    the day, month or year a date names."""
    if not isinstance(text, str) or not text.isascii():
        raise ValueError(f"invalid time {text!r}: {EXPECTED}")
    stripped = text.strip()
    match = _DATE_TIME.match(stripped)
    if match is None:
        try:
            return end_of_day(FuzzyDate.parse(stripped).end)
        except ValueError:
            raise ValueError(f"invalid time {text!r}: {EXPECTED}") from None
    if match["offset"] is None:
        raise ValueError(f"time {text!r} has no offset: add Z (UTC) or +HH:MM")
    try:
        return datetime.fromisoformat(stripped.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        raise ValueError(f"invalid time {text!r}: no such day or time") from None


def check_moment(text: str) -> str:
    """A `reported` or `published` text, checked (pydantic validator)."""
    parse_moment(text)
    return text.strip()


def stated_report(data: Mapping[str, Any]) -> str | None:
    """The text that sets a development's reported time, as written: its `reported`, else the earliest
    `published` of its open sources; None when it has neither (its record time then counts)."""
    reported = data.get("reported")
    if reported:
        return str(reported)
    earliest: tuple[datetime, str] | None = None
    for item in data.get("sources") or ():
        source = item if isinstance(item, Mapping) else item.__dict__  # a JSON object, or a `Source` model
        published = source.get("published")
        if not published or source.get("confidential"):
            continue
        moment = parse_moment(published)
        if earliest is None or moment < earliest[0]:
            earliest = (moment, str(published))
    return None if earliest is None else earliest[1]


def reported_time(data: Mapping[str, Any], recorded: datetime) -> datetime:
    """When a development (its JSON object, or a model's `__dict__`) became public knowledge."""
    stated = stated_report(data)
    return recorded if stated is None else parse_moment(stated)


def future_fields(data: Mapping[str, Any], now: datetime) -> list[str]:
    """The fields of a development that lie after `now`: `occurred` (its period starts after today),
    `reported` and its open sources' `published` (after this instant; a date counts from its start)."""
    today = now.astimezone(UTC).date()
    found: list[str] = []
    occurred = data.get("occurred")
    if isinstance(occurred, str) and FuzzyDate.parse(occurred).start > today:
        found.append(f"occurred {occurred}")
    reported = data.get("reported")
    if isinstance(reported, str) and _starts_after(reported, now):
        found.append(f"reported {reported}")
    for source in data.get("sources") or ():
        published = source.get("published")
        if isinstance(published, str) and not source.get("confidential") and _starts_after(published, now):
            found.append(f"published {published}")
            break
    return found


def _starts_after(text: str, now: datetime) -> bool:
    """Whether a time text names a moment (or a period starting) after `now`."""
    if _DATE_TIME.match(text.strip()):
        return parse_moment(text) > now
    return FuzzyDate.parse(text).start > now.astimezone(UTC).date()


@dataclass(frozen=True)
class Horizon:
    """What a reader could know: what was reported by `reported`, among what this store held at
    `recorded` (None: no limit on that time)."""

    reported: datetime | None = None
    recorded: datetime | None = None

    def __bool__(self) -> bool:
        return self.reported is not None or self.recorded is not None

    def admits(self, reported: datetime, recorded: datetime) -> bool:
        """Whether a development reported and recorded at these times is known within this horizon."""
        if self.recorded is not None and recorded > self.recorded:
            return False
        return self.reported is None or reported <= self.reported

    def describe(self) -> str:
        """`known at T` (as reported by then) and/or `recorded at T` (what the store held), for messages."""
        parts = []
        if self.reported is not None:
            parts.append(f"known at {spoken(self.reported)}")
        if self.recorded is not None:
            parts.append(f"recorded at {spoken(self.recorded)}")
        return " and ".join(parts)


def iso(moment: datetime) -> str:
    """A time in the one fixed-width form the views store, so text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def spoken(moment: datetime) -> str:
    """A time as a person writes it: a date-only instant (its day's last microsecond) as the date, else UTC
    to the second."""
    utc = moment.astimezone(UTC)
    if (utc.hour, utc.minute, utc.second, utc.microsecond) == (23, 59, 59, 999_999):
        return utc.date().isoformat()
    return utc.isoformat(timespec="seconds").replace("+00:00", "Z")

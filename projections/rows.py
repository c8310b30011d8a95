"""The timeline's rows as the read models take them, and the rules every question over them shares. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import orjson

from chronicle.domain.developments import Development, FigureReported
from chronicle.domain.errors import InvalidInput
from chronicle.domain.reported import Horizon
from chronicle.projections.belief import Entry, believe
from chronicle.projections.fold import Step, touched
from chronicle.projections.stored import iso_utc, parse_development

Moment = TypeVar("Moment", date, datetime)


def require_order(
    earlier: Moment | None,
    later: Moment | None,
    earlier_flag: str,
    later_flag: str,
    text: Callable[[Moment], str] = str,
) -> None:
    """A range given on the command line must not end before it starts."""
    if earlier is not None and later is not None and later < earlier:
        raise InvalidInput(f"{later_flag} {text(later)} is before {earlier_flag} {text(earlier)}")


def describe_times(as_of: date | None, known_at: datetime | None, recorded_at: datetime | None) -> str:
    parts = [as_of and f"as of {as_of}", Horizon(known_at, recorded_at).describe()]
    return " and ".join(p for p in parts if p)


def times_json(as_of: date | None, known_at: datetime | None, recorded_at: datetime | None) -> dict[str, Any]:
    """Which times an answer was given at, for `--json`: `known_at` counts reported times."""
    return {
        "as_of": as_of.isoformat() if as_of else None,
        "known_at": iso_utc(known_at) if known_at else None,
        "known_by": "reported",
        "recorded_at": iso_utc(recorded_at) if recorded_at else None,
    }


@dataclass(frozen=True)
class Row:
    """One development as the timeline view holds it."""

    position: int
    id: str
    type: str
    recorded: str
    original: Development
    current: Development
    corrected_by: list[str]
    retracted_by: str | None
    target: str | None
    reported: str = ""
    recorded_by: str = "unknown"

    def entry(self) -> Entry:
        return Entry(self.original, self.position, datetime.fromisoformat(self.recorded), self.original)


def row_of(r: Any) -> Row:
    original = parse_development(r["original"])
    return Row(
        position=int(r["position"]),
        id=r["dev_id"],
        type=r["type"],
        recorded=r["recorded"],
        original=original,
        # NULL: never corrected, as most developments are (see statements.CURRENT_T).
        current=original if r["current"] is None else parse_development(r["current"]),
        corrected_by=orjson.loads(r["corrected_by"]),
        retracted_by=r["retracted_by"],
        target=r["target"],
        reported=r["reported"],
        recorded_by=r.get("recorded_by", "unknown") if isinstance(r, dict) else "unknown",
    )


def counts_from(development: Development) -> date:
    """The day from which `--as-of` counts a development: the end of its interval (figures: `as_of`)."""
    if isinstance(development, FigureReported):
        return development.effective_as_of.end
    return development.when.end


def entries_for(
    rows: Iterable[Row], known_at: datetime | None, recorded_at: datetime | None = None
) -> dict[str, Entry]:
    return believe(((r.original, r.position, datetime.fromisoformat(r.recorded)) for r in rows), known_at, recorded_at)


def steps_for(key: str, entries: Iterable[Entry], as_of: date | None) -> list[Step]:
    return [
        e.step()
        for e in entries
        if e.counts and key in touched(e.current) and (as_of is None or counts_from(e.current) <= as_of)
    ]

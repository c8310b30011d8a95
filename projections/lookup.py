"""One development by id: as believed (now or as reported by a time), as recorded, and its revisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chronicle.domain.developments import Development
from chronicle.domain.errors import NotFound
from chronicle.domain.reported import Horizon
from chronicle.projections.fold import touched
from chronicle.projections.queries import LogEntry
from chronicle.projections.rows import entries_for, row_of
from chronicle.projections.sql import reads
from chronicle.projections.sql.views import Cursor, ViewStore
from chronicle.projections.stored import iso_utc


@dataclass(frozen=True)
class DevelopmentRecord:
    """A development as the log holds it: the belief, the original record, and what revised it."""

    entry: LogEntry
    as_recorded: Development
    revisions: list[LogEntry]

    def as_json(self) -> dict[str, Any]:
        """The log entry's fields (as `log --json` has them), plus the record and its revisions."""
        body = self.entry.as_json()
        body.update(
            as_recorded=self.as_recorded.model_dump(mode="json"),
            revisions=[r.as_json() for r in self.revisions],
            touches=touched(self.entry.development),
        )
        return body


def development(
    store: ViewStore, c: Cursor, dev_id: str, known_at: datetime | None = None, recorded_at: datetime | None = None
) -> DevelopmentRecord:
    """The development `dev_id`, or NotFound (also when it was reported after `known_at`, or recorded
    after `recorded_at`)."""
    horizon = (None if t is None else iso_utc(t) for t in (known_at, recorded_at))
    rows = [row_of(r) for r in reads.development_rows(store, c, dev_id, *horizon)]
    own = next((r for r in rows if r.id == dev_id), None)
    if own is None:
        when = Horizon(known_at, recorded_at).describe()
        when = f" {when}" if when else ""
        raise NotFound(f"no development {dev_id!r}{when} (see `chronicle log`)")
    believed = entries_for(rows, known_at, recorded_at)
    e = believed[dev_id]
    entry = LogEntry(
        own.position,
        own.recorded,
        e.current,
        e.corrected_by,
        e.retracted_by,
        recorded_by=own.recorded_by,
        reported=own.reported,
    )
    revisions = [
        LogEntry(r.position, r.recorded, r.original, [], None, recorded_by=r.recorded_by, reported=r.reported)
        for r in rows
        if r.id != dev_id
    ]
    return DevelopmentRecord(entry, own.original, revisions)


def bounds(store: ViewStore, c: Cursor) -> dict[str, Any]:
    """The story's span in valid time (and of its day-dated developments), in reported and in record time."""
    row = reads.story_bounds(store, c)
    names = (
        "first",
        "last",
        "first_day",
        "last_day",
        "first_recorded",
        "last_recorded",
        "first_reported",
        "last_reported",
    )
    found: dict[str, Any] = {name: None if row is None or row[name] is None else str(row[name]) for name in names}
    found["developments"] = 0 if row is None else int(row["developments"])
    return found

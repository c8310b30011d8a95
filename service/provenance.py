"""The head an export is made from, and the proof that an export file is what the store gave at its head.

An export is made as of a log position: the views' own position when made now, the embedded head's when
checked later. The views only hold the story as it stands, so "as of a position" is read through the
record-time horizon the reads already have (`recorded_at`): the last record time at or before the
position. That is exact while record times follow log order, and it is checked: a development recorded
past the position with an earlier time makes the export unprovable, said as such rather than guessed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chronicle.domain.errors import ChronicleError, IntegrityFailure, InvalidInput
from chronicle.exports.stamp import Stamp, find, read_side_file
from chronicle.projections.stored import iso_utc

if TYPE_CHECKING:
    from chronicle.projections.sql.views import Cursor, ViewStore
    from chronicle.service.exporting import Selection
    from chronicle.service.store import Say, Store

_BEFORE_EVERYTHING = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Head:
    """The chain head an export is made from, and the record-time horizon that reads the views as of it."""

    position: int
    hash: str
    recorded: datetime | None = None  # None: the views hold nothing recorded past the head


def head_of(views: ViewStore, c: Cursor, upto: int | None) -> Head:
    """The head to export from: the views' position now, or the position `upto` asked (an earlier one)."""
    from chronicle.integrity import chain
    from chronicle.projections.sql import reads
    from chronicle.projections.sql.catchup import LIVE_TRACKING

    tracked = views.tracked(c, LIVE_TRACKING)
    if upto is None or upto >= tracked:
        position, digest = chain.head_at(views, c, tracked if upto is None else upto)
        return Head(position, digest)
    position, digest = chain.head_at(views, c, upto)
    before, after = reads.recorded_around(views, c, upto)
    if after is None:
        return Head(position, digest)
    if before is not None and after <= before:
        raise ChronicleError(
            f"cannot make the export again as of position {upto}: a development recorded after it "
            "has an earlier record time"
        )
    return Head(position, digest, _BEFORE_EVERYTHING if before is None else datetime.fromisoformat(before))


def as_of_head(selection: Selection, head: Head) -> Selection:
    """The selection that reads the views as of `head` (its recorded horizon joined to the one asked)."""
    if head.recorded is None:
        return selection
    asked = selection.recorded_at
    return dataclasses.replace(selection, recorded_at=head.recorded if asked is None else min(asked, head.recorded))


def stamp(fmt: str, selection: Selection, head: Head, *, title: str | None) -> Stamp:
    """What the export embeds: the head, the time coordinates asked, and what else makes it again."""
    return Stamp(
        format=fmt,
        position=head.position,
        hash=head.hash,
        as_of=selection.as_of.isoformat() if selection.as_of else None,
        known_at=iso_utc(selection.known_at) if selection.known_at else None,
        recorded_at=iso_utc(selection.recorded_at) if selection.recorded_at else None,
        actor=selection.actor,
        negotiation=selection.negotiation,
        title=title,
        figure=selection.figure,
    )


@dataclass(frozen=True)
class ExportCheck:
    """An export file compared with the export the store gives again at its head."""

    stamp: Stamp
    difference: str | None  # None: byte for byte the same

    @property
    def ok(self) -> bool:
        return self.difference is None

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "difference": self.difference, **self.stamp.as_json()}


def _asked(stamp: Stamp) -> str:
    times = [
        f"{name} {value}"
        for name, value in (("as of", stamp.as_of), ("known at", stamp.known_at), ("recorded at", stamp.recorded_at))
        if value
    ]
    return f" ({', '.join(times)})" if times else ""


def confirmation(name: str, check: ExportCheck) -> str:
    s = check.stamp
    return (
        f"OK: {name} is exactly the {s.format} export of head {s.position}:{s.hash[:12]}…{_asked(s)}; "
        "the history up to it is unchanged"
    )


def first_difference(made: bytes, given: bytes) -> str:
    """The first line where the file differs from the export made again (1-based), and what it holds there."""
    ours, theirs = made.split(b"\n"), given.split(b"\n")
    for number, (a, b) in enumerate(zip(ours, theirs, strict=False), start=1):
        if a != b:
            column = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
            start = max(0, column - 20)
            shown = b[start : column + 20].decode("utf-8", "replace")
            return f"line {number} differs at column {column + 1}: {shown!r}"
    if len(theirs) > len(ours):
        return f"line {len(ours) + 1} and after are not in the export"
    return f"the file ends at line {len(theirs)}, the export goes on"


def read_stamp(data: bytes, *, label: str, side: bytes | None = None) -> Stamp:
    """The head embedded in an export file (or in its side file, `side`), or an InvalidInput saying there
    is none."""
    from chronicle.exports import FORMATS

    found = find(data) if side is None else read_side_file(side)
    if found is None:
        raise InvalidInput(f"{label}: no embedded head: not a Chronicle export, or made before exports carried one")
    if found.format not in FORMATS:
        raise InvalidInput(f"{label}: unknown export format {found.format!r} in its embedded head")
    return found


def verify_export(store: Store, data: bytes, *, label: str, say: Say, side: bytes | None = None) -> ExportCheck:
    """Check `data` (an export file's bytes) against the export made again as of its embedded head (or the
    head in its side file, `side`)."""
    import io
    from datetime import date

    from chronicle.integrity import heads
    from chronicle.service import exporting, verifying

    found = read_stamp(data, label=label, side=side)
    published = heads.parse_head(found.head, label=f"{label}: embedded head")
    check = verifying.verify_against(store, published, say=say)
    if not check.ok:
        raise IntegrityFailure(f"{label}: {check.message}")
    try:
        selection = exporting.Selection(
            actor=found.actor,
            negotiation=found.negotiation,
            as_of=date.fromisoformat(found.as_of) if found.as_of else None,
            known_at=datetime.fromisoformat(found.known_at) if found.known_at else None,
            recorded_at=datetime.fromisoformat(found.recorded_at) if found.recorded_at else None,
            title=found.title,
            upto=found.position,
            figure=found.figure,
        )
    except ValueError:
        raise InvalidInput(f"{label}: the embedded head's time coordinates are malformed") from None
    out = io.BytesIO()
    exporting.export(found.format, store, selection, out, say=say)
    made = out.getvalue()
    return ExportCheck(found, None if made == data else first_difference(made, data))

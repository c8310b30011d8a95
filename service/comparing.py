"""The two points a diff compares, from valid-time and record-time bounds, checked as `chronicle diff`
checks its flags."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from chronicle.domain.errors import InvalidInput

if TYPE_CHECKING:
    from chronicle.projections import audit


def points(
    from_: date | None,
    to: date | None,
    known_from: datetime | None,
    known_to: datetime | None,
    as_of: date | None = None,
    known_at: datetime | None = None,
) -> tuple[audit.Point, audit.Point]:
    """Point a and point b; each bound pair goes together, and a pinned axis cannot also move."""
    from chronicle.projections import audit

    for first, second, names in ((from_, to, "from and to"), (known_from, known_to, "known_from and known_to")):
        if (first is None) != (second is None):
            raise InvalidInput(f"{names} go together")
    if from_ is None and known_from is None:
        raise InvalidInput("give from/to (valid time) or known_from/known_to (record time)")
    if from_ is not None and as_of is not None:
        raise InvalidInput("as_of pins valid time: use it with known_from/known_to, not from/to")
    if known_from is not None and known_at is not None:
        raise InvalidInput("known_at pins record time: use it with from/to, not known_from/known_to")
    # The workspace's known_* bounds are record times: what the store held then.
    a = audit.Point(from_ or as_of, None, known_from or known_at)
    b = audit.Point(to or as_of, None, known_to or known_at)
    audit.check_points(a, b)
    return a, b

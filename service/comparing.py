"""The two points a diff compares, from its bounds on the three times, checked once for `chronicle diff`
and the workspace's diff alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from chronicle.domain.errors import InvalidInput

if TYPE_CHECKING:
    from chronicle.projections import audit


def as_flag(name: str) -> str:
    """The CLI spells a bound `--known-from`; the API spells it `known_from`."""
    return "--" + name.replace("_", "-")


def points(
    from_: date | None,
    to: date | None,
    known_from: datetime | None = None,
    known_to: datetime | None = None,
    as_of: date | None = None,
    known_at: datetime | None = None,
    *,
    recorded_from: datetime | None = None,
    recorded_to: datetime | None = None,
    recorded_at: datetime | None = None,
    spell: Callable[[str], str] = str,
) -> tuple[audit.Point, audit.Point]:
    """Point a and point b: each bound pair goes together, and a pinned time cannot also move. `known_*`
    bounds are reported times, `recorded_*` record times, as everywhere else."""
    from chronicle.projections import audit

    for first, second, names in (
        (from_, to, ("from", "to")),
        (known_from, known_to, ("known_from", "known_to")),
        (recorded_from, recorded_to, ("recorded_from", "recorded_to")),
    ):
        if (first is None) != (second is None):
            raise InvalidInput(f"{spell(names[0])} and {spell(names[1])} go together")
    if from_ is None and known_from is None and recorded_from is None:
        raise InvalidInput(
            f"give {spell('from')}/{spell('to')} (valid time), {spell('known_from')}/{spell('known_to')} "
            f"(reported time) or {spell('recorded_from')}/{spell('recorded_to')} (record time)"
        )
    if from_ is not None and as_of is not None:
        raise InvalidInput(
            f"{spell('as_of')} pins valid time: use it with {spell('known_from')}/{spell('known_to')}, "
            f"not {spell('from')}/{spell('to')}"
        )
    if known_from is not None and known_at is not None:
        raise InvalidInput(
            f"{spell('known_at')} pins reported time: use it with {spell('from')}/{spell('to')}, "
            f"not {spell('known_from')}/{spell('known_to')}"
        )
    if recorded_from is not None and recorded_at is not None:
        raise InvalidInput(
            f"{spell('recorded_at')} pins record time: use it without {spell('recorded_from')}/{spell('recorded_to')}"
        )
    a = audit.Point(from_ or as_of, known_from or known_at, recorded_from or recorded_at)
    b = audit.Point(to or as_of, known_to or known_at, recorded_to or recorded_at)
    audit.check_points(a, b)
    return a, b

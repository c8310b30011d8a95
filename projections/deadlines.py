"""A deadline's state depends on the day asked about, so it is worked out when a view is read, not folded."""

from __future__ import annotations

from datetime import date

from chronicle.domain.dates import FuzzyDate
from chronicle.projections.models import DeadlineState, DeadlineStatus, NegotiationView


def state_of(deadline: DeadlineState, day: date) -> DeadlineStatus:
    """superseded (a later agreement replaced it), met (completed), lapsed (due before `day`), or pending."""
    if deadline.superseded_by:
        return "superseded"
    if deadline.completed:
        return "met"
    if deadline.due and FuzzyDate.parse(deadline.due).end < day:
        return "lapsed"
    return "pending"


def dated(view: object, day: date) -> object:
    """The view with each deadline's state as of `day` (an actor's view is returned as it is)."""
    if isinstance(view, NegotiationView):
        for deadline in view.deadlines:
            deadline.state = state_of(deadline, day)
    return view

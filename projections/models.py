"""The read models: what Chronicle says an actor or a negotiation is, at some point of the story.

These names appear in `show --json`: a public contract, extend but never rename.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer


def _unset(value: Any) -> bool:
    return not value


class ReadModel(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class DevelopmentRef(ReadModel):
    """A pointer to the development that set a fact."""

    id: str
    occurred: str


class Figure(ReadModel):
    """The latest value of one metric in one scope."""

    metric: str
    scope: str | None
    value: int | float
    as_of: str
    development: str
    sources: int = 0
    # Set when other sources gave another value for the same date: all are shown, most corroborated first.
    # Left out when unset, so an undisputed figure reads as it did before figures could be disputed.
    disputed: bool = Field(default=False, exclude_if=_unset)


class Position(ReadModel):
    """Where an actor stands in a negotiation."""

    position: str
    text: str
    occurred: str
    development: str
    sources: int = 0


class ActorView(ReadModel):
    """The projected state of an actor."""

    id: str
    registered: bool = False
    name: str | None = None
    kind: str | None = None
    aliases: list[str] = []
    aligned_with: list[str] = []
    part_of: str | None = None
    status: Literal["active", "killed"] = "active"
    killed_on: str | None = None
    killed_in: str | None = None
    figures: list[Figure] = []
    positions: dict[str, Position] = {}
    strikes_carried_out: int = 0
    strikes_suffered: int = 0
    attacks_carried_out: int = 0
    attacks_suffered: int = 0
    developments: int = 0
    first_development: DevelopmentRef | None = None
    last_development: DevelopmentRef | None = None
    registered_in: str | None = None
    # Independent sources (distinct publishers) behind each fact above that a development set:
    # the registration's for name/kind/aliases/aligned_with/part_of, the killing's for
    # status/killed_on/killed_in, and for a count the fewest behind any development counted.
    # Figures and positions carry their own `sources`.
    corroboration: dict[str, int] = {}

    @field_serializer("corroboration", "positions")
    def _sorted(self, value: dict[str, Any]) -> dict[str, Any]:
        # Sorted, so a view's bytes never depend on the order its developments arrived in.
        return dict(sorted(value.items()))


class Committee(ReadModel):
    convened_by: str
    members: list[str]
    mandate: str
    formed: str
    development: str


class Round(ReadModel):
    round: int | None
    occurred: str
    parties: list[str]
    outcome: str | None
    development: str


DeadlineStatus = Literal["pending", "met", "lapsed", "superseded"]


class DeadlineState(ReadModel):
    milestone: str
    due: str | None
    completed: str | None = None
    late: bool | None = None
    development: str
    superseded_by: str | None = None
    superseded_on: str | None = None
    # Depends on the date asked about, so worked out when read (`deadlines.as_of`), never stored.
    state: DeadlineStatus | None = None


NegotiationStatus = Literal[
    "opened", "committee_formed", "in_talks", "agreed", "implementing", "concluded", "suspended", "ended"
]
EndOutcome = Literal["concluded", "expired", "withdrawn", "collapsed"]


class NegotiationView(ReadModel):
    """The projected state of a negotiation."""

    id: str
    registered: bool = False
    title: str | None = None
    subject: str | None = None
    status: NegotiationStatus = "opened"
    status_before_suspension: NegotiationStatus | None = None  # also the status before it ended
    outcome: EndOutcome | None = None
    ended_on: str | None = None
    ended_by: str | None = None
    parties: list[str] = []
    committee: Committee | None = None
    rounds: int = 0
    talks: list[Round] = []
    positions: dict[str, Position] = {}
    terms: str | None = None
    agreed_on: str | None = None
    deadlines: list[DeadlineState] = []
    developments: int = 0
    first_development: DevelopmentRef | None = None
    last_development: DevelopmentRef | None = None
    opened_in: str | None = None

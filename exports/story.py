"""What an export is made of: the developments as believed, the entities they name, phases and deadlines."""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from chronicle.domain.corrections import with_note
from chronicle.domain.dates import FuzzyDate
from chronicle.domain.developments import (
    ActorRegistered,
    AttackReported,
    CorrectionIssued,
    Development,
    FigureReported,
    NegotiationDevelopment,
    NegotiationOpened,
    PositionTaken,
    RetractionIssued,
    StatementMade,
    StrikeCarriedOut,
)
from chronicle.projections.deadlines import state_of
from chronicle.projections.fold import Step, apply, fold, new_view, touched
from chronicle.projections.models import ActorView, NegotiationView

UNATTRIBUTED = ""

_CATEGORY = {
    "strike": "violence",
    "attack": "violence",
    "statement": "statement",
    "position_taken": "statement",
    "actor_registered": "registration",
    "figure_reported": "figure",
    "correction": "revision",
    "retraction": "revision",
}
CATEGORIES = {
    "violence": ("Strikes and attacks", "#c0392b"),
    "statement": ("Statements and positions", "#2563eb"),
    "negotiation": ("Negotiation steps", "#15803d"),
    "figure": ("Figures", "#7c3aed"),
    "registration": ("Actors entering the story", "#6b7280"),
    "revision": ("Corrections and retractions", "#b45309"),
}


def category(kind: str) -> str:
    """The colour family of a development type."""
    return _CATEGORY.get(kind, "negotiation")


@dataclass(frozen=True)
class Item:
    """One development as exported: as believed (corrections applied), and what revised it."""

    development: Development
    position: int
    corrected_by: tuple[str, ...] = ()
    retracted_by: str | None = None
    original: Development | None = None
    recorded: str = ""  # when the store recorded it (ISO 8601, UTC)
    recorded_by: str = ""  # who recorded it: an analyst's name, or `unknown`
    reported: str = ""  # when it became public, as `--known-at` compares it (ISO 8601); empty: when recorded

    @property
    def id(self) -> str:
        return self.development.id or ""

    @property
    def public(self) -> str:
        """When it became public, as `--known-at` compares it (ISO 8601): reported, else recorded."""
        return self.reported or self.recorded

    @property
    def kind(self) -> str:
        return str(getattr(self.development, "type", "development"))

    @property
    def last(self) -> date:
        """The last day it covers: the end of its date, or of its span (`until`)."""
        d = self.development
        until = getattr(d, "until", None)
        return d.when.end if until is None else max(d.when.end, FuzzyDate.parse(until).end)

    @property
    def spans(self) -> bool:
        """Whether it is drawn as a range: dated to a month or a year, or given an `until`."""
        return not self.is_revision and (
            self.development.when.precision != "day" or self.last != self.development.when.end
        )

    @property
    def is_revision(self) -> bool:
        return isinstance(self.development, CorrectionIssued | RetractionIssued)

    @property
    def headline(self) -> str:
        """The summary, with what corrections changed beside it when they left it as it was."""
        d = self.development
        if self.original is None or not self.corrected_by:
            return d.summary
        return with_note(d.summary, self.original.model_dump(mode="json"), d.model_dump(mode="json"))

    @property
    def counts(self) -> bool:
        """Whether it shapes the state of actors and negotiations."""
        return self.retracted_by is None and not self.is_revision


@dataclass(frozen=True)
class Phase:
    """A stretch of time a negotiation spent in one status (both ends inclusive)."""

    negotiation: str
    status: str
    start: date
    end: date
    ongoing: bool = False

    @property
    def label(self) -> str:
        return self.status.replace("_", " ")


@dataclass(frozen=True)
class DeadlineMark:
    """A deadline an agreement set, as the negotiation stands at the end of the export."""

    negotiation: str
    milestone: str
    due: FuzzyDate
    completed: str | None
    late: bool | None
    development: str
    superseded_by: str | None = None
    status: str = "pending"  # pending, met, lapsed or superseded, as of the export's day (`state_of`)

    @property
    def state(self) -> str:
        if self.status == "superseded":
            return f"superseded by {self.superseded_by}"
        if self.status == "met":
            return f"completed {self.completed}" + (" (late)" if self.late else "")
        return self.status

    @property
    def open(self) -> bool:
        """Still to be met: the only state drawn as a deadline ahead."""
        return self.status == "pending"


@dataclass(frozen=True)
class Story:
    """What the story exports render: items in story order and their context."""

    items: tuple[Item, ...]
    actors: dict[str, ActorView]
    negotiations: dict[str, NegotiationView]
    phases: tuple[Phase, ...]
    deadlines: tuple[DeadlineMark, ...]
    revisions: dict[str, Item]
    title: str
    caption: str
    subjects: dict[str, str] = field(default_factory=dict)

    def label(self, key: str) -> str:
        """A readable name for an entity key (`actor:us` -> `United States`)."""
        kind, _, ident = key.partition(":")
        if kind == "actor":
            actor = self.actors.get(ident)
            return actor.name if actor is not None and actor.name else ident
        if kind == "negotiation":
            negotiation = self.negotiations.get(ident)
            title = negotiation.title if negotiation is not None and negotiation.title else ident
            return f"Negotiation: {title}"
        return "Unattributed"

    def actor_ids(self, development: Development) -> list[str]:
        """Actors a development names, in a stable order."""
        return named_ids(development, "actor", self.actors, self.negotiations)

    def negotiation_ids(self, development: Development) -> list[str]:
        return named_ids(development, "negotiation", self.negotiations, self.actors)

    def actor_name(self, ident: str) -> str:
        actor = self.actors.get(ident)
        return actor.name if actor is not None and actor.name else ident

    def span(self) -> tuple[date, date] | None:
        """First and last day the export covers (developments, phases and deadlines)."""
        days = [d for i in self.items for d in (i.development.when.start, i.last)]
        days += [d for mark in self.deadlines for d in (mark.due.start, mark.due.end)]
        days += [d for p in self.phases for d in (p.start, p.end)]
        return (min(days), max(days)) if days else None


def named_ids(development: Development, kind: str, mine: Container[str], others: Container[str]) -> list[str]:
    """The ids of one kind a development names, in a stable order: an id registered only as the other
    kind is left out."""
    found = []
    for key in touched(development):
        key_kind, _, ident = key.partition(":")
        if key_kind == kind and (ident in mine or ident not in others):
            found.append(ident)
    return list(dict.fromkeys(found))


class Names(Protocol):
    """Who and what a development names: what a row-at-a-time export needs of its story."""

    def actor_ids(self, development: Development) -> list[str]: ...

    def negotiation_ids(self, development: Development) -> list[str]: ...


@dataclass(frozen=True)
class Registered:
    """The actor and negotiation ids of a store, for exports streamed a row at a time (no story held)."""

    actors: frozenset[str]
    negotiations: frozenset[str]

    def actor_ids(self, development: Development) -> list[str]:
        return named_ids(development, "actor", self.actors, self.negotiations)

    def negotiation_ids(self, development: Development) -> list[str]:
        return named_ids(development, "negotiation", self.negotiations, self.actors)


def subject_key(development: Development) -> str:
    """The entity a development is mainly about: the row it sits on in a visual timeline."""
    if isinstance(development, ActorRegistered | FigureReported | PositionTaken):
        return f"actor:{development.actor}"
    if isinstance(development, StrikeCarriedOut | StatementMade):
        return f"actor:{development.by}"
    if isinstance(development, AttackReported):
        return f"actor:{development.by}" if development.by else UNATTRIBUTED
    if isinstance(development, NegotiationOpened | NegotiationDevelopment):
        return f"negotiation:{development.negotiation}"
    return UNATTRIBUTED


def build_story(
    items: Sequence[Item],
    context: Sequence[Item],
    *,
    title: str | None = None,
    as_of: date | None = None,
    known_at: str | None = None,
    recorded_at: str | None = None,
) -> Story:
    """A story from the exported items (story order) and every item believed (names, phases, revisions)."""
    steps: dict[str, list[Step]] = {}
    for item in context:
        if item.counts:
            for key in touched(item.development):
                steps.setdefault(key, []).append(Step(item.development, item.position))
    actors: dict[str, ActorView] = {}
    negotiations: dict[str, NegotiationView] = {}
    for key, entity_steps in steps.items():
        view = fold(key, entity_steps)
        if isinstance(view, ActorView) and view.registered:
            actors[view.id] = view
        elif isinstance(view, NegotiationView) and view.registered:
            negotiations[view.id] = view
    revisions = {item.id: item for item in context if item.is_revision}
    by_id = {item.id: item for item in context}
    subjects: dict[str, str] = {}
    for item in (*context, *items):
        development = item.development
        if isinstance(development, CorrectionIssued | RetractionIssued):
            target = by_id.get(development.target)
            subjects[item.id] = subject_key(target.development) if target else UNATTRIBUTED
        else:
            subjects[item.id] = subject_key(development)
    shown: list[str] = []
    for item in items:
        keys = touched(item.development)
        if item.is_revision and item.id in subjects:
            keys = [subjects[item.id]]
        for key in keys:
            kind, _, ident = key.partition(":")
            if kind == "negotiation" and ident in negotiations and ident not in shown:
                shown.append(ident)
    last_day = max((i.development.when.start for i in items), default=None)
    phases: list[Phase] = []
    deadlines: list[DeadlineMark] = []
    for ident in shown:
        phases += negotiation_phases(ident, steps.get(f"negotiation:{ident}", []), last_day)
        for deadline in negotiations[ident].deadlines:
            if deadline.due is None:
                continue
            deadlines.append(
                DeadlineMark(
                    negotiation=ident,
                    milestone=deadline.milestone,
                    due=FuzzyDate.parse(deadline.due),
                    completed=deadline.completed,
                    late=deadline.late,
                    development=deadline.development,
                    superseded_by=deadline.superseded_by,
                    status=state_of(deadline, as_of or last_day or date.min),
                )
            )
    # Every item is a development the user recorded; corrections and retractions are counted among them.
    total, revised = len(items), sum(1 for i in items if i.is_revision)
    parts = [f"{total} development{'s' if total != 1 else ''}"]
    if revised:
        parts[0] += (
            f" ({revised} of them correction{'s' if revised != 1 else ''} or retraction{'s' if revised != 1 else ''})"
        )
    if as_of is not None:
        parts.append(f"as of {as_of.isoformat()}")
    if known_at is not None:
        parts.append(f"as known at {known_at}")
    if recorded_at is not None:
        parts.append(f"as recorded at {recorded_at}")
    return Story(
        items=tuple(items),
        actors=actors,
        negotiations=negotiations,
        phases=tuple(phases),
        deadlines=tuple(deadlines),
        revisions=revisions,
        title=title or "Chronicle timeline",
        caption=" · ".join(parts),
        subjects=subjects,
    )


def negotiation_phases(ident: str, steps: Sequence[Step], last_day: date | None) -> list[Phase]:
    """The statuses a negotiation went through, one phase per status, from its developments."""
    view = new_view(f"negotiation:{ident}")
    assert isinstance(view, NegotiationView)
    changes: list[tuple[date, str]] = []
    for step in sorted(steps, key=lambda s: s.key):
        apply(view, step)
        if not view.registered:
            continue
        day = step.development.when.start
        if changes and changes[-1][0] == day:
            changes[-1] = (day, view.status)
        else:
            changes.append((day, view.status))
    merged: list[tuple[date, str]] = []
    for day, status in changes:
        if not merged or merged[-1][1] != status:
            merged.append((day, status))
    phases = []
    for index, (day, status) in enumerate(merged):
        if index + 1 < len(merged):
            end = merged[index + 1][0] - timedelta(days=1)
            phases.append(Phase(ident, status, day, max(day, end)))
        else:
            # The current phase runs on to the story's last development.
            phases.append(Phase(ident, status, day, max(day, last_day or day), ongoing=True))
    return phases


def window(story: Story) -> tuple[date, date]:
    """The initial view: the precisely dated developments (day precision), deadlines and phase starts;
    month- and year-long developments show as ranges reaching beyond it."""
    days = [i.development.when.start for i in story.items if i.development.when.precision == "day"]
    days += [mark.due.end for mark in story.deadlines]
    days += [p.start for p in story.phases]
    if days:
        return min(days), max(days)
    span = story.span()
    return span if span is not None else (date(2000, 1, 1), date(2000, 1, 2))

"""One function per development type that changes a read model; a rebuild is just a fold of these."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

from chronicle.domain.dates import FuzzyDate
from chronicle.domain.developments import (
    TYPES,
    ActorRegistered,
    AgreementExtended,
    AgreementReached,
    AttackReported,
    CommitteeFormed,
    CorrectionIssued,
    Development,
    FigureReported,
    MilestoneCompleted,
    NegotiationDevelopment,
    NegotiationEnded,
    NegotiationOpened,
    NegotiationResumed,
    NegotiationSuspended,
    PositionTaken,
    RetractionIssued,
    StrikeCarriedOut,
    TalksHeld,
)
from chronicle.domain.keys import ACTOR, ACTOR_PREFIX, NEGOTIATION_PREFIX, EntityKey
from chronicle.projections.models import (
    ActorView,
    Committee,
    DeadlineState,
    DevelopmentRef,
    Figure,
    NegotiationStatus,
    NegotiationView,
    Position,
    Round,
)

View: TypeAlias = ActorView | NegotiationView

RANK: dict[NegotiationStatus, int] = {
    "opened": 0,
    "committee_formed": 1,
    "in_talks": 2,
    "agreed": 3,
    "implementing": 4,
    "concluded": 5,
    "suspended": -1,
    "ended": -1,
}
PAUSED = ("suspended", "ended")  # states a negotiation leaves only when resumed


def touched(development: Development) -> list[str]:
    """Keys of the entities whose state a development can change, in a stable order."""
    return _touched(type(development), development.__dict__)


def touched_data(data: Mapping[str, Any]) -> list[str]:
    """`touched` of a development as stored (its JSON object), without building its model."""
    return _touched(TYPES[data["type"]], data)


def _touched(kind: type[Development], data: Mapping[str, Any]) -> list[str]:
    keys: list[str] = []
    for name, prefixes in _touch_plan(kind):  # a rebuild asks this of every development: kept flat
        value = data.get(name)
        if isinstance(value, str):  # as `developments.refs` reads a field
            keys += [prefix + value for prefix in prefixes]
        elif value:
            keys += [prefix + ident for ident in value for prefix in prefixes]
    return list(dict.fromkeys(keys))


@functools.cache
def _touch_plan(kind: type[Development]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Which fields of a type hold the ids it touches (an id or a list of them), and as which kinds of
    entity, in `touched`'s order: its subject first (the actor registered, the negotiation opened), then
    actors, negotiations, either."""
    if issubclass(kind, CorrectionIssued | RetractionIssued):
        return ()
    actor, negotiation = (ACTOR_PREFIX,), (NEGOTIATION_PREFIX,)
    plan: list[tuple[str, tuple[str, ...]]] = [("actor", actor)] if kind is ActorRegistered else []
    plan += [("negotiation", negotiation)] if kind is NegotiationOpened else []
    plan += [(name, actor) for name in kind.actor_fields]
    plan += [(name, negotiation) for name in kind.negotiation_fields]
    plan += [(name, actor + negotiation) for name in kind.either_fields]
    return tuple(plan)


def new_view(key: str) -> View:
    parsed = EntityKey.parse(key)
    return ActorView(id=parsed.id) if parsed.kind == ACTOR else NegotiationView(id=parsed.id)


def source_count(development: Development) -> int:
    """Independent sources: distinct publishers (a confidential source counts by its id)."""
    return len({s.distinct_as() for s in development.sources})


NO_STEP = ("", 0)  # the story key of a view no development has shaped yet


class Step:
    """A development as currently believed, with its place in the log.

    What every entity it touches asks of it is worked out once per step, not once per entity."""

    __slots__ = ("_ref", "_sources", "development", "key", "position")

    def __init__(self, development: Development, position: int) -> None:
        self.development = development
        self.position = position
        # Story order: when it happened (interval start), then when it was recorded.
        self.key: tuple[str, int] = (development.when.start.isoformat(), position)
        self._sources: int | None = None
        self._ref: DevelopmentRef | None = None

    @property
    def sources(self) -> int:
        if self._sources is None:
            self._sources = source_count(self.development)
        return self._sources

    @property
    def ref(self) -> DevelopmentRef:
        if self._ref is None:
            self._ref = DevelopmentRef(id=self.development.id or "", occurred=self.development.occurred)
        return self._ref


Facts: TypeAlias = dict[str, list[Any]]


def claim(facts: Facts, fact: str, key: tuple[Any, ...]) -> bool:
    """A max-register: whether this development is the latest (in story order) to set `fact`.

    Keeping the key of whoever set each fact makes an actor's fold independent of the order its
    developments arrive in, so a development recorded out of story order never forces a refold.
    """
    old = facts.get(fact)
    if old is not None and tuple(old) > key:
        return False
    facts[fact] = list(key)
    return True


def _advance(view: NegotiationView, status: NegotiationStatus) -> None:
    if view.status in PAUSED:
        before = view.status_before_suspension or "opened"
        if RANK[status] > RANK[before]:
            view.status_before_suspension = status
    elif RANK[status] > RANK[view.status]:
        view.status = status


REGISTRATION_FACTS = ("name", "kind", "aliases", "aligned_with", "part_of")
DEATH_FACTS = ("status", "killed_on", "killed_in")


def _count(view: ActorView, fact: str, weight: int, sources: int) -> None:
    """Add to a counter; its corroboration is the weakest development counted."""
    setattr(view, fact, getattr(view, fact) + weight)
    view.corroboration[fact] = min(sources, view.corroboration.get(fact, sources))


def _on_actor(view: ActorView, step: Step, facts: Facts) -> None:
    d, key = step.development, step.key
    dev_id = d.id or ""
    sources = step.sources
    if isinstance(d, ActorRegistered) and d.actor == view.id:
        if not claim(facts, "registered", key):
            return
        view.registered = True
        view.name, view.kind = d.name, d.kind.value
        view.aliases, view.aligned_with = list(d.aliases), list(d.aligned_with)
        view.part_of, view.registered_in = d.part_of, dev_id
        view.corroboration.update(dict.fromkeys(REGISTRATION_FACTS, sources))
    elif isinstance(d, StrikeCarriedOut | AttackReported):
        weight = d.count if isinstance(d, AttackReported) else 1
        kind = "strikes" if isinstance(d, StrikeCarriedOut) else "attacks"
        if d.by == view.id:
            _count(view, f"{kind}_carried_out", weight, sources)
        if view.id in d.targets:
            _count(view, f"{kind}_suffered", weight, sources)
        if view.id in d.killed and claim(facts, "killed", key):
            view.status, view.killed_on, view.killed_in = "killed", d.occurred, dev_id
            view.corroboration.update(dict.fromkeys(DEATH_FACTS, sources))
    elif isinstance(d, FigureReported) and d.actor == view.id:
        _set_figure(view, d, key, facts, sources)
    elif isinstance(d, PositionTaken) and d.actor == view.id and claim(facts, f"position:{d.negotiation}", key):
        view.positions[d.negotiation] = _position(d, sources)


def value_key(value: float) -> str:
    """What tells two reported values apart (the same in a model and in its JSON)."""
    return repr(value)


def figure_claims(facts: Facts, group: str, start: str, value: float, key: tuple[str, int]) -> tuple[bool, bool]:
    """Max-registers for a figure of `group` dated `start`: whether it is the latest report of its value on
    that date, and whether its date is the group's latest (so it is shown) or later (the others go)."""
    latest_of_value = claim(facts, f"{group}@{start}={value_key(value)}", key)
    old = facts.get(group)
    if old is not None and old[0] > start:
        return False, False
    claim(facts, group, (start, *key))
    return latest_of_value, old is None or old[0] < start


def _set_figure(view: ActorView, d: FigureReported, key: tuple[str, int], facts: Facts, sources: int) -> None:
    as_of = d.effective_as_of
    # The latest `as_of` wins; values given for that same date stand side by side, each its latest report.
    group = f"figure:{d.metric}/{d.scope or ''}"
    shown, newer = figure_claims(facts, group, as_of.start.isoformat(), d.value, key)
    if not shown:
        return
    figure = Figure(
        metric=d.metric,
        scope=d.scope,
        value=d.value,
        as_of=as_of.text,
        development=d.id or "",
        sources=sources,
    )
    same = [f for f in view.figures if (f.metric, f.scope) == (d.metric, d.scope)]
    rivals = [] if newer else [f for f in same if value_key(f.value) != value_key(d.value)]
    for f in (*rivals, figure):
        f.disputed = bool(rivals)
    others = [f for f in view.figures if (f.metric, f.scope) != (d.metric, d.scope)]
    view.figures = sorted(
        [*others, *rivals, figure], key=lambda f: (f.metric, f.scope or "", -f.sources, value_key(f.value))
    )


def _position(d: PositionTaken, sources: int) -> Position:
    return Position(
        position=d.position.value,
        text=d.text,
        occurred=d.occurred,
        development=d.id or "",
        sources=sources,
    )


def _on_negotiation(view: NegotiationView, step: Step) -> None:
    d = step.development
    dev_id = d.id or ""
    if isinstance(d, NegotiationOpened) and d.negotiation == view.id:
        view.registered = True
        view.title, view.subject, view.opened_in = d.title, d.subject, dev_id
        view.parties = list(dict.fromkeys([*view.parties, *d.parties]))
    elif isinstance(d, CommitteeFormed):
        view.committee = Committee(
            convened_by=d.convened_by,
            members=list(d.members),
            mandate=d.mandate,
            formed=d.occurred,
            development=dev_id,
        )
        _advance(view, "committee_formed")
    elif isinstance(d, TalksHeld):
        view.rounds += 1
        view.talks.append(
            Round(
                round=d.round,
                occurred=d.occurred,
                parties=list(d.parties),
                outcome=d.outcome,
                development=dev_id,
            )
        )
        view.parties = list(dict.fromkeys([*view.parties, *d.parties]))
        _advance(view, "in_talks")
    elif isinstance(d, PositionTaken):
        view.positions[d.actor] = _position(d, step.sources)
    elif isinstance(d, AgreementReached):
        view.terms, view.agreed_on = d.terms, d.occurred
        for deadline in d.deadlines:
            _set_deadline(view, deadline.milestone, deadline.due, dev_id)
        _advance(view, "agreed")
    elif isinstance(d, AgreementExtended):
        view.terms = d.terms or view.terms
        for milestone in d.supersedes:
            for existing in view.deadlines:
                if existing.milestone.casefold() == milestone.casefold():
                    existing.superseded_by, existing.superseded_on = dev_id, d.occurred
        for deadline in d.deadlines:
            _set_deadline(view, deadline.milestone, deadline.due, dev_id)
        _advance(view, "agreed")
    elif isinstance(d, MilestoneCompleted):
        _complete(view, d)
    elif isinstance(d, NegotiationSuspended):
        if view.status not in PAUSED:
            view.status_before_suspension, view.status = view.status, "suspended"
    elif isinstance(d, NegotiationEnded):
        if view.status not in PAUSED:
            view.status_before_suspension = view.status
        view.status, view.outcome, view.ended_on, view.ended_by = "ended", d.outcome.value, d.occurred, d.by
    elif isinstance(d, NegotiationResumed) and view.status in PAUSED:
        view.status = view.status_before_suspension or "opened"
        view.status_before_suspension = view.outcome = view.ended_on = view.ended_by = None


def _set_deadline(view: NegotiationView, milestone: str, due: str, dev_id: str) -> None:
    for existing in view.deadlines:
        if existing.milestone.casefold() == milestone.casefold():
            existing.due, existing.development = due, dev_id
            existing.superseded_by = existing.superseded_on = None  # set again: renewed
            return
    view.deadlines.append(DeadlineState(milestone=milestone, due=due, development=dev_id))


def _complete(view: NegotiationView, d: MilestoneCompleted) -> None:
    done = d.when
    for deadline in view.deadlines:
        if deadline.milestone.casefold() == d.milestone.casefold():
            break
    else:
        deadline = DeadlineState(milestone=d.milestone, due=None, development=d.id or "")
        view.deadlines.append(deadline)
    deadline.completed = d.occurred
    deadline.late = None if deadline.due is None else done.start > FuzzyDate.parse(deadline.due).end
    complete = all(x.completed or x.superseded_by for x in view.deadlines)
    _advance(view, "concluded" if complete else "implementing")


# The developments a negotiation's state machine reads or moves: its opening and every development "that
# moves a negotiation along" (the domain's own base class, so a new kind is order-sensitive by default).
# Anything else only counts (developments, first, last: max-registers), the same in any order.
NEGOTIATION_ORDERED = (NegotiationOpened, NegotiationDevelopment)


def order_matters(view: View, development: Development) -> bool:
    """Whether applying `development` out of story order could change this view.

    Actors: never (max-registers). Negotiations: only for what their state machine handles; a statement
    about a negotiation may arrive in any order."""
    return isinstance(view, NegotiationView) and isinstance(development, NEGOTIATION_ORDERED)


def apply(view: View, step: Step, facts: Facts | None = None) -> None:
    """Fold one development into one entity's view (the development must touch it).

    `facts` remembers which development set each order-sensitive fact; pass the same dict for every
    step of one view. Negotiations must still be folded in story order (their status is a state machine).
    """
    if facts is None:
        facts = {}
    key = step.key
    view.developments += 1
    first = facts.get("first")
    if view.first_development is None or (first is not None and tuple(first) > key):
        view.first_development = step.ref
        facts["first"] = list(key)
    if claim(facts, "last", key):
        view.last_development = step.ref
    if isinstance(view, ActorView):
        _on_actor(view, step, facts)
    else:
        _on_negotiation(view, step)


def fold_with_facts(key: str, steps: Iterable[Step]) -> tuple[View, Facts]:
    """The state of one entity after the given developments, taken in story order, and its facts."""
    view = new_view(key)
    facts: Facts = {}
    for step in sorted(steps, key=lambda s: s.key):
        apply(view, step, facts)
    return view, facts


def fold(key: str, steps: Iterable[Step]) -> View:
    """The state of one entity after the given developments, taken in story order."""
    return fold_with_facts(key, steps)[0]


Observer: TypeAlias = Callable[[str, View, View, Step], None]

"""The rules an append must obey, decided against a read-only view of the store (a `Lookup`).

Pure: the service layer supplies the lookup and saves the events the plan returns, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from pydantic import ValidationError

from chronicle.domain.developments import (
    TYPES,
    ActorRegistered,
    AgreementExtended,
    AgreementReached,
    CorrectionIssued,
    Development,
    NegotiationOpened,
    RetractionIssued,
)
from chronicle.domain.errors import ConflictingDevelopment, InvalidInput, UnknownReference
from chronicle.domain.events import (
    ActorIdClaimed,
    DevelopmentCorrected,
    DevelopmentRecorded,
    DevelopmentRetracted,
    DomainEvent,
    MilestoneClaimed,
    NegotiationIdClaimed,
    actor_stream,
    development_stream,
    milestone_stream,
    negotiation_stream,
)
from chronicle.domain.fields import ActorKind
from chronicle.domain.problems import problem
from chronicle.domain.reported import future_fields, stated_report
from chronicle.domain.revisions import DevelopmentState


def describe_validation_error(error: ValidationError) -> str:
    """Pydantic's first complaint as one line in the user's words: `field: message` (`domain.problems`)."""
    first = error.errors(include_url=False)[0]
    loc = first["loc"]
    return problem(first, loc[0] if loc and loc[0] in TYPES else None)


class Lookup(Protocol):
    """What the rules need to know about the store, asked in bulk."""

    def developments(self, ids: Sequence[str]) -> dict[str, DevelopmentState]: ...

    def existing_actors(self, ids: Sequence[str]) -> set[str]: ...

    def existing_negotiations(self, ids: Sequence[str]) -> set[str]: ...

    def existing_milestones(self, streams: Sequence[str]) -> set[str]: ...


class BatchError(InvalidInput):
    """A rule failed for item `index` (0-based) of a batch."""

    def __init__(self, index: int, error: InvalidInput) -> None:
        super().__init__(str(error))
        self.index = index
        self.cause = error


@dataclass
class AppendPlan:
    events: list[DomainEvent] = field(default_factory=list)
    recorded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _auto_actor(actor_id: str, cause: Development) -> ActorRegistered:
    return ActorRegistered(
        type="actor_registered",
        id=f"auto-register-{actor_id}",
        occurred=cause.occurred,
        summary=f"{actor_id} registered automatically (first named by {cause.id})",
        actor=actor_id,
        name=actor_id,
        kind=ActorKind.organization,
        reported=stated_report(cause.model_dump(mode="json")),  # known as soon as its first mention
    )


class _Planner:
    def __init__(
        self, lookup: Lookup, auto_register: bool, now: Callable[[], datetime], allow_future: bool = False
    ) -> None:
        self.lookup = lookup
        self.auto_register = auto_register
        self.allow_future = allow_future
        self.now = now
        self.plan = AppendPlan()
        self.states: dict[str, DevelopmentState] = {}
        self.actors: set[str] = set()
        self.negotiations: set[str] = set()
        self.milestones: dict[str, bool] = {}  # milestone stream: claimed yet

    def prefetch(self, batch: Sequence[Development]) -> None:
        # Claims are read before developments: a registration commits both at once, so a writer racing
        # us can only make the developments look newer than the claims, never the other way round.
        named = {d.id: _named_in_changes(d) for d in batch if isinstance(d, CorrectionIssued)}
        changed = {i for ids in named.values() for i in ids}
        actor_ids = {a for d in batch for a in (*d.actor_refs(), *d.either_refs())} | changed
        actor_ids |= {d.actor for d in batch if isinstance(d, ActorRegistered)}
        self.actors = set(self.lookup.existing_actors(sorted(actor_ids)))
        neg_ids = {n for d in batch for n in (*d.negotiation_refs(), *d.either_refs())} | changed
        neg_ids |= {d.negotiation for d in batch if isinstance(d, NegotiationOpened)}
        self.negotiations = set(self.lookup.existing_negotiations(sorted(neg_ids)))
        dev_ids = {d.id for d in batch if d.id}
        dev_ids |= {d.target for d in batch if isinstance(d, CorrectionIssued | RetractionIssued)}
        dev_ids |= {answered for d in batch for answered in d.responds_to}
        dev_ids |= {i for d in batch if isinstance(d, CorrectionIssued) for i in _listed(d.changes.get("responds_to"))}
        dev_ids |= {f"auto-register-{a}" for d in batch for a in d.actor_refs()}
        dev_ids |= {f"auto-register-{a}" for a in changed}
        self.states = dict(self.lookup.developments(sorted(dev_ids)))
        self.claimed([milestone_stream(n, m) for d in batch for n, m in _milestones_named(d)])

    def claimed(self, streams: Sequence[str]) -> set[str]:
        """Which of these milestone streams are claimed, asking the store only about those not seen yet."""
        unseen = sorted({s for s in streams if s not in self.milestones})
        if unseen:
            found = self.lookup.existing_milestones(unseen)
            self.milestones.update({s: s in found for s in unseen})
        return {s for s in streams if self.milestones[s]}

    def add(self, development: Development) -> None:
        assert development.id is not None
        existing = self.states.get(development.id)
        digest = development.content_digest()
        if existing is not None:
            if existing.digest == digest:
                self.plan.unchanged.append(development.id)
                return
            raise ConflictingDevelopment(f"development {development.id!r} was recorded before with other content")
        if not self.allow_future:
            dates = {
                "occurred": development.occurred,
                "reported": development.reported,
                "sources": [source.__dict__ for source in development.sources],
            }
            ahead = future_fields(dates, self.now())
            if ahead:
                raise InvalidInput(f"{ahead[0]} is in the future (pass --allow-future if that is meant)")
        self.check_references(development)
        if isinstance(development, CorrectionIssued | RetractionIssued):
            self.apply_to_target(development)
        self.record(development, digest)

    def record(self, development: Development, digest: str) -> None:
        assert development.id is not None
        self.emit(
            DevelopmentRecorded,
            development_stream(development.id),
            1,
            development=development,
            digest=digest,
        )
        self.states[development.id] = DevelopmentState(1, development, digest, development)
        self.plan.recorded.append(development.id)
        if isinstance(development, ActorRegistered):
            self.actors.add(development.actor)
            self.emit(ActorIdClaimed, actor_stream(development.actor), 1, development=development.id)
        elif isinstance(development, NegotiationOpened):
            self.negotiations.add(development.negotiation)
            self.emit(
                NegotiationIdClaimed,
                negotiation_stream(development.negotiation),
                1,
                development=development.id,
            )
        elif isinstance(development, AgreementReached | AgreementExtended):
            self.claim_milestones(development.negotiation, [d.milestone for d in development.deadlines], development.id)

    def claim_milestones(self, negotiation: str, milestones: Sequence[str], dev_id: str) -> None:
        streams = list(dict.fromkeys(milestone_stream(negotiation, m) for m in milestones))
        known = self.claimed(streams)
        for stream in streams:
            if stream not in known:
                self.milestones[stream] = True
                self.emit(MilestoneClaimed, stream, 1, development=dev_id)

    def emit(self, cls: type[DomainEvent], stream: str, version: int, **fields: Any) -> None:
        self.plan.events.append(cls(originator_id=stream, originator_version=version, timestamp=self.now(), **fields))

    def check_references(self, development: Development) -> None:
        if isinstance(development, ActorRegistered) and development.actor in self.actors:
            raise ConflictingDevelopment(f"actor {development.actor!r} is already registered")
        if isinstance(development, NegotiationOpened) and development.negotiation in self.negotiations:
            raise ConflictingDevelopment(f"negotiation {development.negotiation!r} is already opened")
        own = development.actor if isinstance(development, ActorRegistered) else None
        self.require(development, development, set() if own is None else {own})

    def require(self, development: Development, cause: Development, known: set[str]) -> None:
        """The one reference rule, for appends and corrections alike: every actor and negotiation
        `development` names exists (or is in `known`), or is registered automatically when asked."""
        missing_negotiations = [
            n for n in development.negotiation_refs() if n not in self.negotiations and n not in known
        ]
        if missing_negotiations:
            raise UnknownReference(
                f"unknown negotiation {missing_negotiations[0]!r} (open it first with negotiation_opened)"
            )
        missing = [a for a in development.actor_refs() if a not in self.actors]
        missing += [x for x in development.either_refs() if x not in self.actors and x not in self.negotiations]
        unknown = [d for d in development.responds_to if d not in self.states and d not in known]
        if unknown:
            raise UnknownReference(f"responds_to: unknown development {unknown[0]!r}")
        if isinstance(development, AgreementExtended):
            self.check_supersedes(development)
        missing = [a for a in dict.fromkeys(missing) if a not in known]
        if not missing:
            return
        if not self.auto_register:
            raise UnknownReference(f"unknown actor {missing[0]!r} (register it first, or pass --auto-register)")
        for actor_id in missing:
            auto = _auto_actor(actor_id, cause)
            if auto.id in self.states:  # registered automatically by a writer that raced us
                self.actors.add(actor_id)
                continue
            self.record(auto, auto.content_digest())
            self.plan.notes.append(f"registered unknown actor {actor_id!r} as an organization")

    def check_supersedes(self, development: AgreementExtended) -> None:
        streams = [milestone_stream(development.negotiation, m) for m in development.supersedes]
        known = self.claimed(streams)
        for milestone, stream in zip(development.supersedes, streams, strict=True):
            if stream not in known:
                raise UnknownReference(
                    f"supersedes: negotiation {development.negotiation!r} has no milestone {milestone!r} to supersede"
                )

    def apply_to_target(self, development: CorrectionIssued | RetractionIssued) -> None:
        assert development.id is not None
        target = self.states.get(development.target)
        if target is None:
            raise UnknownReference(f"unknown development {development.target!r}")
        if isinstance(target.original, CorrectionIssued | RetractionIssued):
            raise InvalidInput(
                f"development {development.target!r} is itself a {target.original.type}; issue a new correction instead"
            )
        if target.retracted_by:
            raise ConflictingDevelopment(
                f"development {development.target!r} was already retracted by {target.retracted_by!r}"
            )
        stream = development_stream(development.target)
        version = target.version + 1
        if isinstance(development, CorrectionIssued):
            corrected = DevelopmentCorrected(
                originator_id=stream,
                originator_version=version,
                timestamp=self.now(),
                correction=development.id,
                changes=development.changes,
            )
            revised = target.corrected(corrected)
            # What the correction names anew obeys the rule of an append; what it keeps was checked then.
            kept = {*_named(revised.current)}
            before = {*_named(target.current)}
            self.require(revised.current, development, before & kept)
            self.states[development.target] = state = revised
            self.plan.events.append(corrected)
            if isinstance(state.current, AgreementReached | AgreementExtended) and "deadlines" in development.changes:
                milestones = [d.milestone for d in state.current.deadlines]
                self.claim_milestones(state.current.negotiation, milestones, development.id)
        else:
            retracted = DevelopmentRetracted(
                originator_id=stream,
                originator_version=version,
                timestamp=self.now(),
                retraction=development.id,
            )
            self.states[development.target] = target.retracted(retracted)
            self.plan.events.append(retracted)


def _named(development: Development) -> list[str]:
    """Every id a development names: actors, negotiations, and the developments it answers."""
    return [
        *development.actor_refs(),
        *development.either_refs(),
        *development.negotiation_refs(),
        *development.responds_to,
    ]


def _milestones_named(development: Development) -> list[tuple[str, str]]:
    """The (negotiation, milestone) pairs a development sets or supersedes, whose claims the plan asks about."""
    if not isinstance(development, AgreementReached | AgreementExtended):
        return []
    named = [d.milestone for d in development.deadlines]
    named += list(development.supersedes) if isinstance(development, AgreementExtended) else []
    return [(development.negotiation, m) for m in named]


def _listed(value: object) -> list[str]:
    """The ids in a correction's new value of a list field (anything else is refused later)."""
    return [i for i in value if isinstance(i, str)] if isinstance(value, list) else []


def _named_in_changes(correction: CorrectionIssued) -> set[str]:
    """Every id a correction's changes could name, whatever the type of its target (read in bulk first)."""
    found: set[str] = set()
    for value in correction.changes.values():
        items = value if isinstance(value, list) else [value]
        found |= {item for item in items if isinstance(item, str)}
    return found


def assign_ids(batch: Sequence[Development], lookup: Lookup) -> list[Development]:
    """`batch` with an id for every development that has none, read as `Development.generated_ids`:

    - the legacy id, if the store holds this very content under it (recorded before readable ids);
    - else the readable id, unless the store or an earlier line of the batch holds other content under it
      (an id written out anywhere in the batch counts as held from the first line);
    - else the readable id with a digest of the content.

    The same content is given the same id however often it is appended, so appending it again is a no-op."""
    missing = {index: d.generated_ids() for index, d in enumerate(batch) if not d.id}
    if not missing:
        return list(batch)
    wanted = sorted({i for ids in missing.values() for i in ids})
    held = {ident: state.digest for ident, state in lookup.developments(wanted).items()}
    for development in batch:
        if development.id and development.id not in held:
            held[development.id] = development.content_digest()
    assigned: list[Development] = []
    for index, development in enumerate(batch):
        ids = missing.get(index)
        if ids is None:
            assigned.append(development)
            continue
        digest = development.content_digest()
        if held.get(ids.legacy) == digest:
            ident = ids.legacy
        else:
            ident = ids.readable if held.get(ids.readable, digest) == digest else ids.suffixed
            held.setdefault(ident, digest)
        assigned.append(development.with_id(ident))
    return assigned


def plan_append(
    batch: Sequence[Development],
    lookup: Lookup,
    *,
    auto_register: bool = False,
    allow_future: bool = False,
    now: Callable[[], datetime],
) -> AppendPlan:
    """Decide the events that record `batch`, all or nothing; raise `BatchError` on the first bad item.
    A development dated or reported after `now` is refused unless `allow_future`."""
    planner = _Planner(lookup, auto_register, now, allow_future)
    with_ids = assign_ids(batch, lookup)
    planner.prefetch(with_ids)
    for index, development in enumerate(with_ids):
        try:
            planner.add(development)
        except InvalidInput as error:
            raise BatchError(index, error) from None
    return planner.plan


def check_each(
    batch: Sequence[Development],
    lookup: Lookup,
    *,
    auto_register: bool = False,
    allow_future: bool = False,
    now: Callable[[], datetime],
) -> list[tuple[int, InvalidInput]]:
    """Every item of `batch` the rules refuse, with its index, checked as `plan_append` would; a refused
    item is left out, so later items are checked against the store and the items before them that pass."""
    planner = _Planner(lookup, auto_register, now, allow_future)
    with_ids = assign_ids(batch, lookup)
    planner.prefetch(with_ids)
    refused: list[tuple[int, InvalidInput]] = []
    for index, development in enumerate(with_ids):
        try:
            planner.add(development)
        except InvalidInput as error:
            refused.append((index, error))
    return refused

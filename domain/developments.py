"""The interchange format, v1: one development per JSON object, one past-tense class per `type`.

These names are a public contract (files, `--json` output, the JSON Schema): extend, never rename.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, ClassVar, Literal, TypeAlias

import orjson
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    model_serializer,
)

from chronicle.domain.dates import FuzzyDate
from chronicle.domain.fields import (
    MAX_COUNT,
    MAX_ITEMS,
    MAX_SOURCES,
    ActorKind,
    Confidence,
    Count,
    DateText,
    EndOutcome,
    LongText,
    MomentText,
    ShortText,
    Slug,
    Slugs,
    Stance,
    a_number,
    absent,
    refs,
)
from chronicle.domain.ids import SUFFIX_LENGTH, GeneratedIds, summary_slug
from chronicle.domain.places import Place

# Part of the format, so imported from here too.
from chronicle.domain.values import Deadline as Deadline
from chronicle.domain.values import Source as Source
from chronicle.domain.values import source_identity as source_identity


class Record(BaseModel):
    """Base of every value in the format: immutable, strict about unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Development(Record):
    """Fields every development carries; subclasses add the fields of their `type`."""

    id: Slug | None = Field(default=None, description="idempotency key; generated from the content when absent")
    occurred: DateText
    summary: ShortText
    sources: Annotated[list[Source], Field(max_length=MAX_SOURCES)] = []
    confidence: Confidence = Confidence.reported
    until: DateText | None = Field(default=None, description="the last day of a span that starts at `occurred`")
    place: Place | None = None
    tags: Annotated[list[Slug], Field(max_length=MAX_SOURCES)] = Field(default=[], description="slugs, e.g. maritime")
    responds_to: Slugs = Field(default=[], description="ids of the developments this one answers")

    # Fields added to v1 after its first files: left out of a development's JSON (so of its digest and of
    # the id generated from it) while unset, so a development written before them reads and digests the same.
    extension_fields: ClassVar[tuple[str, ...]] = ("until", "place", "tags", "responds_to")
    # Left out of the JSON when absent, so a development without it keeps its bytes, digest and id.
    reported: MomentText | None = Field(
        default=None,
        exclude_if=absent,
        description="when it became public; default: the earliest `published` of its sources, else when recorded",
    )

    # Fields naming the entity a development is about; a correction may not change them.
    identity_fields: ClassVar[tuple[str, ...]] = ()
    # Fields holding ids this type refers to, in order: actors, negotiations, and ids that may be either.
    # Declared as data, so the same refs can be read from a stored development's JSON without a model.
    actor_fields: ClassVar[tuple[str, ...]] = ()
    negotiation_fields: ClassVar[tuple[str, ...]] = ()
    either_fields: ClassVar[tuple[str, ...]] = ()

    @field_validator("until")
    @classmethod
    def _until_not_before_occurred(cls, value: str | None, info: ValidationInfo) -> str | None:
        occurred = info.data.get("occurred")
        if value is not None and occurred and FuzzyDate.parse(value).end < FuzzyDate.parse(occurred).start:
            raise ValueError(f"{value!r} is before occurred {occurred!r}")
        return value

    @field_validator("responds_to")
    @classmethod
    def _not_to_itself(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if info.data.get("id") and info.data["id"] in value:
            raise ValueError(f"{info.data['id']!r} cannot answer itself")
        return value

    @model_serializer(mode="wrap")
    def _without_unset_extensions(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for name in self.extension_fields:
            if name in data and (data[name] is None or data[name] == []):
                del data[name]
        return data

    def actor_refs(self) -> list[str]:
        """Actor ids this development refers to (all must exist)."""
        return refs(self.actor_fields, self.__dict__)

    def negotiation_refs(self) -> list[str]:
        """Negotiation ids this development refers to (all must exist)."""
        return refs(self.negotiation_fields, self.__dict__)

    def either_refs(self) -> list[str]:
        """Ids that may name an actor or a negotiation."""
        return refs(self.either_fields, self.__dict__)

    @property
    def when(self) -> FuzzyDate:
        return FuzzyDate.parse(self.occurred)

    def content_digest(self) -> str:
        """SHA-256 over the canonical JSON of this development (sorted keys, no id)."""
        body = self.model_dump(mode="json", exclude={"id"})
        return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()

    def generated_ids(self) -> GeneratedIds:
        """The ids this development may be given when it has none (`rules.assign_ids` picks one)."""
        stem = f"{getattr(self, 'type', 'development').replace('_', '-')}-{self.occurred}"
        digest = self.content_digest()
        legacy = f"{stem}-{digest[:12]}"
        words = summary_slug(self.summary)
        readable = f"{stem}-{words}" if words else legacy
        return GeneratedIds(readable, f"{readable}-{digest[:SUFFIX_LENGTH]}", legacy)

    def with_id(self, ident: str | None = None) -> Development:
        """This development with its id: its own, else `ident`, else its readable generated one."""
        if self.id:
            return self
        return self.model_copy(update={"id": ident or self.generated_ids().readable})


class ActorRegistered(Development):
    """An actor (state, group, person, ...) enters the story."""

    type: Literal["actor_registered"]
    actor: Slug
    name: ShortText
    kind: ActorKind
    aliases: Annotated[list[ShortText], Field(max_length=MAX_SOURCES)] = []
    aligned_with: Slugs = []
    part_of: Slug | None = None
    identity_fields: ClassVar[tuple[str, ...]] = ("actor",)
    actor_fields: ClassVar[tuple[str, ...]] = ("aligned_with", "part_of")


class StrikeCarriedOut(Development):
    """An actor struck targets; people may have been killed."""

    type: Literal["strike"]
    by: Slug
    targets: Slugs = []
    location: ShortText | None = None
    killed: Slugs = Field(default=[], description="actor ids of persons killed")
    deaths: Count | None = None
    injured: Count | None = None
    stated_reason: LongText | None = None
    actor_fields: ClassVar[tuple[str, ...]] = ("by", "targets", "killed")


class AttackReported(Development):
    """One or more attacks, claimed (`by`) or unclaimed (`by` null)."""

    type: Literal["attack"]
    by: Slug | None = None
    targets: Slugs = []
    location: ShortText | None = None
    killed: Slugs = []
    deaths: Count | None = None
    injured: Count | None = None
    stated_reason: LongText | None = None
    actor_fields: ClassVar[tuple[str, ...]] = ("by", "targets", "killed")
    count: Annotated[int, Field(strict=True, ge=1, le=1_000_000)] = 1


class StatementMade(Development):
    """An actor said something, about actors or negotiations."""

    type: Literal["statement"]
    by: Slug
    text: LongText
    about: Slugs = []
    actor_fields: ClassVar[tuple[str, ...]] = ("by",)
    either_fields: ClassVar[tuple[str, ...]] = ("about",)


class FigureReported(Development):
    """A number about an actor, e.g. its troops in a country."""

    type: Literal["figure_reported"]
    actor: Slug
    metric: Slug
    value: Annotated[
        Annotated[int, Field(ge=-MAX_COUNT, le=MAX_COUNT)] | Annotated[float, Field(allow_inf_nan=False)],
        BeforeValidator(a_number),
    ]
    scope: Slug | None = None
    as_of: DateText | None = Field(default=None, description="defaults to `occurred`")
    actor_fields: ClassVar[tuple[str, ...]] = ("actor",)

    @property
    def effective_as_of(self) -> FuzzyDate:
        return FuzzyDate.parse(self.as_of or self.occurred)


class NegotiationOpened(Development):
    """A negotiation (talks, a process) begins."""

    type: Literal["negotiation_opened"]
    negotiation: Slug
    title: ShortText
    parties: Slugs = []
    subject: LongText
    identity_fields: ClassVar[tuple[str, ...]] = ("negotiation",)
    actor_fields: ClassVar[tuple[str, ...]] = ("parties",)


class NegotiationDevelopment(Development):
    """A development that moves a negotiation along."""

    negotiation: Slug
    negotiation_fields: ClassVar[tuple[str, ...]] = ("negotiation",)


class CommitteeFormed(NegotiationDevelopment):
    """A committee is convened for a negotiation."""

    type: Literal["committee_formed"]
    convened_by: Slug
    members: Slugs = []
    mandate: LongText
    actor_fields: ClassVar[tuple[str, ...]] = ("convened_by", "members")


class TalksHeld(NegotiationDevelopment):
    """A round of talks took place."""

    type: Literal["talks_held"]
    parties: Slugs = []
    round: Annotated[int, Field(strict=True, ge=1, le=MAX_COUNT)] | None = None
    outcome: LongText | None = None
    actor_fields: ClassVar[tuple[str, ...]] = ("parties",)


class PositionTaken(NegotiationDevelopment):
    """An actor took a position in a negotiation."""

    type: Literal["position_taken"]
    actor: Slug
    position: Stance
    text: LongText
    actor_fields: ClassVar[tuple[str, ...]] = ("actor",)


class AgreementReached(NegotiationDevelopment):
    """The parties agreed terms, with deadlines."""

    type: Literal["agreement_reached"]
    terms: LongText
    deadlines: Annotated[list[Deadline], Field(max_length=MAX_ITEMS)] = []


class MilestoneCompleted(NegotiationDevelopment):
    """A milestone of an agreement was completed."""

    type: Literal["milestone_completed"]
    milestone: ShortText


class AgreementExtended(NegotiationDevelopment):
    """An agreement's terms were renewed or amended: new deadlines, replacing (`supersedes`) earlier ones."""

    type: Literal["agreement_extended"]
    terms: LongText | None = None
    deadlines: Annotated[list[Deadline], Field(max_length=MAX_ITEMS)] = []
    supersedes: Annotated[list[ShortText], Field(max_length=MAX_ITEMS)] = Field(
        default=[], description="milestones of earlier deadlines these terms replace"
    )


class NegotiationSuspended(NegotiationDevelopment):
    """A negotiation was suspended (by one party, if `by` is given)."""

    type: Literal["negotiation_suspended"]
    reason: LongText | None = None
    by: Slug | None = None
    actor_fields: ClassVar[tuple[str, ...]] = ("by",)
    extension_fields: ClassVar[tuple[str, ...]] = (*Development.extension_fields, "by")


class NegotiationResumed(NegotiationDevelopment):
    """A suspended or ended negotiation resumed where it was."""

    type: Literal["negotiation_resumed"]
    reason: LongText | None = None
    by: Slug | None = None
    actor_fields: ClassVar[tuple[str, ...]] = ("by",)
    extension_fields: ClassVar[tuple[str, ...]] = (*Development.extension_fields, "by")


class NegotiationEnded(NegotiationDevelopment):
    """A negotiation ended: concluded, expired, left by a party (`withdrawn`) or collapsed."""

    type: Literal["negotiation_ended"]
    by: Slug | None = None
    outcome: EndOutcome
    text: LongText
    actor_fields: ClassVar[tuple[str, ...]] = ("by",)


class CorrectionIssued(Development):
    """An earlier development is corrected: it counts as if recorded with these changes."""

    type: Literal["correction"]
    target: Slug
    changes: Annotated[dict[str, Any], Field(min_length=1)]
    reason: LongText


class RetractionIssued(Development):
    """An earlier development is retracted: its effect is removed, its record kept."""

    type: Literal["retraction"]
    target: Slug
    reason: LongText


class SourceRedacted(Development):
    """A confidential source's key was destroyed: it reads as [redacted] everywhere, for good."""

    type: Literal["source_redacted"]
    source: Slug
    reason: LongText


AnyDevelopment: TypeAlias = Annotated[
    ActorRegistered
    | StrikeCarriedOut
    | AttackReported
    | StatementMade
    | FigureReported
    | NegotiationOpened
    | CommitteeFormed
    | TalksHeld
    | PositionTaken
    | AgreementReached
    | MilestoneCompleted
    | NegotiationSuspended
    | NegotiationResumed
    | CorrectionIssued
    | RetractionIssued
    | SourceRedacted
    | AgreementExtended
    | NegotiationEnded,
    Field(discriminator="type"),
]

DEVELOPMENT_ADAPTER: TypeAdapter[AnyDevelopment] = TypeAdapter(AnyDevelopment, config=ConfigDict(defer_build=True))

TYPES: dict[str, type[Development]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in (
        ActorRegistered,
        StrikeCarriedOut,
        AttackReported,
        StatementMade,
        FigureReported,
        NegotiationOpened,
        CommitteeFormed,
        TalksHeld,
        PositionTaken,
        AgreementReached,
        MilestoneCompleted,
        NegotiationSuspended,
        NegotiationResumed,
        CorrectionIssued,
        RetractionIssued,
        SourceRedacted,
        AgreementExtended,
        NegotiationEnded,
    )
}

"""What is stored: each development's own stream, plus id claims that keep actors and negotiations unique.

Stream ids: `development:<id>`, `actor:<id>`, `negotiation:<id>`. Short streams make an append cost the
same in a store of ten developments or ten million.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from chronicle.domain.developments import AnyDevelopment
from chronicle.domain.keys import DEVELOPMENT, MILESTONE, EntityKey


class DomainEvent(BaseModel):
    """Base of stored events: immutable, with eventsourcing's originator id, version and timestamp."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    originator_id: str
    originator_version: int
    timestamp: datetime


class Signature(BaseModel):
    """An Ed25519 signature over an event's seal without the signature (`key`: the signer's fingerprint)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    value: str  # base64


class DevelopmentRecorded(DomainEvent):
    """A development entered the log; `digest` is the SHA-256 of its canonical content.

    `recorded_by` names the analyst (None in stores made before it was kept); `signature`, stored last,
    is the analyst's signature when the append was signed. Neither is part of the content's digest."""

    development: AnyDevelopment
    digest: str
    recorded_by: str | None = None
    signature: Signature | None = None


class DevelopmentCorrected(DomainEvent):
    """A correction now applies to this development (recorded on the target's own stream)."""

    correction: str
    changes: dict[str, Any]


class DevelopmentRetracted(DomainEvent):
    """A retraction now applies to this development (recorded on the target's own stream)."""

    retraction: str


class ActorIdClaimed(DomainEvent):
    """An actor id was taken by the registration `development`."""

    development: str


class NegotiationIdClaimed(DomainEvent):
    """A negotiation id was taken by the opening `development`."""

    development: str


class MilestoneClaimed(DomainEvent):
    """A negotiation's milestone was first set by the agreement `development` (a later one may supersede it)."""

    development: str


def development_stream(dev_id: str) -> str:
    return str(EntityKey(DEVELOPMENT, dev_id))


def actor_stream(actor_id: str) -> str:
    return str(EntityKey.actor(actor_id))


def negotiation_stream(negotiation_id: str) -> str:
    return str(EntityKey.negotiation(negotiation_id))


def milestone_stream(negotiation_id: str, milestone: str) -> str:
    """A milestone's claim stream: milestones match whatever their case, as the fold matches them."""
    return str(EntityKey(MILESTONE, f"{negotiation_id}/{milestone.casefold()}"))

"""Who records: analysts' names, their registered public keys, and the store's signing policy. Pure.

Registering or revoking a key is itself a recorded event (on the analyst's own stream `analyst:<name>`),
so the log says who added whom and when, and `verify` can ask which keys were valid at any position.
"""

from __future__ import annotations

import re

from chronicle.domain.errors import InvalidInput
from chronicle.domain.events import DomainEvent

UNKNOWN = "unknown"  # who recorded a development stored before the log said so
NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,127}$")  # the format's slug
POLICY_STREAM = "policy:signatures"


class AnalystAdded(DomainEvent):
    """`name`'s public key (raw Ed25519, base64) was registered by `recorded_by`."""

    name: str
    public_key: str
    fingerprint: str
    recorded_by: str


class AnalystRevoked(DomainEvent):
    """`name`'s key was revoked by `recorded_by`: what it signed before stays valid, nothing after."""

    name: str
    fingerprint: str
    recorded_by: str


class SignaturesRequired(DomainEvent):
    """From here on the store refuses every unsigned append."""

    recorded_by: str


def analyst_stream(name: str) -> str:
    return f"analyst:{name}"


def check_name(name: str, flag: str = "--as") -> str:
    """An analyst's name as given on the command line: a slug, or one line of bad input."""
    if not NAME.match(name):
        raise InvalidInput(f"{flag} {name!r}: an analyst's name is a slug (lower-case letters, digits, '-', '_', '.')")
    return name


def as_name(text: str) -> str:
    """A name found elsewhere (a database role, an OS user) spelled as a slug; `unknown` if nothing is left."""
    spelled = re.sub(r"[^a-z0-9_.-]+", "-", text.strip().lower()).strip("-_.")[:128]
    return spelled if NAME.match(spelled) else UNKNOWN

"""Analysts' keys in the store: registering and revoking them, requiring signatures, and checking every
signature in the log against the keys valid where it stands; signed heads."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from eventsourcing.utils import get_topic

from chronicle.domain.analysts import (
    POLICY_STREAM,
    AnalystAdded,
    AnalystRevoked,
    SignaturesRequired,
    analyst_stream,
    check_name,
)
from chronicle.domain.errors import IntegrityFailure, InvalidInput
from chronicle.domain.events import DomainEvent
from chronicle.service.signing import RECORDED_TOPIC, read_secret_file
from chronicle.service.store import Store

ADDED, REVOKED, REQUIRED = get_topic(AnalystAdded), get_topic(AnalystRevoked), get_topic(SignaturesRequired)
NAMED = 20  # unsigned developments named one by one in a note; the rest are counted


def _stream_events(session: Any, stream: str) -> list[Any]:
    from eventsourcing.persistence import StoredEvent

    rows = session._select(
        "originator_id, originator_version, topic, state", [stream], order=" ORDER BY originator_version"
    )
    return [
        session.mapper.to_domain_event(
            StoredEvent(r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"]))
        )
        for r in rows
    ]


def _insert(session: Any, event: DomainEvent) -> None:
    session.insert([event])


def add_analyst(store: Store, name: str, public_key_file: str) -> str:
    """Register `name`'s public key (a development of its own: who added whom, when); its fingerprint."""
    from chronicle.integrity.signatures import fingerprint, load_public

    check_name(name, "analyst")
    try:
        text = open(public_key_file, encoding="utf-8").read()  # noqa: SIM115 - read whole, closed at once
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read public key file {public_key_file}: {error}") from None
    raw = load_public(text, f"public key file {public_key_file}")
    key = fingerprint(raw)
    with store.writing() as session:
        events = _stream_events(session, analyst_stream(name))
        last = events[-1] if events else None
        if isinstance(last, AnalystAdded):
            if last.fingerprint == key:
                return key
            raise InvalidInput(f"analyst {name} already has key {last.fingerprint[:12]}…: revoke it first")
        by = store.app.stamper().name(session)
        _insert(
            session,
            AnalystAdded(
                originator_id=analyst_stream(name),
                originator_version=len(events) + 1,
                timestamp=datetime.now(UTC),
                name=name,
                public_key=base64.b64encode(raw).decode(),
                fingerprint=key,
                recorded_by=by,
            ),
        )
    return key


def revoke_analyst(store: Store, name: str) -> str:
    """Revoke `name`'s key (recorded); what it signed before stays valid. Its fingerprint."""
    check_name(name, "analyst")
    with store.writing() as session:
        events = _stream_events(session, analyst_stream(name))
        last = events[-1] if events else None
        if not isinstance(last, AnalystAdded):
            raise InvalidInput(f"analyst {name} has no registered key to revoke (see `chronicle analyst list`)")
        _insert(
            session,
            AnalystRevoked(
                originator_id=analyst_stream(name),
                originator_version=len(events) + 1,
                timestamp=datetime.now(UTC),
                name=name,
                fingerprint=last.fingerprint,
                recorded_by=store.app.stamper().name(session),
            ),
        )
        return last.fingerprint


def require_signatures(store: Store) -> bool:
    """From now on refuse unsigned appends (recorded once); whether this call recorded it."""
    with store.writing() as session:
        if session.existing_streams([POLICY_STREAM]):
            return False
        _insert(
            session,
            SignaturesRequired(
                originator_id=POLICY_STREAM,
                originator_version=1,
                timestamp=datetime.now(UTC),
                recorded_by=store.app.stamper().name(session),
            ),
        )
        return True


@dataclass
class SignatureReport:
    problems: list[str] = field(default_factory=list)  # each begins "position N:", as verify's do
    notes: list[str] = field(default_factory=list)
    signed: int = 0


def _state(store: Store, notification: Any) -> bytes:
    state = bytes(notification.state)
    cipher = store.app.mapper.cipher
    return bytes(cipher.decrypt(state)) if cipher is not None else state


def check_signatures(store: Store) -> SignatureReport:
    """Every signed development's signature, by a key registered (and not revoked) where it stands; with
    signatures required, every development recorded after that is signed. Reads the log a page at a time."""
    from chronicle.integrity import signatures as sig
    from chronicle.integrity.chain import page_lists
    from chronicle.service.mapper import check_seal, event_digest

    report = SignatureReport()
    registry = sig.Registry()
    required: int | None = None
    unsigned: list[str] = []
    for page in page_lists(store.app.recorder):
        for n in page:
            if n.topic not in (RECORDED_TOPIC, ADDED, REVOKED, REQUIRED):
                continue
            try:
                state = _state(store, n)
            except Exception:  # unreadable: the seal check names it
                continue
            if not check_seal(str(n.originator_id), n.originator_version, n.topic, state):
                continue  # verify's seal check names the edit
            fields = orjson.loads(state)
            if n.topic == ADDED:
                registry.added(fields["name"], base64.b64decode(fields["public_key"]), n.id)
            elif n.topic == REVOKED:
                registry.revoked(fields["fingerprint"], n.id)
            elif n.topic == REQUIRED:
                required = n.id if required is None else required
            else:
                dev = fields["development"].get("id", n.originator_id)
                split = sig.unsigned_payload(state)
                if split is None:
                    if required is not None:
                        report.problems.append(f"position {n.id}: development {dev} is unsigned (signatures required)")
                    else:
                        unsigned.append(dev)
                    continue
                payload, signature = split
                digest = event_digest(str(n.originator_id), n.originator_version, n.topic, payload)
                key = str(signature.get("key", ""))
                why = registry.problem(key, n.id)
                if why is None and not sig.verifies(
                    registry.keys[key].raw, sig.event_message(digest), str(signature.get("value", ""))
                ):
                    why = "signature does not match (forged or altered)"
                if why is not None:
                    report.problems.append(f"position {n.id}: development {dev}: {why}")
                else:
                    report.signed += 1
    if unsigned and (registry.keys or report.signed):
        named = ", ".join(unsigned[:NAMED]) + (f" and {len(unsigned) - NAMED} more" if len(unsigned) > NAMED else "")
        report.notes.append(f"{len(unsigned)} unsigned development{'' if len(unsigned) == 1 else 's'}: {named}")
    return report


# -- signed heads ----------------------------------------------------------------------------------


def signed_head(position: int, digest: str, key_file: str) -> dict[str, Any]:
    """A head statement signed with the key in `key_file`: one JSON object, the signature last."""
    from chronicle.integrity.signatures import head_message
    from chronicle.service.signing import load_signer

    read_secret_file(key_file, "signing key file")
    signer = load_signer(key_file)
    head: dict[str, Any] = {
        "position": position,
        "hash": digest,
        "time": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "signer": signer.name or "unknown",
        "key": signer.fingerprint,
    }
    head["signature"] = signer.sign(head_message(head))
    return head


def parse_signed_head(text: str, label: str) -> dict[str, Any]:
    try:
        head = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise InvalidInput(f"{label}: not a signed head (one JSON line from `verify --root --sign`)") from None
    wanted = ("position", "hash", "time", "signer", "key", "signature")
    if not isinstance(head, dict) or any(k not in head for k in wanted) or not isinstance(head["position"], int):
        raise InvalidInput(f"{label}: a signed head needs {', '.join(wanted)}")
    return head


def check_head_signature(store: Store, head: dict[str, Any]) -> None:
    """The head's signature, by a key the store registered and had not revoked at the head's position."""
    from chronicle.integrity import signatures as sig
    from chronicle.integrity.chain import page_lists

    registry = sig.Registry()
    for page in page_lists(store.app.recorder):
        for n in page:
            if n.topic in (ADDED, REVOKED):
                fields = orjson.loads(_state(store, n))
                if n.topic == ADDED:
                    registry.added(fields["name"], base64.b64decode(fields["public_key"]), n.id)
                else:
                    registry.revoked(fields["fingerprint"], n.id)
    key = str(head["key"])
    found = registry.keys.get(key)
    # A head may be signed after the fact, by a key registered later; not by one revoked before it.
    why = registry.problem(key, max(int(head["position"]), found.added if found else 0))
    if why is not None:
        raise IntegrityFailure(f"the head at position {head['position']} is {why}")
    if not sig.verifies(registry.keys[key].raw, sig.head_message(head), str(head["signature"])):
        raise IntegrityFailure(f"the head at position {head['position']} does not match its signature (altered)")

"""eventsourcing 9.5.6 ships no pydantic mapper: this one stores `model_dump(mode="json")` as orjson."""

from __future__ import annotations

import hashlib
from typing import Any, cast

import orjson
from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel

_ENVELOPE = {"originator_id", "originator_version"}
# Fields left out while empty, so events without them are stored as before they existed.
_OPTIONAL = ("recorded_by", "signature")
_SEAL_SUFFIX_LEN = len(b',"sha256":""}') + 64


def event_digest(originator_id: str, version: int, topic: str, payload: bytes) -> str:
    """SHA-256 over an event's identity and its exact JSON payload bytes."""
    head = f"{originator_id}\x00{version}\x00{topic}\x00".encode()
    return hashlib.sha256(head + payload).hexdigest()


def seal(originator_id: str, version: int, topic: str, payload: bytes) -> bytes:
    """The payload with its own digest appended as a last `sha256` field."""
    digest = event_digest(originator_id, version, topic, payload)
    return payload[:-1] + b',"sha256":"' + digest.encode() + b'"}'


def check_seal(originator_id: str, version: int, topic: str, state: bytes | str) -> bool:
    """Whether a stored (decrypted) state still matches the digest it was sealed with."""
    if isinstance(state, str):  # SQLite hands back text if someone rewrote the blob as text
        state = state.encode()
    if len(state) < _SEAL_SUFFIX_LEN or not state.endswith(b'"}'):
        return False
    payload = state[:-_SEAL_SUFFIX_LEN] + b"}"
    marker = state[-_SEAL_SUFFIX_LEN:]
    if not marker.startswith(b',"sha256":"'):
        return False
    return marker[11:75].decode(errors="replace") == event_digest(originator_id, version, topic, payload)


class OrjsonTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)


class PydanticMapper(Mapper[str]):
    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        model = cast(BaseModel, domain_event)
        topic = get_topic(type(domain_event))
        payload = self.payload(model)
        state = seal(domain_event.originator_id, domain_event.originator_version, topic, payload)
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=topic,
            state=state,
        )

    def payload(self, model: BaseModel, *, without: frozenset[str] = frozenset()) -> bytes:
        """An event's JSON payload as stored, before its seal (`without`: fields left out)."""
        exclude = _ENVELOPE | without | {name for name in _OPTIONAL if getattr(model, name, 0) is None}
        return self.transcoder.encode(model.model_dump(mode="json", exclude=exclude))

    def fields(self, stored_event: StoredEvent) -> dict[str, Any]:
        """The stored event's own JSON object, decrypted, without its envelope or seal: no model is built."""
        return self.state_fields(stored_event.state)

    def state_fields(self, state: bytes) -> dict[str, Any]:
        """`fields` of a stored event's state alone."""
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        fields: dict[str, Any] = self.transcoder.decode(state)
        fields.pop("sha256", None)
        return fields

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        try:
            fields = self.fields(stored_event)
            fields["originator_id"] = stored_event.originator_id
            fields["originator_version"] = stored_event.originator_version
            cls = resolve_topic(stored_event.topic)
            return cls.model_validate(fields)
        except Exception as error:
            raise MapperDeserialisationError(
                f"stored event {stored_event.originator_id} v{stored_event.originator_version} "
                f"cannot be read: {str(error).splitlines()[0]}"
            ) from error

"""eventsourcing 9.5.6 ships no pydantic mapper: this one stores `model_dump(mode="json")` as orjson."""

from __future__ import annotations

from typing import Any, cast

import orjson
from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel

_ENVELOPE = {"originator_id", "originator_version"}


class OrjsonTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)


class PydanticMapper(Mapper[str]):
    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        model = cast(BaseModel, domain_event)
        state = self.transcoder.encode(model.model_dump(mode="json", exclude=_ENVELOPE))
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=get_topic(type(domain_event)),
            state=state,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        state = stored_event.state
        try:
            if self.cipher:
                state = self.cipher.decrypt(state)
            if self.compressor:
                state = self.compressor.decompress(state)
            fields = self.transcoder.decode(state)
            fields["originator_id"] = stored_event.originator_id
            fields["originator_version"] = stored_event.originator_version
            cls = resolve_topic(stored_event.topic)
            return cls.model_validate(fields)
        except Exception as error:
            raise MapperDeserialisationError(
                f"stored event {stored_event.originator_id} v{stored_event.originator_version} "
                f"cannot be read: {str(error).splitlines()[0]}"
            ) from error

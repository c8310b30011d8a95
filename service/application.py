"""The eventsourcing Application: records developments, one transaction per append, retrying races."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from chronicle.domain.developments import Development
from chronicle.domain.errors import StoreError
from chronicle.domain.events import DomainEvent, actor_stream, development_stream, negotiation_stream
from chronicle.domain.rules import AppendPlan, DevelopmentState, fold_development, plan_append
from chronicle.service.mapper import OrjsonTranscoder, PydanticMapper

MAX_ATTEMPTS = 8
_CHUNK = 500


def utc_now() -> datetime:
    return datetime.now(UTC)


class Chronicle(Application[str]):
    """Records developments; every rule is decided by `plan_append` against this store."""

    name = "chronicle"
    env: ClassVar[dict[str, str]] = {
        "TRANSCODER_TOPIC": get_topic(OrjsonTranscoder),
        "MAPPER_TOPIC": get_topic(PydanticMapper),
    }

    # Turns planned events into stored ones (seals confidential sources); set by the store.
    sealer: Callable[[list[DomainEvent]], list[DomainEvent]] | None = None

    def record(self, batch: Sequence[Development], *, auto_register: bool = False) -> AppendPlan:
        """Record `batch` all or nothing; a race with another writer re-plans against the new state."""
        for _attempt in range(MAX_ATTEMPTS):
            plan = plan_append(batch, self, auto_register=auto_register, now=utc_now)
            if not plan.events:
                return plan
            events = self.sealer(plan.events) if self.sealer is not None else plan.events
            try:
                # Straight to eventsourcing's event store: `save` would first check every event against a
                # runtime Protocol (7 µs apiece on Python 3.11, 10% of a bulk append) for events built here.
                self.events.put(events)
            except IntegrityError:
                continue
            return plan
        raise StoreError(f"gave up after {MAX_ATTEMPTS} attempts: other writers kept changing the same developments")

    # -- Lookup, for the rules -------------------------------------------------------------

    def developments(self, ids: Sequence[str]) -> dict[str, DevelopmentState]:
        streams = {development_stream(i): i for i in ids}
        found: dict[str, DevelopmentState] = {}
        for stream in self.existing_streams(list(streams)):
            state = fold_development(self.events.get(stream))  # type: ignore[arg-type]
            if state is not None:
                found[streams[stream]] = state
        return found

    def existing_actors(self, ids: Sequence[str]) -> set[str]:
        return {s.partition(":")[2] for s in self.existing_streams([actor_stream(i) for i in ids])}

    def existing_negotiations(self, ids: Sequence[str]) -> set[str]:
        streams = [negotiation_stream(i) for i in ids]
        return {s.partition(":")[2] for s in self.existing_streams(streams)}

    def existing_streams(self, streams: Sequence[str]) -> set[str]:
        """Which of these streams have events: one indexed query per chunk, not one per stream."""
        recorder: Any = self.recorder
        table = recorder.events_table_name
        found: set[str] = set()
        postgres = hasattr(recorder.datastore, "schema")
        for i in range(0, len(streams), _CHUNK):
            chunk = list(streams[i : i + _CHUNK])
            if postgres:
                statement = (
                    f'SELECT originator_id FROM "{recorder.datastore.schema}"."{table}" '
                    "WHERE originator_id = ANY(%s) AND originator_version = 1"
                )
                params: Any = (chunk,)
            else:
                marks = ",".join("?" * len(chunk))
                statement = (
                    f"SELECT originator_id FROM {table} WHERE originator_id IN ({marks}) AND originator_version = 1"
                )
                params = chunk
            with recorder.datastore.transaction(commit=False) as c:
                c.execute(statement, params)
                found |= {row["originator_id"] for row in c.fetchall()}
        return found

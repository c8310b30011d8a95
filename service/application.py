"""The eventsourcing Application: records developments, one locked transaction per append."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import ClassVar

from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from chronicle.domain.developments import Development
from chronicle.domain.revisions import DevelopmentState
from chronicle.domain.rules import AppendPlan, BatchError
from chronicle.service.mapper import OrjsonTranscoder, PydanticMapper
from chronicle.service.signing import Stamper, Writer
from chronicle.service.writing import Sealer, Session, reading, writing


class Chronicle(Application[str]):
    """Records developments; every rule is decided by `plan_append` against this store."""

    name = "chronicle"
    env: ClassVar[dict[str, str]] = {
        "TRANSCODER_TOPIC": get_topic(OrjsonTranscoder),
        "MAPPER_TOPIC": get_topic(PydanticMapper),
    }

    # Seals confidential sources in planned events, writing new source keys through the given cursor;
    # set by the store.
    sealer: Sealer | None = None
    mapper: PydanticMapper
    # Who writes (`--as`, the signing key); set by whoever opens the store to write, else found when writing.
    writer: Writer | None = None

    def stamper(self) -> Stamper:
        return Stamper(self.writer or Writer())

    def record(
        self, batch: Sequence[Development], *, auto_register: bool = False, allow_future: bool = False
    ) -> AppendPlan:
        """Record `batch` all or nothing."""
        return self.record_pages([batch], auto_register=auto_register, allow_future=allow_future)

    def record_pages(
        self, pages: Iterable[Sequence[Development]], *, auto_register: bool = False, allow_future: bool = False
    ) -> AppendPlan:
        """Record every page in one transaction, all or nothing, holding one page in memory at a time.

        Each page is checked by the rules against the store as the earlier pages left it, then written.
        A `BatchError`'s index counts from the first development of the first page. What is returned
        says what was recorded; its `events` stay empty (they were written page by page)."""
        done = AppendPlan()
        offset = 0
        with writing(self.recorder, self.mapper, self.sealer, stamp=self.stamper()) as session:
            for page in pages:
                try:
                    plan = session.record(page, auto_register=auto_register, allow_future=allow_future)
                except BatchError as error:
                    raise BatchError(offset + error.index, error.cause) from None
                offset += len(page)
                done.recorded += plan.recorded
                done.unchanged += plan.unchanged
                done.notes += plan.notes
        return done

    def writing(self, *, rollback: bool = False) -> AbstractContextManager[Session]:
        """The append's own transaction, for callers that plan page by page themselves (imports)."""
        return writing(self.recorder, self.mapper, self.sealer, rollback=rollback, stamp=self.stamper())

    # -- Lookup, for the rules (reads the store as it is now, without the write lock) ----------

    def developments(self, ids: Sequence[str]) -> dict[str, DevelopmentState]:
        with reading(self.recorder, self.mapper) as session:
            return session.developments(ids)

    def existing_actors(self, ids: Sequence[str]) -> set[str]:
        with reading(self.recorder, self.mapper) as session:
            return session.existing_actors(ids)

    def existing_negotiations(self, ids: Sequence[str]) -> set[str]:
        with reading(self.recorder, self.mapper) as session:
            return session.existing_negotiations(ids)

    def claims(self, kind: str) -> dict[str, str]:
        with reading(self.recorder, self.mapper) as session:
            return session.claims(kind)

    def existing_milestones(self, streams: Sequence[str]) -> set[str]:
        with reading(self.recorder, self.mapper) as session:
            return session.existing_milestones(streams)

"""Prove the log unchanged: every event's digest, the chain, the views, and a published head."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chronicle.domain.errors import InvalidInput
from chronicle.service.failures import first_line, translate
from chronicle.service.store import Say, Store, quiet

if TYPE_CHECKING:
    from chronicle.projections import catchup, integrity


def sealed(store: Store, notification: Any) -> bool:
    """Whether a stored event still matches the SHA-256 it was recorded with."""
    from chronicle.service.mapper import check_seal

    state = notification.state
    cipher = store.app.mapper.cipher
    try:
        if cipher is not None:
            state = cipher.decrypt(state)
    except Exception:
        return False
    return check_seal(notification.originator_id, notification.originator_version, notification.topic, state)


def verify(store: Store, *, say: Say = quiet, progress: catchup.Progress | None = None) -> integrity.Report:
    """Re-read the whole log: every event's digest, the chain, and every view against a fresh fold.

    Two passes, neither holding the store in memory: the log (digests, chain, and each development
    copied aside for the fold), then the reference fold, entity by entity (`projections.reference`)."""
    from chronicle.projections import integrity
    from chronicle.projections.reference import reference_fold

    store.refresh(say=say)
    report = integrity.Report()
    unreadable: list[str] = []
    with translate(store.settings), reference_fold(store.decode) as fresh:
        total = store.app.recorder.max_notification_id() or 0

        def recorded(notification: Any) -> None:
            if not unreadable:
                try:
                    fresh.add(notification)
                except ValueError as error:
                    unreadable.append(f"an event cannot be read: {first_line(error)}")

        def reading(done: int) -> None:
            if progress is not None:
                progress(done, 2 * max(total, done))

        integrity.verify_log(
            store.views, store.app.recorder, lambda notification: sealed(store, notification), report, recorded, reading
        )
        report.problems.extend(unreadable if report.ok else ())
        if report.ok:
            steps = fresh.count()

            def folding(done: int) -> None:
                if progress is not None:
                    progress(total + total * done // max(steps, 1), 2 * total)

            try:
                integrity.verify_views(store.views, fresh.views(folding), report)
            except ValueError as error:
                report.problems.append(f"an event cannot be read: {first_line(error)}")
    return report


def root(store: Store, *, say: Say = quiet) -> tuple[int, str]:
    """The current head of the chain: (position, hash)."""
    from chronicle.projections import integrity

    store.refresh(say=say)
    with store.reading() as c:
        return integrity.head(store.views, c)


def history_hash(store: Store, position: int) -> tuple[str, int]:
    from chronicle.projections import integrity

    with translate(store.settings):
        return integrity.history_hash(store.app.recorder, position)


@dataclass(frozen=True)
class HeadCheck:
    """A published head compared with the log: the hash of the history up to its position, recomputed."""

    position: int
    expected: str
    actual: str
    events: int

    @property
    def ok(self) -> bool:
        return self.actual == self.expected.lower()


def parse_head(text: str) -> tuple[int, str]:
    """A published head `POSITION:HASH` as (position, hash)."""
    position_text, sep, expected = text.partition(":")
    if not sep or not position_text.isdigit() or len(expected) != 64:
        raise InvalidInput(f"{text!r}: expected POSITION:HASH (a 64-digit hex hash)")
    return int(position_text), expected


def verify_against(store: Store, position: int, expected: str, *, say: Say = quiet) -> HeadCheck:
    """Whether the history up to `position` still hashes to the published `expected`."""
    head_position, _ = root(store, say=say)
    if position > head_position:
        raise InvalidInput(f"position {position} is beyond the current head {head_position}")
    actual, count = history_hash(store, position)
    return HeadCheck(position, expected, actual, count)

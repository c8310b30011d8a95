"""Prove the log unchanged: every event's digest, the chain, the views, and a published head."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chronicle.integrity import heads
from chronicle.service.failures import first_line, translate
from chronicle.service.store import Say, Store, quiet

if TYPE_CHECKING:
    from chronicle.integrity import checks
    from chronicle.projections.sql import catchup


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


def verify(store: Store, *, say: Say = quiet, progress: catchup.Progress | None = None) -> checks.Report:
    """Re-read the whole log: every event's digest, the chain, and every view against a fresh fold.

    Two passes, neither holding the store in memory: the log (digests, chain, and each development
    copied aside for the fold), then the reference fold, entity by entity (`integrity.reference`)."""
    from chronicle.domain.errors import ChronicleError, IntegrityFailure
    from chronicle.integrity import checks
    from chronicle.integrity.extending import WRITER_CHAINS
    from chronicle.integrity.reference import reference_fold

    try:
        store.refresh(say=say)
        stale = ""
    except IntegrityFailure as failure:  # still read the whole log: name every problem, not the first
        stale = str(failure)
    if store.stale:
        raise ChronicleError("cannot verify views that are behind the log: run `chronicle project` as a writer role")
    with store.reading() as c:
        by_writer = store.views.get_meta(c, WRITER_CHAINS[0]) == WRITER_CHAINS[1]
    report = checks.Report()
    unreadable: list[str] = []
    with translate(store.settings), reference_fold(store.decode, store.app.mapper.fields) as fresh:
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

        checks.verify_log(
            store.views,
            store.app.recorder,
            lambda notification: sealed(store, notification),
            report,
            recorded,
            reading,
            every_event_chained=by_writer,
        )
        report.problems.extend(unreadable if report.ok else ())
        if stale and report.ok:
            report.problems.append(stale)
        if report.ok:
            steps = fresh.count()

            def folding(done: int) -> None:
                if progress is not None:
                    progress(total + total * done // max(steps, 1), 2 * total)

            try:
                checks.verify_timeline(store.views, fresh.timeline(), report)
                checks.verify_index(store.views, fresh.index(), report)
                checks.verify_views(store.views, fresh.views(folding), report)
            except ValueError as error:
                report.problems.append(f"an event cannot be read: {first_line(error)}")
    return report


def root(store: Store, *, say: Say = quiet) -> tuple[int, str]:
    """The current head of the chain: (position, hash)."""
    from chronicle.integrity import chain

    store.refresh(say=say)
    with store.reading() as c:
        return chain.head(store.views, c)


def history_hash(store: Store, position: int) -> tuple[str, int]:
    from chronicle.integrity import chain

    with translate(store.settings):
        return chain.history_hash(store.app.recorder, position)


def verify_against(store: Store, published: heads.PublishedHead, *, say: Say = quiet) -> heads.HeadCheck:
    """Whether the history up to a published head still hashes to what was published."""
    head_position, _ = root(store, say=say)
    heads.require_within(published, head_position)
    actual, count = history_hash(store, published.position)
    return heads.compare_head(published, actual, count)

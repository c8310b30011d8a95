"""Copy a whole store to another backend: every event with its position and stored bytes, and the chain.

Positions and bytes are kept exactly, so every event's SHA-256 and every chain hash stay valid: the copy
verifies against the same published heads as the original.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chronicle.domain.errors import InvalidInput
from chronicle.integrity.chain import head
from chronicle.projections.sql.views import CHAIN, SOURCE_KEYS
from chronicle.service.failures import translate
from chronicle.service.store import Store
from chronicle.service.verifying import verify

PAGE = 2000


@dataclass(frozen=True)
class Migration:
    events: int
    head_position: int
    head_hash: str


def _insert_events(target: Store, cursor: Any, rows: list[tuple[Any, ...]]) -> None:
    recorder: Any = target.app.recorder
    if target.settings.is_postgres:
        table = f'"{recorder.datastore.schema}"."{recorder.events_table_name}"'
        cursor.executemany(
            f"INSERT INTO {table} (notification_id, originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s, %s)",
            rows,
        )
    else:
        cursor.executemany(
            f"INSERT INTO {recorder.events_table_name} (rowid, originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )


def _after_copy(target: Store, cursor: Any) -> None:
    if target.settings.is_postgres:
        recorder: Any = target.app.recorder
        table = f'"{recorder.datastore.schema}"."{recorder.events_table_name}"'
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), "
            f"COALESCE((SELECT MAX(notification_id) FROM {table}), 1))",
            (table,),
        )


def migrate(source: Store, target: Store, progress: Callable[[int, int], None] | None = None) -> Migration:
    """Copy `source` into the empty `target`, in one transaction, then verify the copy."""
    source.refresh()  # the chain covers every event before we copy it
    if (target.app.recorder.max_notification_id() or 0) > 0:
        raise InvalidInput(f"the target store {target.settings.describe()} is not empty: migrate into a new store")
    total = source.app.recorder.max_notification_id() or 0
    with source.reading() as c:
        chain = source.views.rows(c, f"SELECT position, hash FROM {{s}}{CHAIN} ORDER BY position")
        source_head = head(source.views, c)
        # The keys of confidential sources are part of the store: without them the copy reads [redacted].
        keys = source.views.rows(c, f"SELECT source_id, key FROM {{s}}{SOURCE_KEYS} ORDER BY source_id")
    copied = 0
    with translate(target.settings), target.views.write() as cursor:
        start = 0
        while True:
            page = source.app.recorder.select_notifications(start, PAGE, inclusive_of_start=False)
            if not page:
                break
            _insert_events(
                target,
                cursor,
                [(n.id, n.originator_id, n.originator_version, n.topic, bytes(n.state)) for n in page],
            )
            copied += len(page)
            start = page[-1].id
            if progress is not None:
                progress(copied, total)
        for row in chain:
            target.views.run(
                cursor, f"INSERT INTO {{s}}{CHAIN} (position, hash) VALUES (?, ?)", (row["position"], row["hash"])
            )
        for row in keys:
            target.views.run(
                cursor, f"INSERT INTO {{s}}{SOURCE_KEYS} (source_id, key) VALUES (?, ?)", (row["source_id"], row["key"])
            )
        _after_copy(target, cursor)
    if target.source_keys is not None:
        target.source_keys.load()
    report = verify(target)
    if not report.ok:
        from chronicle.domain.errors import IntegrityFailure

        raise IntegrityFailure(f"the copy does not verify: {report.problems[0]}")
    if (report.head_position, report.head_hash) != source_head:
        from chronicle.domain.errors import IntegrityFailure

        raise IntegrityFailure("the copy's chain head differs from the source's")
    return Migration(copied, report.head_position, report.head_hash)

"""Only the writer extends the chain, in the append's own transaction, over the events it wrote.

The append holds the store's write lock, so no other writer can insert between its events and their
links, and a reader never chains anything: an event found past the chain's head was not written by
Chronicle (a row inserted by hand, even with a recomputed seal) and is refused, never linked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import Notification

from chronicle.domain.errors import IntegrityFailure
from chronicle.integrity.chain import GENESIS, link
from chronicle.projections.sql.views import CHAIN, META

PAGE = 2000
WRITER_CHAINS = ("chain", "writer")  # the store setting that says only the writer extends the chain


class ChainCursor:
    """The chain and the log as the append's transaction sees them (its cursor, its placeholders)."""

    def __init__(self, cursor: Any, events_table: str, postgres: bool, schema: str = "") -> None:
        self.c, self.events, self.postgres = cursor, events_table, postgres
        prefix = f'"{schema}".' if postgres and schema else ""
        self.chain, self.meta = f"{prefix}{CHAIN}", f"{prefix}{META}"
        self.id = "notification_id" if postgres else "rowid"
        self.mark = "%s" if postgres else "?"

    def _rows(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        self.c.execute(statement.replace("?", self.mark), tuple(params))
        return list(self.c.fetchall())

    def head(self) -> tuple[int, str]:
        rows = self._rows(f"SELECT position, hash FROM {self.chain} ORDER BY position DESC LIMIT 1")
        return (0, GENESIS) if not rows else (int(rows[0]["position"]), str(rows[0]["hash"]))

    def after(self, position: int) -> list[Notification]:
        rows = self._rows(
            f"SELECT {self.id} AS position, originator_id, originator_version, topic, state FROM {self.events} "
            f"WHERE {self.id} > ? ORDER BY {self.id} LIMIT {PAGE}",
            (position,),
        )
        return [
            Notification(
                id=int(r["position"]),
                originator_id=r["originator_id"],
                originator_version=int(r["originator_version"]),
                topic=r["topic"],
                state=bytes(r["state"]),
            )
            for r in rows
        ]

    def writer_chains(self) -> bool:
        rows = self._rows(f"SELECT value FROM {self.meta} WHERE key = ?", (WRITER_CHAINS[0],))
        return bool(rows) and rows[0]["value"] == WRITER_CHAINS[1]

    def insert(self, links: list[tuple[int, str]]) -> None:
        statement = f"INSERT INTO {self.chain} (position, hash) VALUES (?, ?)".replace("?", self.mark)
        self.c.executemany(statement, links)

    def claim(self) -> None:
        """From now on only the writer extends this store's chain."""
        statement = (
            f"INSERT INTO {self.meta} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ).replace("?", self.mark)
        self.c.execute(statement, WRITER_CHAINS)


def unchained(chain: ChainCursor) -> int | None:
    """The first event past the chain's head, if any: before an append writes, there must be none."""
    position, _ = chain.head()
    found = chain.after(position)
    return found[0].id if found else None


def refuse_unchained(chain: ChainCursor) -> None:
    """Before the append writes: an event past the head, in a store only the writer chains, is forged."""
    if not chain.writer_chains():
        return  # a store made before the writer chained: its backlog is linked once, by this append
    first = unchained(chain)
    if first is not None:
        raise IntegrityFailure(
            f"position {first}: event is not in the chain (inserted): nothing was written "
            "(`chronicle verify` says more)"
        )


def extend(chain: ChainCursor) -> int:
    """Link every event past the head (those this transaction wrote); return how many."""
    position, previous = chain.head()
    linked = 0
    while page := chain.after(position):
        links = []
        for notification in page:
            previous = link(previous, notification)
            links.append((notification.id, previous))
        chain.insert(links)
        linked += len(page)
        position = page[-1].id
        if len(page) < PAGE:
            break
    if not chain.writer_chains():
        chain.claim()
    return linked

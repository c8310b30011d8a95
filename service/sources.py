"""Confidential sources: each sealed with a key of its own, kept apart from the log; redaction destroys it.

The log keeps only ciphertext (and, in an encrypted store, that ciphertext is encrypted again), so the
history stays byte-for-byte the same when a key is destroyed: every seal and chain hash still verifies.
"""

from __future__ import annotations

import base64
import os
from typing import TYPE_CHECKING, Any

import orjson

from chronicle.domain.developments import CorrectionIssued, Development, Source
from chronicle.domain.events import DevelopmentCorrected, DevelopmentRecorded, DomainEvent
from chronicle.projections.sql.views import SOURCE_KEYS

if TYPE_CHECKING:
    from chronicle.service.store import Store

PLACEHOLDER = "[confidential]"
REDACTED = "[redacted]"


def _aesgcm(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


class SourceKeys:
    """The per-source keys of one store (table `chronicle_source_keys`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.keys: dict[str, bytes] = {}

    def load(self) -> dict[str, bytes]:
        try:
            with self.store.reading() as c:
                self._read(c)
        except Exception:  # a store from before confidential sources: no table, no keys
            self.keys = {}
        return self.keys

    def _read(self, c: Any) -> None:
        rows = self.store.views.rows(c, f"SELECT source_id, key FROM {{s}}{SOURCE_KEYS}")
        self.keys = {str(r["source_id"]): base64.b64decode(r["key"]) for r in rows}

    def ensure(self, ids: set[str], c: Any) -> None:
        """Create keys for sources seen for the first time, in the transaction of cursor `c` (an
        append's, which holds the write lock: the keys commit with the events that use them)."""
        missing = ids - self.keys.keys()
        if not missing:
            return
        self._create(c, missing)
        self._read(c)  # what this transaction sees: a key another process stored first wins

    def _create(self, c: Any, missing: set[str]) -> None:
        views = self.store.views
        views.create_meta(c)
        for source_id in sorted(missing):
            views.run(
                c,
                f"INSERT INTO {{s}}{SOURCE_KEYS} (source_id, key) VALUES (?, ?) ON CONFLICT (source_id) DO NOTHING",
                (source_id, views.protect(base64.b64encode(os.urandom(32)).decode())),
            )

    def destroy(self, source_id: str) -> None:
        """Delete the key and scrub what the database keeps of deleted rows, where it can."""
        views = self.store.views
        with views.write() as c:
            if views.dialect == "sqlite":
                c.execute("PRAGMA secure_delete = ON")
            views.run(c, f"DELETE FROM {{s}}{SOURCE_KEYS} WHERE source_id = ?", (source_id,))
        if views.dialect == "sqlite":
            with self.store.reading() as c:
                c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.keys.pop(source_id, None)


def _seal_source(source: Source, keys: dict[str, bytes]) -> Source:
    if not source.confidential or source.sealed is not None or source.id is None:
        return source
    fields = source.model_dump(mode="json", include=set(Source.CONFIDENTIAL_FIELDS))
    nonce = os.urandom(12)
    sealed = nonce + _aesgcm(keys[source.id]).encrypt(nonce, orjson.dumps(fields), source.id.encode())
    return Source(publisher=PLACEHOLDER, id=source.id, confidential=True, sealed=base64.b64encode(sealed).decode())


def _seal_source_dicts(values: Any, keys: dict[str, bytes]) -> Any:
    if not isinstance(values, list):
        return values
    sealed = []
    for value in values:
        source = Source.model_validate(value) if isinstance(value, dict) else value
        sealed.append(_seal_source(source, keys).model_dump(mode="json") if isinstance(source, Source) else value)
    return sealed


def confidential_ids(events: list[DomainEvent]) -> set[str]:
    found: set[str] = set()
    for event in events:
        if isinstance(event, DevelopmentRecorded):
            sources: list[Any] = list(event.development.sources)
            if isinstance(event.development, CorrectionIssued):
                sources += [Source.model_validate(s) for s in event.development.changes.get("sources") or []]
            found |= {s.id for s in sources if s.confidential and s.id}
        elif isinstance(event, DevelopmentCorrected):
            found |= {
                s["id"] for s in event.changes.get("sources") or [] if isinstance(s, dict) and s.get("confidential")
            }
    return found


def seal_events(events: list[DomainEvent], keys: dict[str, bytes]) -> list[DomainEvent]:
    """The same events with every confidential source replaced by its sealed form."""
    sealed: list[DomainEvent] = []
    for event in events:
        if isinstance(event, DevelopmentRecorded):
            development: Development = event.development
            update: dict[str, Any] = {"sources": [_seal_source(s, keys) for s in development.sources]}
            if isinstance(development, CorrectionIssued) and "sources" in development.changes:
                update["changes"] = {
                    **development.changes,
                    "sources": _seal_source_dicts(development.changes["sources"], keys),
                }
            event = event.model_copy(update={"development": development.model_copy(update=update)})
        elif isinstance(event, DevelopmentCorrected) and "sources" in event.changes:
            changes = {**event.changes, "sources": _seal_source_dicts(event.changes["sources"], keys)}
            event = event.model_copy(update={"changes": changes})
        sealed.append(event)
    return sealed


def _reveal_source(value: Any, keys: dict[str, bytes]) -> Any:
    if not isinstance(value, dict) or not value.get("sealed"):
        return value
    source_id = str(value.get("id") or "")
    key = keys.get(source_id)
    opened: dict[str, Any] = {"publisher": REDACTED, "url": None, "title": None, "authors": [], "published": None}
    if key is not None:
        try:
            blob = base64.b64decode(value["sealed"])
            opened = orjson.loads(_aesgcm(key).decrypt(blob[:12], blob[12:], source_id.encode()))
        except Exception:
            pass  # a damaged blob reads as redacted rather than failing every read
    return {**opened, "id": source_id, "confidential": True, "sealed": None}


def reveal_sources(body: dict[str, Any], keys: dict[str, bytes]) -> dict[str, Any]:
    """A development body (its JSON object) with confidential sources opened, or [redacted] if their key
    is gone."""
    if isinstance(body.get("sources"), list):
        body["sources"] = [_reveal_source(s, keys) for s in body["sources"]]
    changes = body.get("changes")
    if isinstance(changes, dict) and isinstance(changes.get("sources"), list):
        changes["sources"] = [_reveal_source(s, keys) for s in changes["sources"]]
    return body

"""Redact a confidential source: destroy its key, and record why."""

from __future__ import annotations

from chronicle.domain.developments import SourceRedacted
from chronicle.domain.errors import NotFound
from chronicle.service.failures import translate
from chronicle.service.store import Store


def redact_source(store: Store, source_id: str, reason: str, occurred: str) -> str:
    """Destroy a confidential source's key and record why; return the redaction's id."""
    keys = store.source_keys
    assert keys is not None
    keys.load()
    if source_id not in keys.keys:
        raise NotFound(f"no confidential source {source_id!r} with a key in this store")
    redaction = SourceRedacted(
        type="source_redacted",
        occurred=occurred,
        summary=f"Confidential source {source_id} redacted",
        source=source_id,
        reason=reason,
    )
    plan = store.append([redaction])
    with translate(store.settings):
        keys.destroy(source_id)
    return (plan.recorded or plan.unchanged)[0]

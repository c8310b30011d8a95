"""Who an id, a name or an alias stands for among the registered actors and negotiations, and the
nearest one when none matches."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from chronicle.domain.errors import InvalidInput, NotFound
from chronicle.domain.keys import KINDS, EntityKey
from chronicle.projections.sql import reads
from chronicle.projections.sql.views import Cursor, ViewStore


def resolve(store: ViewStore, c: Cursor, kind: str, name: str) -> str:
    """The id of the actor or negotiation called `name`: its id, an alias or its name, any case."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown kind {kind!r}: use actor or negotiation")
    wanted = name.strip().casefold()
    if reads.is_registered(store, c, str(EntityKey(kind, wanted))):
        return wanted
    rows = reads.registered_names(store, c, kind)
    matches: list[str] = sorted(
        EntityKey.parse(str(r["entity"])).id for r in rows if wanted in orjson.loads(r["names"])
    )
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise InvalidInput(f"{kind} {name!r} is ambiguous: it could be {', '.join(matches)}")
    close = nearest(wanted, _labels(rows))
    hint = f"; did you mean {close!r}?" if close else ""
    raise NotFound(f"no {kind} called {name!r}{hint} (see `chronicle {kind}s`)")


def names_index(store: ViewStore, c: Cursor, kind: str) -> dict[str, list[str]]:
    """Every id, name and alias of a registered actor or negotiation (casefolded), with the ids it names."""
    return _labels(reads.registered_names(store, c, kind))


def registered_ids(store: ViewStore, c: Cursor, kind: str) -> frozenset[str]:
    """The ids of every registered actor or negotiation."""
    return frozenset(EntityKey.parse(str(r["entity"])).id for r in reads.registered_names(store, c, kind))


def nearest(wanted: str, labels: dict[str, list[str]]) -> str | None:
    """The id of the entity whose id, name or alias is closest to `wanted`, if one is close."""
    import difflib

    close = difflib.get_close_matches(wanted.strip().casefold(), list(labels), n=1, cutoff=0.6)
    return labels[close[0]][0] if close and len(labels[close[0]]) == 1 else None


def _labels(rows: Iterable[Any]) -> dict[str, list[str]]:
    labels: dict[str, list[str]] = {}
    for r in rows:
        ident = EntityKey.parse(str(r["entity"])).id
        for label in {ident, *orjson.loads(r["names"])}:
            labels.setdefault(label, []).append(ident)
    return {label: sorted(ids) for label, ids in labels.items()}

"""Names where ids are asked: an actor's or negotiation's name or alias, in a field that refers to one,
stands for its id, as it does for `show`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chronicle.domain.developments import TYPES
from chronicle.domain.errors import InvalidInput, UnknownReference
from chronicle.domain.keys import ACTOR, KINDS, NEGOTIATION
from chronicle.service.store import Store

Say = Callable[[str], None]
Labels = dict[str, dict[str, list[str]]]  # kind -> casefolded id, name or alias -> the ids it names


def referring_fields(kind: Any) -> list[tuple[str, tuple[str, ...]]]:
    """The fields of a development type that hold references, each with the kinds it may name."""
    model = TYPES.get(kind) if isinstance(kind, str) else None
    if model is None:
        return []
    return (
        [(name, (ACTOR,)) for name in model.actor_fields]
        + [(name, (NEGOTIATION,)) for name in model.negotiation_fields]
        + [(name, (ACTOR, NEGOTIATION)) for name in model.either_fields]
    )


def names_in_store(store: Store) -> Labels:
    """Every registered id, name and alias, read from the log (the views may lag: appends skip them)."""
    from chronicle.service.failures import translate

    labels: Labels = {}
    for kind in KINDS:
        with translate(store.settings):
            claims = store.app.claims(kind)
            states = store.app.developments(sorted(set(claims.values())))
        found: dict[str, set[str]] = {}
        for ident, claimed_by in claims.items():
            state = states.get(claimed_by)
            if state is None or state.retracted_by:
                continue
            current: Any = state.current
            names = [current.name, *current.aliases] if kind == ACTOR else [current.title]
            for label in {ident, *(n.strip().casefold() for n in names if n and n.strip())}:
                found.setdefault(label, set()).add(ident)
        labels[kind] = {label: sorted(ids) for label, ids in found.items()}
    return labels


def resolve_references(body: dict[str, Any], labels: Labels, *, auto_register: bool, say: Say) -> dict[str, Any]:
    """`body` with every name or alias in a referring field replaced by the id it names (said on stderr).
    A name of two entities is refused naming both; an unknown one close to a known one is refused with
    the nearest, unless unknown actors are to be registered."""
    resolved = dict(body)
    for name, kinds in referring_fields(body.get("type")):
        value = body.get(name)
        if isinstance(value, str):
            resolved[name] = _resolve(name, value, kinds, labels, auto_register, say)
        elif isinstance(value, list):
            resolved[name] = [_resolve(name, item, kinds, labels, auto_register, say) for item in value]
    return resolved


def _resolve(name: str, item: Any, kinds: tuple[str, ...], labels: Labels, auto: bool, say: Say) -> Any:
    if not isinstance(item, str):
        return item
    wanted = item.strip().casefold()
    found = sorted({(kind, ident) for kind in kinds for ident in labels[kind].get(wanted, [])})
    if any(ident == item for _, ident in found):
        return item
    if len(found) == 1:
        kind, ident = found[0]
        say(f"{name}: {item!r} is the {kind} {ident!r}")
        return ident
    if found:
        both = " and ".join(f"the {kind} {ident!r}" for kind, ident in found)
        raise InvalidInput(f"{name}: {item!r} is ambiguous: it could be {both}")
    from chronicle.projections.who import nearest

    close = [n for kind in kinds if (n := nearest(wanted, labels[kind]))]
    if close and not auto:
        raise UnknownReference(f"{name}: no {' or '.join(kinds)} called {item!r}; did you mean {close[0]!r}?")
    return item


class Resolver:
    """Resolves the names of each line of a file (`jsonl_pages`' `prepare`), learning the ids, names and
    aliases that earlier lines register; what it resolved is kept in `notes`."""

    def __init__(self, labels: Labels, *, auto_register: bool) -> None:
        self.labels = {kind: dict(found) for kind, found in labels.items()}
        self.auto_register = auto_register
        self.notes: list[str] = []
        self.refused = False  # a name was ambiguous or a near miss: that refusal is the one to report

    def __call__(self, value: Any, where: str) -> Any:
        if not isinstance(value, dict):
            return value
        self._learn(value)
        try:
            return resolve_references(
                value,
                self.labels,
                auto_register=self.auto_register,
                say=lambda note: self.notes.append(f"{where}: {note}"),
            )
        except InvalidInput:
            self.refused = True
            raise

    def _learn(self, value: dict[str, Any]) -> None:
        aliases = value.get("aliases")  # as given: validation, later, refuses what is not a list of names
        kind, field, names = {
            "actor_registered": (ACTOR, "actor", [value.get("name"), *(aliases if isinstance(aliases, list) else [])]),
            "negotiation_opened": (NEGOTIATION, "negotiation", [value.get("title")]),
        }.get(str(value.get("type")), ("", "", []))
        ident = value.get(field) if kind else None
        if not isinstance(ident, str):
            return
        for label in {ident, *(n.strip().casefold() for n in names if isinstance(n, str) and n.strip())}:
            known = self.labels[kind].setdefault(label, [])
            if ident not in known:
                known.append(ident)

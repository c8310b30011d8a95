"""Entity keys: the one place a key is spelled (`actor:us`) or split into its kind and id.

The same text names the log's streams (`development:<id>`, `actor:<id>`), and is what the view tables
store, so its spelling never changes.
"""

from __future__ import annotations

from dataclasses import dataclass

ACTOR = "actor"
NEGOTIATION = "negotiation"
DEVELOPMENT = "development"  # a stream kind only: developments are not entities with views
MILESTONE = "milestone"  # a stream kind only: a negotiation's milestone, claimed by the agreement that set it
KINDS = (ACTOR, NEGOTIATION)
SEPARATOR = ":"


def prefix(kind: str) -> str:
    """The text every key of `kind` starts with, for the hot paths that join or test many keys."""
    return kind + SEPARATOR


ACTOR_PREFIX = prefix(ACTOR)
NEGOTIATION_PREFIX = prefix(NEGOTIATION)


@dataclass(frozen=True, slots=True)
class EntityKey:
    """What an entity (or a stream) is called: its kind and its id."""

    kind: str
    id: str

    @classmethod
    def parse(cls, text: str) -> EntityKey:
        kind, separator, ident = text.partition(SEPARATOR)
        if not separator:
            raise ValueError(f"not an entity key: {text!r}")
        return cls(kind, ident)

    @classmethod
    def actor(cls, ident: str) -> EntityKey:
        return cls(ACTOR, ident)

    @classmethod
    def negotiation(cls, ident: str) -> EntityKey:
        return cls(NEGOTIATION, ident)

    def __str__(self) -> str:
        return prefix(self.kind) + self.id

"""What a correction does to a development, and a development's write-side state folded from its own
stream: recorded, then corrected or retracted, never edited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from chronicle.domain.developments import DEVELOPMENT_ADAPTER, Development
from chronicle.domain.errors import InvalidInput
from chronicle.domain.events import DevelopmentCorrected, DevelopmentRecorded, DevelopmentRetracted, DomainEvent


@dataclass(frozen=True)
class DevelopmentState:
    """A development as the write side knows it: what was recorded and what now applies."""

    version: int
    original: Development
    digest: str
    current: Development
    retracted_by: str | None = None

    def corrected(self, event: DevelopmentCorrected) -> DevelopmentState:
        return DevelopmentState(
            event.originator_version,
            self.original,
            self.digest,
            apply_changes(self.current, event.changes),
            self.retracted_by,
        )

    def retracted(self, event: DevelopmentRetracted) -> DevelopmentState:
        return DevelopmentState(event.originator_version, self.original, self.digest, self.current, event.retraction)


def fold_development(events: Iterable[DomainEvent]) -> DevelopmentState | None:
    """Rebuild a development's write-side state from its own stream."""
    state: DevelopmentState | None = None
    for event in events:
        if isinstance(event, DevelopmentRecorded):
            state = DevelopmentState(event.originator_version, event.development, event.digest, event.development)
        elif isinstance(event, DevelopmentCorrected) and state is not None:
            state = state.corrected(event)
        elif isinstance(event, DevelopmentRetracted) and state is not None:
            state = state.retracted(event)
    return state


def apply_changes(development: Development, changes: dict[str, Any]) -> Development:
    """The development as if it had been recorded with `changes`; identity fields cannot change."""
    return apply_changes_data(type(development), development.model_dump(mode="json"), changes)


def apply_changes_data(kind: type[Development], data: dict[str, Any], changes: dict[str, Any]) -> Development:
    """`apply_changes` of a development of type `kind` given as its JSON object (`model_dump(mode="json")`,
    as the log stores it): a rebuild applies a log's corrections without parsing each target first."""
    # `reported` is when the record itself became public; a correction is known from its own.
    frozen = {"type", "id", "reported", *kind.identity_fields}
    touched = sorted(frozen & changes.keys())
    if touched:
        raise InvalidInput(f"a correction cannot change {', '.join(touched)}")
    unknown = sorted(changes.keys() - kind.model_fields.keys())
    if unknown:
        named = data.get("type", "development")
        raise InvalidInput(f"a correction names unknown field(s) of {named}: {', '.join(unknown)}")
    try:
        # Its own type's validator, built on first use: the union's builds every type's (most of a read's
        # time, for a few corrected developments); a refusal is said through the union, as on append.
        return kind.model_validate(data | changes)
    except ValidationError:
        pass
    try:
        return DEVELOPMENT_ADAPTER.validate_python(data | changes)
    except ValidationError as error:
        from chronicle.domain.rules import describe_validation_error

        raise InvalidInput(f"the corrected development is invalid: {describe_validation_error(error)}") from None

"""Developments and views as the view tables store them: their text, their times, their intervals."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

import orjson

from chronicle.domain.dates import FuzzyDate
from chronicle.domain.developments import DEVELOPMENT_ADAPTER, Development
from chronicle.domain.keys import ACTOR_PREFIX
from chronicle.domain.reported import reported_time
from chronicle.projections.fold import View
from chronicle.projections.models import ActorView, NegotiationView


def iso_utc(moment: datetime) -> str:
    """Record times in one fixed-width form, so text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@functools.lru_cache(maxsize=8192)  # a log has few distinct dates
def interval(occurred: str) -> tuple[str, str]:
    when = FuzzyDate.parse(occurred)
    return when.start.isoformat(), when.end.isoformat()


def reported_iso(development: dict[str, Any], recorded: str) -> str:
    """A development's reported time as the timeline stores it (`iso_utc`), from its body as recorded."""
    if "reported" not in development and not any(s.get("published") for s in development["sources"]):
        return recorded  # the common case, kept cheap: a rebuild computes it for every row
    return iso_utc(reported_time(development, datetime.fromisoformat(recorded)))


def body(development: dict[str, Any]) -> str:
    """A development's stored text in the timeline: its JSON object as orjson writes it."""
    return orjson.dumps(development).decode()


def parse_development(body: str | bytes | dict[str, Any]) -> Development:
    """A development from its stored JSON: text, or the JSON object read from the log (`ViewStore`)."""
    if isinstance(body, dict):
        return DEVELOPMENT_ADAPTER.validate_python(body)
    return DEVELOPMENT_ADAPTER.validate_json(body)


def view_from_json(key: str, text: str | bytes) -> View:
    if key.startswith(ACTOR_PREFIX):
        return ActorView.model_validate_json(text)
    return NegotiationView.model_validate_json(text)


def lookup_names(view: View) -> list[str]:
    """Lower-cased names an entity answers to besides its id."""
    names = [view.name or "", *view.aliases] if isinstance(view, ActorView) else [view.title or ""]
    return sorted({n.strip().casefold() for n in names if n.strip()})

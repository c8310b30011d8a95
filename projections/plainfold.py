"""The fold of `fold.py`, over developments and views as their JSON objects: what a full rebuild runs.

A rebuild folds every development of the log, so it pays for building models it only reads: decoding each
event into pydantic models, and mutating pydantic views, cost about as much as everything else a rebuild
does together. Here the same rules read the stored JSON object of each development and update a view's
JSON object (`model_dump(mode="json")` of its read model); the view is validated into its read model once,
when it is written. `fold.py` stays the definition: every other reader (catch-up, time travel, audit,
exports, verify) folds typed models, and the property tests hold this fold to it, field by field.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any, TypeAlias

import orjson

from chronicle.domain.dates import FuzzyDate
from chronicle.domain.developments import TYPES, source_identity
from chronicle.domain.keys import ACTOR_PREFIX, KINDS, NEGOTIATION_PREFIX, EntityKey
from chronicle.projections.fold import (
    DEATH_FACTS,
    NEGOTIATION_ORDERED,
    PAUSED,
    RANK,
    REGISTRATION_FACTS,
    Facts,
    View,
    claim,
    figure_claims,
    new_view,
    value_key,
)
from chronicle.projections.models import ActorView, NegotiationView

Data: TypeAlias = dict[str, Any]
StoryKey: TypeAlias = tuple[str, int]

# The types a negotiation's state machine reads or moves (`fold.order_matters`), by their `type` tag.
ORDERED_TYPES = frozenset(tag for tag, kind in TYPES.items() if issubclass(kind, NEGOTIATION_ORDERED))
_EMPTY = {kind: orjson.dumps(new_view(str(EntityKey(kind, "_"))).model_dump(mode="json")) for kind in KINDS}


@functools.lru_cache(maxsize=8192)  # a log has few distinct dates
def story_start(occurred: str) -> str:
    """Where an `occurred` interval starts, ISO: the first half of a step's story key."""
    return FuzzyDate.parse(occurred).start.isoformat()


@functools.lru_cache(maxsize=8192)
def interval_end(occurred: str) -> date:
    """The last day of an `occurred` interval."""
    return FuzzyDate.parse(occurred).end


def counts_from_data(d: Data) -> date:
    """`queries.counts_from` of a development's JSON object: the end of its interval (figures: `as_of`)."""
    if d["type"] == "figure_reported":
        return interval_end(d.get("as_of") or d["occurred"])
    return interval_end(d["occurred"])


def fold_data(key: str, steps: list[PlainStep]) -> View:
    """`fold.fold` over JSON objects: the entity after these steps in story order, validated once."""
    view = new_view_data(key)
    facts: Facts = {}
    for step in sorted(steps, key=lambda s: s.key):
        apply_data(view, step, facts)
    return view_from_data(key, view)


def new_view_data(key: str) -> Data:
    """A fresh view's JSON object (a copy: views are updated in place)."""
    parsed = EntityKey.parse(key)
    view: Data = orjson.loads(_EMPTY[parsed.kind])
    view["id"] = parsed.id
    return view


def view_from_data(key: str, data: Data) -> View:
    """The read model of a view's JSON object, validated (its rules and types hold, as a typed fold's do)."""
    if key.startswith(ACTOR_PREFIX):
        return ActorView.model_validate(data)
    return NegotiationView.model_validate(data)


def order_matters_data(key: str, kind: str) -> bool:
    """`fold.order_matters` for a view's key and a development's `type`."""
    return kind in ORDERED_TYPES and key.startswith(NEGOTIATION_PREFIX)


def source_count_data(d: Data) -> int:
    sources = d["sources"]
    if len(sources) < 2:  # most developments: nothing to tell apart
        return len(sources)
    return len({source_identity(s) for s in sources})


class PlainStep:
    """`fold.Step` of a development's JSON object: what every view it touches asks of it, once."""

    __slots__ = ("development", "key", "ref", "sources")

    def __init__(self, development: Data, key: StoryKey) -> None:
        self.development = development
        self.key = key  # story order: (interval start, position)
        self.ref: Data = {"id": development["id"] or "", "occurred": development["occurred"]}
        self.sources = source_count_data(development)

    @classmethod
    def at(cls, development: Data, position: int) -> PlainStep:
        """The step of a development recorded at log `position`, keyed in story order."""
        return cls(development, (story_start(development["occurred"]), position))


def apply_data(view: Data, step: PlainStep, facts: Facts) -> None:
    """`fold.apply` over JSON objects."""
    key = step.key
    view["developments"] += 1
    first = facts.get("first")
    if view["first_development"] is None or (first is not None and tuple(first) > key):
        view["first_development"] = step.ref
        facts["first"] = list(key)
    if claim(facts, "last", key):
        view["last_development"] = step.ref
    if "strikes_carried_out" in view:
        _on_actor(view, step, facts)
    else:
        _on_negotiation(view, step)


# What each type of development may change in an actor's view, besides what every one changes
# (`STEP_FIELDS`): read by `history`, which compares only these after a step. A property test holds
# `_on_actor` to it; a type missing here changes nothing but the counts.
STEP_FIELDS = ("developments", "first_development", "last_development")
ACTOR_WRITES: dict[str, tuple[str, ...]] = {
    "actor_registered": ("registered", *REGISTRATION_FACTS, "registered_in", "corroboration"),
    "strike": ("strikes_carried_out", "strikes_suffered", *DEATH_FACTS, "corroboration"),
    "attack": ("attacks_carried_out", "attacks_suffered", *DEATH_FACTS, "corroboration"),
    "figure_reported": ("figures",),
    "position_taken": ("positions",),
}


@functools.cache
def actor_writes(kind: str) -> tuple[str, ...]:
    """The fields of an actor's view a development of type `kind` may change, in the view's order."""
    fields = {*STEP_FIELDS, *ACTOR_WRITES.get(kind, ())}
    return tuple(name for name in ActorView.model_fields if name in fields)


def _count(view: Data, fact: str, weight: int, sources: int) -> None:
    view[fact] += weight
    corroboration = view["corroboration"]
    corroboration[fact] = min(sources, corroboration.get(fact, sources))


def _on_actor(view: Data, step: PlainStep, facts: Facts) -> None:
    d, key, me = step.development, step.key, view["id"]
    kind = d["type"]
    sources = step.sources
    if kind == "actor_registered":
        if d["actor"] != me or not claim(facts, "registered", key):
            return
        view["registered"] = True
        view["name"], view["kind"] = d["name"], d["kind"]
        view["aliases"], view["aligned_with"] = list(d["aliases"]), list(d["aligned_with"])
        view["part_of"], view["registered_in"] = d["part_of"], d["id"] or ""
        view["corroboration"].update(dict.fromkeys(REGISTRATION_FACTS, sources))
    elif kind in ("strike", "attack"):
        weight = d["count"] if kind == "attack" else 1
        counter = "strikes" if kind == "strike" else "attacks"
        if d["by"] == me:
            _count(view, f"{counter}_carried_out", weight, sources)
        if me in d["targets"]:
            _count(view, f"{counter}_suffered", weight, sources)
        if me in d["killed"] and claim(facts, "killed", key):
            view["status"], view["killed_on"], view["killed_in"] = "killed", d["occurred"], d["id"] or ""
            view["corroboration"].update(dict.fromkeys(DEATH_FACTS, sources))
    elif kind == "figure_reported":
        if d["actor"] == me:
            _set_figure(view, d, key, facts, sources)
    elif kind == "position_taken" and d["actor"] == me and claim(facts, f"position:{d['negotiation']}", key):
        view["positions"][d["negotiation"]] = _position(d, sources)


def _set_figure(view: Data, d: Data, key: StoryKey, facts: Facts, sources: int) -> None:
    as_of = FuzzyDate.parse(d["as_of"] or d["occurred"])
    metric, scope, value = d["metric"], d["scope"], d["value"]
    shown, newer = figure_claims(facts, f"figure:{metric}/{scope or ''}", as_of.start.isoformat(), value, key)
    if not shown:
        return
    figure = {
        "metric": metric,
        "scope": scope,
        "value": value,
        "as_of": as_of.text,
        "development": d["id"] or "",
        "sources": sources,
    }
    figures: list[Data] = view["figures"]
    # a busy actor's figures are many: one pass, no tuple made per figure
    others, rivals = [], []
    for old in figures:
        if old["metric"] != metric or old["scope"] != scope:
            others.append(old)
        elif not newer and value_key(old["value"]) != value_key(value):
            rivals.append(old)
    for f in (*rivals, figure):
        if rivals:
            f["disputed"] = True
        else:
            f.pop("disputed", None)
    figures[:] = sorted(
        [*others, *rivals, figure], key=lambda f: (f["metric"], f["scope"] or "", -f["sources"], value_key(f["value"]))
    )


def _position(d: Data, sources: int) -> Data:
    return {
        "position": d["position"],
        "text": d["text"],
        "occurred": d["occurred"],
        "development": d["id"] or "",
        "sources": sources,
    }


def _advance(view: Data, status: str) -> None:
    if view["status"] in PAUSED:
        before = view["status_before_suspension"] or "opened"
        if RANK[status] > RANK[before]:  # type: ignore[index]
            view["status_before_suspension"] = status
    elif RANK[status] > RANK[view["status"]]:  # type: ignore[index]
        view["status"] = status


def _on_negotiation(view: Data, step: PlainStep) -> None:
    d = step.development
    kind, dev_id = d["type"], d["id"] or ""
    if kind == "negotiation_opened":
        if d["negotiation"] == view["id"]:
            view["registered"] = True
            view["title"], view["subject"], view["opened_in"] = d["title"], d["subject"], dev_id
            view["parties"] = list(dict.fromkeys([*view["parties"], *d["parties"]]))
    elif kind == "committee_formed":
        view["committee"] = {
            "convened_by": d["convened_by"],
            "members": list(d["members"]),
            "mandate": d["mandate"],
            "formed": d["occurred"],
            "development": dev_id,
        }
        _advance(view, "committee_formed")
    elif kind == "talks_held":
        view["rounds"] += 1
        view["talks"].append(
            {
                "round": d["round"],
                "occurred": d["occurred"],
                "parties": list(d["parties"]),
                "outcome": d["outcome"],
                "development": dev_id,
            }
        )
        view["parties"] = list(dict.fromkeys([*view["parties"], *d["parties"]]))
        _advance(view, "in_talks")
    elif kind == "position_taken":
        view["positions"][d["actor"]] = _position(d, step.sources)
    elif kind == "agreement_reached":
        view["terms"], view["agreed_on"] = d["terms"], d["occurred"]
        for deadline in d["deadlines"]:
            _set_deadline(view, deadline["milestone"], deadline["due"], dev_id)
        _advance(view, "agreed")
    elif kind == "agreement_extended":
        view["terms"] = d.get("terms") or view["terms"]
        for milestone in d.get("supersedes", ()):
            for existing in view["deadlines"]:
                if existing["milestone"].casefold() == milestone.casefold():
                    existing["superseded_by"], existing["superseded_on"] = dev_id, d["occurred"]
        for deadline in d.get("deadlines", ()):
            _set_deadline(view, deadline["milestone"], deadline["due"], dev_id)
        _advance(view, "agreed")
    elif kind == "milestone_completed":
        _complete(view, d)
    elif kind == "negotiation_suspended":
        if view["status"] not in PAUSED:
            view["status_before_suspension"], view["status"] = view["status"], "suspended"
    elif kind == "negotiation_ended":
        if view["status"] not in PAUSED:
            view["status_before_suspension"] = view["status"]
        view["status"], view["outcome"], view["ended_on"] = "ended", d["outcome"], d["occurred"]
        view["ended_by"] = d.get("by")
    elif kind == "negotiation_resumed" and view["status"] in PAUSED:
        view["status"] = view["status_before_suspension"] or "opened"
        view["status_before_suspension"] = view["outcome"] = view["ended_on"] = view["ended_by"] = None


def _deadline(milestone: str, due: str | None, dev_id: str) -> Data:
    return {
        "milestone": milestone,
        "due": due,
        "completed": None,
        "late": None,
        "development": dev_id,
        "superseded_by": None,
        "superseded_on": None,
        "state": None,
    }


def _set_deadline(view: Data, milestone: str, due: str, dev_id: str) -> None:
    for existing in view["deadlines"]:
        if existing["milestone"].casefold() == milestone.casefold():
            existing["due"], existing["development"] = due, dev_id
            existing["superseded_by"] = existing["superseded_on"] = None
            return
    view["deadlines"].append(_deadline(milestone, due, dev_id))


def _complete(view: Data, d: Data) -> None:
    done = FuzzyDate.parse(d["occurred"])
    deadlines: list[Data] = view["deadlines"]
    milestone = d["milestone"].casefold()
    for deadline in deadlines:
        if deadline["milestone"].casefold() == milestone:
            break
    else:
        deadline = _deadline(d["milestone"], None, d["id"] or "")
        deadlines.append(deadline)
    deadline["completed"] = d["occurred"]
    due = deadline["due"]
    deadline["late"] = None if due is None else done.start > FuzzyDate.parse(due).end
    done_all = all(x["completed"] or x["superseded_by"] for x in deadlines)
    _advance(view, "concluded" if done_all else "implementing")

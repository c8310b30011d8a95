"""Generators of valid developments: small ones for tests that need volume (not realistic prose), and\n`stories`, random valid stories for the property tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import strategies as st


def registrations(prefix: str, actors: int) -> Iterator[dict[str, object]]:
    for i in range(actors):
        yield {
            "type": "actor_registered",
            "id": f"{prefix}-reg-{i}",
            "occurred": "2024-01-01",
            "summary": f"actor {i}",
            "actor": f"{prefix}-actor-{i}",
            "name": f"{prefix.title()} Actor {i}",
            "kind": "armed_group",
        }


def strikes(prefix: str, count: int, actors: int, start: int = 0) -> Iterator[dict[str, object]]:
    for n in range(start, start + count):
        yield {
            "type": "strike",
            "id": f"{prefix}-strike-{n}",
            "occurred": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "summary": f"strike {n}",
            "by": f"{prefix}-actor-{n % actors}",
            "targets": [f"{prefix}-actor-{(n + 1) % actors}"],
            "deaths": n % 5,
            "sources": [{"publisher": f"Wire {n % 3}"}],
        }


def write_jsonl(path: Path, rows: Iterator[dict[str, object]] | list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


ACTORS = ["us", "iraq", "militia", "coalition", "envoy"]
NEGOTIATIONS = ["exit", "truce"]
DATES = ["2023", "2023-12", "2023-12-31", "2024", "2024-01", "2024-01-04", "2024-01-05", "2024-02-10"]
MILESTONES = ["phase one", "phase two", "Term Three"]
TAGS = ["maritime", "protest", "ceasefire"]
PLACES: list[dict[str, Any] | None] = [
    None,
    {"name": "Baghdad", "country": "IQ", "lat": 33.3, "lon": 44.4, "precision": 1},
    {"country": "SYR", "admin1": "Deir ez-Zor"},
]


def _start(text: str) -> str:
    from chronicle.domain.dates import FuzzyDate

    return FuzzyDate.parse(text).start.isoformat()


def _end(text: str) -> str:
    from chronicle.domain.dates import FuzzyDate

    return FuzzyDate.parse(text).end.isoformat()


def _extensions(draw: Any, common: dict[str, Any], earlier: list[str]) -> None:
    """The optional fields every development may carry: a span, a place, tags, the ones it answers."""
    if draw(st.integers(0, 3)) == 0:
        common["until"] = draw(st.sampled_from([d for d in DATES if _end(d) >= _start(common["occurred"])]))
    if (place := draw(st.sampled_from(PLACES))) is not None:
        common["place"] = place
    if draw(st.integers(0, 2)) == 0:
        common["tags"] = draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=2, unique=True))
    if earlier and draw(st.integers(0, 3)) == 0:
        common["responds_to"] = draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=2, unique=True))


@st.composite
def stories(draw: Any) -> list[list[dict[str, Any]]]:
    """Valid developments (registrations first where needed), with corrections and retractions, in batches."""
    registered: list[str] = []
    opened: list[str] = []
    milestones: dict[str, list[str]] = {}  # the milestones each negotiation's agreements set
    recorded: list[dict[str, Any]] = []
    retracted: set[str] = set()
    rows: list[dict[str, Any]] = []
    for n in range(draw(st.integers(3, 22))):
        common = {"id": f"d{n}", "occurred": draw(st.sampled_from(DATES)), "summary": f"development {n}"}
        _extensions(draw, common, [r["id"] for r in rows])
        if draw(st.integers(1, 3)) > 1 and len(registered) < len(ACTORS):
            actor = next(a for a in ACTORS if a not in registered)
            kind = draw(st.sampled_from(["state", "person", "armed_group"]))
            row = {**common, "type": "actor_registered", "actor": actor, "name": actor.title(), "kind": kind}
            registered.append(actor)
        elif not registered:
            continue
        else:
            choices = ["strike", "attack", "figure", "statement", "open"]
            if opened:
                choices += ["committee", "talks", "position", "agreement", "milestone", "suspend", "resume", "end"]
                choices += ["extend"] if any(milestones.values()) else []
            live = [r for r in recorded if r["id"] not in retracted]
            if live:
                choices += ["correction", "retraction"]
            choice = draw(st.sampled_from(choices))
            actor = draw(st.sampled_from(registered))
            other = draw(st.sampled_from(registered))
            negotiation = draw(st.sampled_from(opened)) if opened else None
            if choice == "strike":
                row = {
                    **common,
                    "type": "strike",
                    "by": actor,
                    "targets": [other],
                    "killed": [other] if draw(st.booleans()) else [],
                    "deaths": draw(st.integers(0, 9)),
                }
            elif choice == "attack":
                row = {
                    **common,
                    "type": "attack",
                    "by": draw(st.sampled_from([None, actor])),
                    "targets": [other],
                    "killed": [other] if draw(st.integers(0, 3)) == 0 else [],
                    "count": draw(st.integers(1, 4)),
                }
            elif choice == "figure":
                row = {
                    **common,
                    "type": "figure_reported",
                    "actor": actor,
                    "metric": "troops",
                    "scope": draw(st.sampled_from([None, "iraq"])),
                    "value": draw(st.integers(0, 5000)),
                    "as_of": draw(st.sampled_from([None, *DATES])),
                }
            elif choice == "statement":
                about = draw(st.lists(st.sampled_from(registered + opened), max_size=2, unique=True))
                row = {**common, "type": "statement", "by": actor, "text": "said", "about": about}
            elif choice == "open":
                if len(opened) == len(NEGOTIATIONS):
                    continue
                name = NEGOTIATIONS[len(opened)]
                row = {
                    **common,
                    "type": "negotiation_opened",
                    "negotiation": name,
                    "title": name.title(),
                    "parties": [actor, other] if actor != other else [actor],
                    "subject": "s",
                }
                opened.append(name)
            elif choice == "committee":
                row = {
                    **common,
                    "type": "committee_formed",
                    "negotiation": negotiation,
                    "convened_by": actor,
                    "members": [other],
                    "mandate": "m",
                }
            elif choice == "talks":
                row = {
                    **common,
                    "type": "talks_held",
                    "negotiation": negotiation,
                    "parties": [actor],
                    "round": draw(st.sampled_from([None, 1, 2])),
                }
            elif choice == "position":
                row = {
                    **common,
                    "type": "position_taken",
                    "actor": actor,
                    "negotiation": negotiation,
                    "position": draw(st.sampled_from(["demands", "supports", "opposes", "neutral"])),
                    "text": "t",
                }
            elif choice == "agreement":
                deadlines = [
                    {"milestone": m, "due": draw(st.sampled_from(DATES))}
                    for m in draw(st.lists(st.sampled_from(MILESTONES), min_size=1, unique=True))
                ]
                row = {
                    **common,
                    "type": "agreement_reached",
                    "negotiation": negotiation,
                    "terms": "t",
                    "deadlines": deadlines,
                }
                milestones.setdefault(negotiation, []).extend(d["milestone"] for d in deadlines)
            elif choice == "extend":
                negotiation = draw(st.sampled_from(sorted(n for n, ms in milestones.items() if ms)))
                deadlines = [
                    {"milestone": m, "due": draw(st.sampled_from(DATES))}
                    for m in draw(st.lists(st.sampled_from(MILESTONES), max_size=2, unique=True))
                ]
                supersedes = draw(st.lists(st.sampled_from(milestones[negotiation]), max_size=2, unique=True))
                row = {
                    **common,
                    "type": "agreement_extended",
                    "negotiation": negotiation,
                    "terms": draw(st.sampled_from([None, "renewed"])),
                    "deadlines": deadlines,
                    "supersedes": [m.upper() if draw(st.booleans()) else m for m in supersedes],
                }
                milestones[negotiation].extend(d["milestone"] for d in deadlines)
            elif choice == "end":
                row = {
                    **common,
                    "type": "negotiation_ended",
                    "negotiation": negotiation,
                    "by": draw(st.sampled_from([None, actor])),
                    "outcome": draw(st.sampled_from(["concluded", "expired", "withdrawn", "collapsed"])),
                    "text": "ended",
                }
            elif choice == "milestone":
                row = {
                    **common,
                    "type": "milestone_completed",
                    "negotiation": negotiation,
                    "milestone": draw(st.sampled_from(MILESTONES)),
                }
            elif choice in ("suspend", "resume"):
                row = {
                    **common,
                    "type": f"negotiation_{choice}ed".replace("suspended", "suspended"),
                    "negotiation": negotiation,
                }
                row["type"] = "negotiation_suspended" if choice == "suspend" else "negotiation_resumed"
                if draw(st.booleans()):
                    row["by"] = actor
            elif choice == "correction":
                target = draw(st.sampled_from(live))
                changes: dict[str, Any] = {"occurred": draw(st.sampled_from(DATES))}
                if target["type"] == "strike":
                    changes["deaths"] = draw(st.integers(0, 20))
                if target["type"] == "figure_reported":
                    changes["value"] = draw(st.integers(0, 5000))
                if "until" in target:  # a span still ends on or after its (corrected) start
                    later = [d for d in DATES if _end(d) >= _start(changes["occurred"])]
                    changes["until"] = draw(st.sampled_from(later))
                row = {**common, "type": "correction", "target": target["id"], "changes": changes, "reason": "r"}
            else:
                target = draw(st.sampled_from(live))
                row = {**common, "type": "retraction", "target": target["id"], "reason": "r"}
                retracted.add(target["id"])
            if row["type"] not in ("correction", "retraction"):
                recorded.append(row)
        rows.append(row)
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(rows) - 1)), max_size=4)))
    batches, start = [], 0
    for cut in [*cuts, len(rows)]:
        if rows[start:cut]:
            batches.append(rows[start:cut])
        start = cut
    return batches

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
MILESTONES = ["phase one", "phase two"]


@st.composite
def stories(draw: Any) -> list[list[dict[str, Any]]]:
    """Valid developments (registrations first where needed), with corrections and retractions, in batches."""
    registered: list[str] = []
    opened: list[str] = []
    recorded: list[dict[str, Any]] = []
    retracted: set[str] = set()
    rows: list[dict[str, Any]] = []
    for n in range(draw(st.integers(3, 22))):
        common = {"id": f"d{n}", "occurred": draw(st.sampled_from(DATES)), "summary": f"development {n}"}
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
                choices += ["committee", "talks", "position", "agreement", "milestone", "suspend", "resume"]
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
            elif choice == "correction":
                target = draw(st.sampled_from(live))
                changes: dict[str, Any] = {"occurred": draw(st.sampled_from(DATES))}
                if target["type"] == "strike":
                    changes["deaths"] = draw(st.integers(0, 20))
                if target["type"] == "figure_reported":
                    changes["value"] = draw(st.integers(0, 5000))
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

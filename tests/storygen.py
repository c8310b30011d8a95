"""Small generators of valid developments for tests that need volume (not realistic prose)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path


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

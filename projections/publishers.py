"""Who vouches for the story: publishers by how many developments each supports. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


def distinct(names: Iterable[str]) -> list[str]:
    """Distinct publishers (case and spacing ignored: independent sources), alphabetically."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.strip().casefold(), name.strip())
    return [seen[k] for k in sorted(seen)]


# -- sources ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Supported:
    """A development and the publishers behind it."""

    id: str
    type: str
    occurred: str
    summary: str
    sources: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "occurred": self.occurred,
            "summary": self.summary,
            "sources": self.sources,
        }


@dataclass(frozen=True)
class SourceReport:
    developments: int
    publishers: list[tuple[str, int]]
    single_source: list[Supported]
    no_source: list[Supported]

    def as_json(self, limit: int | None = None) -> dict[str, Any]:
        """The report; with `limit`, the first `limit` developments of each list (the counts stay whole)."""
        return {
            "developments": self.developments,
            "publishers": [{"publisher": p, "developments": n} for p, n in self.publishers],
            "single_source": [s.as_json() for s in self.single_source[:limit]],
            "no_source": [s.as_json() for s in self.no_source[:limit]],
            "single_source_count": len(self.single_source),
            "no_source_count": len(self.no_source),
        }


def source_report(developments: Iterable[Supported]) -> SourceReport:
    """Publishers by how many developments each supports; developments on one source or none."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    single: list[Supported] = []
    none: list[Supported] = []
    total = 0
    for d in developments:
        total += 1
        for publisher in d.sources:
            folded = publisher.strip().casefold()
            names.setdefault(folded, publisher.strip())
            counts[folded] = counts.get(folded, 0) + 1
        if len(d.sources) == 1:
            single.append(d)
        elif not d.sources:
            none.append(d)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], names[kv[0]].casefold()))
    return SourceReport(total, [(names[k], n) for k, n in ranked], single, none)

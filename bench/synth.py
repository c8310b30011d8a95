"""Synthetic, rule-valid stories for the benchmarks: a few hundred actors, some negotiations, every
development type, corrections and retractions sprinkled in.

Deterministic for a given (n, seed). Actors are registered and negotiations opened before anything refers
to them; corrections and retractions target earlier, ordinary, not yet retracted developments; a
correction only changes fields that exist on its target and keeps the target valid. Actor popularity
follows a Zipf-like law (a few states appear everywhere, most actors rarely), as in real coverage.

    python -m bench.synth 100000 > story.jsonl        # or: write_jsonl(path, n)
"""

from __future__ import annotations

import bisect
import itertools
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

PUBLISHERS = [
    "Reuters",
    "Associated Press",
    "AFP",
    "BBC",
    "Al Jazeera",
    "The New York Times",
    "The Washington Post",
    "The Guardian",
    "Le Monde",
    "Der Spiegel",
    "Asharq Al-Awsat",
    "The National",
    "Haaretz",
    "Kyodo",
    "Xinhua",
    "TASS",
    "Anadolu",
    "Rudaw",
    "Shafaq News",
    "Defense Ministry statement",
    "UN OCHA",
    "ACLED",
    "ISW",
    "Bellingcat",
]
KINDS = ["state", "government", "military", "armed_group", "coalition", "organization", "person"]
KIND_WEIGHTS = [8, 12, 14, 18, 3, 15, 30]
PLACES = [
    "Baghdad",
    "Erbil",
    "Basra",
    "Mosul",
    "Damascus",
    "Aleppo",
    "Deir ez-Zor",
    "Beirut",
    "Tyre",
    "Sanaa",
    "Hodeidah",
    "Aden",
    "Gaza City",
    "Rafah",
    "Khan Younis",
    "the Red Sea",
    "Kyiv",
    "Kharkiv",
    "Odesa",
    "Tartus",
    "al-Tanf",
    "Ain al-Asad",
    "the Golan Heights",
    "Kirkuk",
]
METRICS = ["troops", "casualties", "displaced", "detainees", "aid-trucks", "budget-musd"]
SCOPES = [None, "iraq", "syria", "lebanon", "yemen", "gaza", "ukraine", "red-sea"]
STANCES = ["demands", "supports", "opposes", "neutral"]
CONFIDENCE = ["confirmed", "reported", "reported", "reported", "claimed", "disputed"]
_TEXT = (
    "officials said the move followed weeks of talks while analysts warned of escalation and "
    "diplomats urged restraint as forces repositioned near the border after overnight fighting "
    "and the ministry denied the reports calling them fabricated while aid groups described "
    "shortages of fuel water and medicine in the besieged districts"
)
WORDS = _TEXT.split()

# Share of each type among ordinary developments (after registrations and openings).
MIX: list[tuple[str, float]] = [
    ("statement", 0.22),
    ("strike", 0.14),
    ("attack", 0.14),
    ("figure_reported", 0.12),
    ("position_taken", 0.07),
    ("talks_held", 0.08),
    ("committee_formed", 0.01),
    ("agreement_reached", 0.02),
    ("milestone_completed", 0.02),
    ("negotiation_suspended", 0.01),
    ("negotiation_resumed", 0.01),
    ("actor_registered", 0.01),  # new actors keep appearing as the story grows
    ("correction", 0.03),
    ("retraction", 0.01),
]


def plan_sizes(n: int) -> tuple[int, int]:
    """(actors registered up front, negotiations opened up front) for a story of n developments."""
    actors = max(8, min(300, n // 40))
    negotiations = max(2, min(24, n // 4000 + 2))
    return actors, negotiations


class Story:
    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.actors: list[str] = []
        self.persons: list[str] = []
        self.actor_cum: list[float] = []  # cumulative Zipf weights, for bisect
        self.negotiations: list[str] = []
        self.neg_parties: dict[str, list[str]] = {}
        self.neg_milestones: dict[str, list[str]] = {}
        self.suspended: set[str] = set()
        # Ordinary developments a correction or retraction may target: id -> correctable fields.
        self.targets: list[tuple[str, str]] = []
        self.retracted: set[str] = set()
        self.counter = itertools.count(1)
        self.day0 = date(2021, 1, 1)
        self.days = 4 * 365

    # -- helpers ------------------------------------------------------------------------------

    def next_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self.counter):07d}"

    def sentence(self, lo: int = 6, hi: int = 18) -> str:
        words = self.rng.choices(WORDS, k=self.rng.randint(lo, hi))
        return " ".join(words).capitalize() + "."

    def occurred(self, i: int) -> str:
        """The story moves forward with the log, but reports often arrive late about earlier events."""
        progress = i / max(1, self.n)
        day = int(progress * self.days) - int(self.rng.expovariate(1 / 6))
        moment = self.day0 + timedelta(days=max(0, day))
        r = self.rng.random()
        if r < 0.88:
            return moment.isoformat()
        if r < 0.98:
            return moment.isoformat()[:7]
        return moment.isoformat()[:4]

    def sources(self) -> list[dict[str, Any]]:
        count = self.rng.choices([0, 1, 2, 3], weights=[4, 60, 28, 8])[0]
        out = []
        for publisher in self.rng.sample(PUBLISHERS, count):
            source: dict[str, Any] = {"publisher": publisher}
            if self.rng.random() < 0.5:
                source["url"] = f"https://news.example/{self.rng.getrandbits(40):x}"
            if self.rng.random() < 0.3:
                source["title"] = self.sentence(4, 9)
            out.append(source)
        return out

    def actor(self) -> str:
        x = self.rng.random() * self.actor_cum[-1]
        return self.actors[bisect.bisect_left(self.actor_cum, x)]

    def some_actors(self, lo: int, hi: int) -> list[str]:
        return list(dict.fromkeys(self.actor() for _ in range(self.rng.randint(lo, hi))))

    def base(self, kind: str, i: int, prefix: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": kind,
            "id": self.next_id(prefix),
            "occurred": self.occurred(i),
            "summary": self.sentence(),
        }
        sources = self.sources()
        if sources:
            body["sources"] = sources
        if self.rng.random() < 0.5:
            body["confidence"] = self.rng.choice(CONFIDENCE)
        return body

    # -- entities -----------------------------------------------------------------------------

    def register(self, i: int) -> dict[str, Any]:
        number = len(self.actors) + 1
        kind = "state" if number == 1 else self.rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
        actor_id = f"{kind.replace('_', '-')}-{number:04d}"
        body = self.base("actor_registered", i, "reg")
        body.update(actor=actor_id, name=f"{kind.replace('_', ' ').title()} {number}", kind=kind)
        if self.rng.random() < 0.6:
            body["aliases"] = [f"{kind[:3].upper()}{number}", f"the {kind.replace('_', ' ')} no. {number}"]
        if self.actors and self.rng.random() < 0.3:
            body["aligned_with"] = list(dict.fromkeys(self.rng.sample(self.actors, min(2, len(self.actors)))))
        if self.actors and self.rng.random() < 0.25:
            body["part_of"] = self.rng.choice(self.actors)
        self.actors.append(actor_id)
        if kind == "person":
            self.persons.append(actor_id)
        weight = 1.0 / (number**0.7)
        self.actor_cum.append((self.actor_cum[-1] if self.actor_cum else 0.0) + weight)
        return body

    def open_negotiation(self, i: int) -> dict[str, Any]:
        number = len(self.negotiations) + 1
        neg_id = f"negotiation-{number:03d}"
        parties = self.some_actors(2, 5)
        body = self.base("negotiation_opened", i, "open")
        body.update(
            negotiation=neg_id,
            title=f"Talks no. {number}",
            parties=parties,
            subject=self.sentence(8, 20),
        )
        self.negotiations.append(neg_id)
        self.neg_parties[neg_id] = parties
        self.neg_milestones[neg_id] = []
        return body

    # -- ordinary developments ----------------------------------------------------------------

    def ordinary(self, kind: str, i: int) -> dict[str, Any] | None:
        rng = self.rng
        if kind == "actor_registered":
            return self.register(i)
        if kind in ("strike", "attack"):
            body = self.base(kind, i, kind)
            by = self.actor()
            if kind == "strike" or rng.random() < 0.7:
                body["by"] = by
            body["targets"] = [a for a in self.some_actors(1, 2) if a != by]
            body["location"] = rng.choice(PLACES)
            if rng.random() < 0.6:
                body["deaths"] = rng.randint(0, 40)
            if rng.random() < 0.4:
                body["injured"] = rng.randint(0, 80)
            if self.persons and rng.random() < 0.02:
                body["killed"] = [rng.choice(self.persons)]
            if kind == "attack" and rng.random() < 0.2:
                body["count"] = rng.randint(2, 12)
            if rng.random() < 0.2:
                body["stated_reason"] = self.sentence()
            self.targets.append((body["id"], kind))
            return body
        if kind == "statement":
            body = self.base(kind, i, "statement")
            body["by"] = self.actor()
            body["text"] = self.sentence(10, 40)
            about = self.some_actors(0, 2)
            if self.negotiations and rng.random() < 0.3:
                about.append(rng.choice(self.negotiations))
            if about:
                body["about"] = list(dict.fromkeys(about))
            self.targets.append((body["id"], kind))
            return body
        if kind == "figure_reported":
            body = self.base(kind, i, "figure")
            body.update(actor=self.actor(), metric=rng.choice(METRICS), value=rng.randint(10, 250_000))
            scope = rng.choice(SCOPES)
            if scope:
                body["scope"] = scope
            if rng.random() < 0.2:
                body["as_of"] = body["occurred"]
            self.targets.append((body["id"], kind))
            return body
        if not self.negotiations:
            return None
        neg = rng.choice(self.negotiations)
        parties = self.neg_parties[neg]
        if kind == "position_taken":
            body = self.base(kind, i, "position")
            body.update(negotiation=neg, actor=rng.choice(parties), position=rng.choice(STANCES), text=self.sentence())
        elif kind == "talks_held":
            body = self.base(kind, i, "talks")
            body.update(negotiation=neg, parties=rng.sample(parties, min(len(parties), rng.randint(2, 4))))
            if rng.random() < 0.6:
                body["round"] = rng.randint(1, 30)
            if rng.random() < 0.5:
                body["outcome"] = self.sentence()
        elif kind == "committee_formed":
            body = self.base(kind, i, "committee")
            body.update(
                negotiation=neg,
                convened_by=rng.choice(parties),
                members=self.some_actors(2, 4),
                mandate=self.sentence(),
            )
        elif kind == "agreement_reached":
            body = self.base(kind, i, "agreement")
            names = [f"phase {rng.randint(1, 6)}" for _ in range(rng.randint(1, 3))]
            names = list(dict.fromkeys(names))
            due = (self.day0 + timedelta(days=int(i / self.n * self.days) + rng.randint(10, 200))).isoformat()
            body.update(
                negotiation=neg, terms=self.sentence(10, 30), deadlines=[{"milestone": m, "due": due} for m in names]
            )
            self.neg_milestones[neg] = list(dict.fromkeys([*self.neg_milestones[neg], *names]))
        elif kind == "milestone_completed":
            milestones = self.neg_milestones[neg] or ["ceasefire"]
            body = self.base(kind, i, "milestone")
            body.update(negotiation=neg, milestone=rng.choice(milestones))
        elif kind == "negotiation_suspended":
            body = self.base(kind, i, "suspended")
            body.update(negotiation=neg, reason=self.sentence())
            self.suspended.add(neg)
        elif kind == "negotiation_resumed":
            if not self.suspended:
                return None
            neg = rng.choice(sorted(self.suspended))
            self.suspended.discard(neg)
            body = self.base(kind, i, "resumed")
            body.update(negotiation=neg, reason=self.sentence())
        else:
            raise ValueError(kind)
        self.targets.append((body["id"], kind))
        return body

    def revision(self, kind: str, i: int) -> dict[str, Any] | None:
        """A correction or retraction of an earlier, ordinary, not yet retracted development."""
        rng = self.rng
        for _ in range(5):
            if not self.targets:
                return None
            # Mostly recent developments get revised, sometimes old ones.
            back = min(len(self.targets), 1 + int(rng.expovariate(1 / 200)))
            target, target_kind = self.targets[-back]
            if target not in self.retracted:
                break
        else:
            return None
        body = self.base(kind, i, kind)
        body.update(target=target, reason=self.sentence())
        if kind == "retraction":
            self.retracted.add(target)
            return body
        changes: dict[str, Any] = {"summary": self.sentence()}
        if target_kind in ("strike", "attack") and rng.random() < 0.7:
            changes["deaths"] = rng.randint(0, 60)
        elif target_kind == "figure_reported" and rng.random() < 0.7:
            changes["value"] = rng.randint(10, 250_000)
        elif rng.random() < 0.3:
            changes["confidence"] = rng.choice(["confirmed", "disputed"])
        body["changes"] = changes
        return body

    # -- the whole story ----------------------------------------------------------------------

    def __iter__(self) -> Iterator[dict[str, Any]]:
        actors, negotiations = plan_sizes(self.n)
        emitted = 0
        for _ in range(min(actors, self.n)):
            yield self.register(emitted)
            emitted += 1
        for _ in range(min(negotiations, self.n - emitted)):
            yield self.open_negotiation(emitted)
            emitted += 1
        kinds = [k for k, _ in MIX]
        weights = [w for _, w in MIX]
        while emitted < self.n:
            kind = self.rng.choices(kinds, weights)[0]
            if kind in ("correction", "retraction"):
                body = self.revision(kind, emitted)
            else:
                body = self.ordinary(kind, emitted)
            if body is None:
                continue
            yield body
            emitted += 1


def developments(n: int, seed: int = 42) -> Iterator[dict[str, Any]]:
    """n rule-valid developments, as interchange-format dicts."""
    return iter(Story(n, seed))


def write_jsonl(path: Path, n: int, seed: int = 42) -> int:
    """Write n developments to a JSON Lines file; return its size in bytes."""
    size = 0
    with path.open("wb") as out:
        for body in developments(n, seed):
            line = orjson.dumps(body) + b"\n"
            size += len(line)
            out.write(line)
    return size


def single(i: int, actor: str = "state-0001") -> dict[str, Any]:
    """One small, new development for the single-append workloads (distinct for each i)."""
    return {
        "type": "statement",
        "id": f"bench-single-{i:06d}",
        "occurred": "2024-06-01",
        "summary": f"Benchmark statement {i}",
        "by": actor,
        "text": f"A statement made for benchmark run {i}.",
        "sources": [{"publisher": "Reuters"}],
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for item in developments(count):
        sys.stdout.buffer.write(orjson.dumps(item) + b"\n")

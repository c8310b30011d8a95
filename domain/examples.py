"""One complete example line per development type, from the Iraq / U.S.-led coalition story of the seed
report: what `chronicle schema TYPE` shows and `chronicle template TYPE` prints to edit.

Every field is filled in. The ids they name are the seed's (`chronicle demo`), except what these examples
themselves add: `abu-baqir-al-saadi` (registered by the actor_registered example, killed in the strike
example) and the `coalition-exit` agreement's milestones (set by the agreement_reached example,
superseded by the agreement_extended one); `EXAMPLE_NEEDS` says which example each needs first.
"""

from __future__ import annotations

import difflib
from typing import Any

from chronicle.domain.developments import TYPES
from chronicle.domain.errors import InvalidInput

_REUTERS = {
    "publisher": "Reuters",
    "url": "https://www.reuters.com/world/middle-east/iraq-moves-end-us-led-coalition-mission-2024-01-05/",
    "title": "Iraq moves to end U.S.-led coalition mission",
    "authors": ["Ahmed Rasheed", "Tala Ramadan", "Nick Macfie"],
    "published": "2024-01-05",
}


def _source(title: str, published: str, authors: list[str]) -> dict[str, Any]:
    return {
        "publisher": "Reuters",
        "url": "https://www.reuters.com/world/middle-east/",
        "title": title,
        "authors": authors,
        "published": published,
    }


def _place(name: str, admin1: str, lat: float, lon: float) -> dict[str, Any]:
    return {"name": name, "country": "IQ", "admin1": admin1, "lat": lat, "lon": lon, "precision": 1}


_BAGHDAD = _place("Baghdad", "Baghdad", 33.3152, 44.3661)

EXAMPLES: dict[str, dict[str, Any]] = {
    "actor_registered": {
        "type": "actor_registered",
        "id": "reg-abu-baqir-al-saadi",
        "occurred": "2024-02-07",
        "until": "2024-02-07",
        "summary": "Abu Baqir al-Saadi, a commander of Kataib Hezbollah",
        "actor": "abu-baqir-al-saadi",
        "name": "Abu Baqir al-Saadi",
        "kind": "person",
        "aliases": ["Wissam Mohammed Saber al-Saadi"],
        "aligned_with": ["iran"],
        "part_of": "iran-aligned-groups",
        "sources": [
            _source("U.S. strike in Baghdad kills Kataib Hezbollah commander", "2024-02-07", ["Timour Azhari"])
        ],
        "confidence": "confirmed",
        "reported": "2024-02-07T19:30Z",
        "place": _BAGHDAD,
        "tags": ["armed-groups"],
        "responds_to": ["attacks-on-us-personnel"],
    },
    "strike": {
        "type": "strike",
        "id": "us-strike-baghdad-feb-7",
        "occurred": "2024-02-07",
        "until": "2024-02-07",
        "summary": "A U.S. drone strike in Baghdad kills a Kataib Hezbollah commander",
        "by": "us",
        "targets": ["iran-aligned-groups"],
        "location": "Mashtal, eastern Baghdad",
        "killed": ["abu-baqir-al-saadi"],
        "deaths": 3,
        "injured": 0,
        "stated_reason": "Retaliation for the attacks on U.S. forces in Iraq, Syria and Jordan",
        "sources": [
            _source("U.S. strike in Baghdad kills Kataib Hezbollah commander", "2024-02-07", ["Timour Azhari"])
        ],
        "confidence": "confirmed",
        "reported": "2024-02-07T19:30Z",
        "place": _BAGHDAD,
        "tags": ["drone", "strikes"],
        "responds_to": ["attacks-on-us-personnel"],
    },
    "attack": {
        "type": "attack",
        "id": "attacks-on-us-bases-jan",
        "occurred": "2024-01-20",
        "until": "2024-01-21",
        "summary": "Rockets and drones hit Ain al-Asad air base hosting U.S. troops",
        "by": "iran-aligned-groups",
        "targets": ["us", "us-led-coalition"],
        "location": "Ain al-Asad air base, Anbar",
        "killed": [],
        "deaths": 0,
        "injured": 4,
        "stated_reason": "Opposition to the U.S. military presence in Iraq",
        "count": 2,
        "sources": [_source("Rockets hit Iraq base hosting U.S. troops", "2024-01-20", ["Ahmed Rasheed"])],
        "confidence": "reported",
        "reported": "2024-01-20T22:00Z",
        "place": _place("Ain al-Asad air base", "Anbar", 33.7856, 42.4412),
        "tags": ["rockets", "drones"],
        "responds_to": ["us-strike-baghdad"],
    },
    "statement": {
        "type": "statement",
        "id": "sudani-calls-for-exit",
        "occurred": "2024-01-05",
        "until": "2024-01-05",
        "summary": "Al-Sudani says the coalition's presence is no longer justified",
        "by": "mohammed-shia-al-sudani",
        "text": "The justifications for the existence of the international coalition have ended.",
        "about": ["us-led-coalition", "coalition-exit"],
        "sources": [_REUTERS],
        "confidence": "confirmed",
        "reported": "2024-01-05T12:00Z",
        "place": _BAGHDAD,
        "tags": ["coalition-exit"],
        "responds_to": ["us-strike-baghdad"],
    },
    "figure_reported": {
        "type": "figure_reported",
        "id": "coalition-troops-iraq",
        "occurred": "2024-01-05",
        "until": "2024-01-05",
        "summary": "The coalition has about 900 non-U.S. troops in Iraq",
        "actor": "us-led-coalition",
        "metric": "troops",
        "value": 900,
        "scope": "iraq",
        "as_of": "2024-01-05",
        "sources": [_REUTERS],
        "confidence": "reported",
        "reported": "2024-01-05T12:00Z",
        "place": {"name": "Iraq", "country": "IQ", "admin1": "Baghdad", "lat": 33.2232, "lon": 43.6793, "precision": 3},
        "tags": ["troops"],
        "responds_to": ["us-troops-iraq"],
    },
    "negotiation_opened": {
        "type": "negotiation_opened",
        "id": "higher-military-commission-opened",
        "occurred": "2024-01-25",
        "until": "2024-01-25",
        "summary": "Iraq and the U.S. agree to open talks on the coalition's future",
        "negotiation": "higher-military-commission",
        "title": "U.S.-Iraq Higher Military Commission",
        "parties": ["iraq-government", "us"],
        "subject": "The future of the coalition's military mission in Iraq and a move to bilateral ties",
        "sources": [_source("U.S., Iraq to start talks on ending coalition", "2024-01-25", ["Phil Stewart"])],
        "confidence": "confirmed",
        "reported": "2024-01-25T16:00Z",
        "place": _BAGHDAD,
        "tags": ["coalition-exit"],
        "responds_to": ["coalition-exit-opened"],
    },
    "committee_formed": {
        "type": "committee_formed",
        "id": "military-working-groups",
        "occurred": "2024-01-27",
        "until": "2024-01-27",
        "summary": "Working groups are set up to assess the threat from Islamic State",
        "negotiation": "coalition-exit",
        "convened_by": "iraq-government",
        "members": ["iraq-government", "us", "us-led-coalition"],
        "mandate": "Assess the threat from Islamic State, operational needs and the strength of Iraqi forces",
        "sources": [_source("Iraq, U.S. begin talks on coalition's future", "2024-01-27", ["Timour Azhari"])],
        "confidence": "confirmed",
        "reported": "2024-01-27T15:00Z",
        "place": _BAGHDAD,
        "tags": ["coalition-exit"],
        "responds_to": ["withdrawal-committee"],
    },
    "talks_held": {
        "type": "talks_held",
        "id": "coalition-talks-round-1",
        "occurred": "2024-01-27",
        "until": "2024-01-27",
        "summary": "Iraqi and U.S. officials hold a first round of talks on the coalition's future",
        "negotiation": "coalition-exit",
        "parties": ["iraq-government", "us", "us-led-coalition"],
        "round": 1,
        "outcome": "Working groups set up; no timeline agreed yet",
        "sources": [_source("Iraq, U.S. begin talks on coalition's future", "2024-01-27", ["Timour Azhari"])],
        "confidence": "confirmed",
        "reported": "2024-01-27T15:00Z",
        "place": _BAGHDAD,
        "tags": ["coalition-exit"],
        "responds_to": ["withdrawal-committee"],
    },
    "position_taken": {
        "type": "position_taken",
        "id": "us-position-gradual",
        "occurred": "2024-01-05",
        "until": "2024-01-05",
        "summary": "Washington says it has no plans to withdraw its troops",
        "negotiation": "coalition-exit",
        "actor": "pentagon",
        "position": "opposes",
        "text": "We have no plans to withdraw; U.S. troops are in Iraq at the invitation of the government.",
        "sources": [_REUTERS],
        "confidence": "confirmed",
        "reported": "2024-01-05T18:00Z",
        "place": {
            "name": "Washington",
            "country": "US",
            "admin1": "District of Columbia",
            "lat": 38.8719,
            "lon": -77.0563,
            "precision": 1,
        },
        "tags": ["coalition-exit"],
        "responds_to": ["iraq-position"],
    },
    "agreement_reached": {
        "type": "agreement_reached",
        "id": "coalition-exit-agreed",
        "occurred": "2024-09-27",
        "until": "2024-09-27",
        "summary": "The U.S. and Iraq agree to end the coalition's mission in two phases",
        "negotiation": "coalition-exit",
        "terms": "The coalition's mission in federal Iraq ends first; its support from Kurdistan for operations in "
        "Syria continues a year longer",
        "deadlines": [
            {"milestone": "federal Iraq mission ends", "due": "2025-09"},
            {"milestone": "Kurdistan support ends", "due": "2026-09"},
        ],
        "sources": [_source("U.S.-led coalition to leave Iraq by end of 2026", "2024-09-27", ["Phil Stewart"])],
        "confidence": "confirmed",
        "reported": "2024-09-27T17:00Z",
        "place": _BAGHDAD,
        "tags": ["coalition-exit"],
        "responds_to": ["coalition-exit-opened"],
    },
    "milestone_completed": {
        "type": "milestone_completed",
        "id": "federal-mission-ended",
        "occurred": "2025-09",
        "until": "2025-09-30",
        "summary": "Coalition forces leave their bases in federal Iraq",
        "negotiation": "coalition-exit",
        "milestone": "federal Iraq mission ends",
        "sources": [_source("Coalition troops leave Baghdad bases", "2025-09-30", ["Ahmed Rasheed"])],
        "confidence": "reported",
        "reported": "2025-09-30T12:00Z",
        "place": _BAGHDAD,
        "tags": ["coalition-exit"],
        "responds_to": ["coalition-exit-opened"],
    },
    "agreement_extended": {
        "type": "agreement_extended",
        "id": "federal-exit-extended",
        "occurred": "2025-08",
        "until": "2025-08-31",
        "summary": "The first phase of the coalition's exit is pushed back",
        "negotiation": "coalition-exit",
        "terms": "Coalition forces may stay at Ain al-Asad until the end of the first phase's new deadline",
        "deadlines": [{"milestone": "Ain al-Asad handed over", "due": "2025-12"}],
        "supersedes": ["federal Iraq mission ends"],
        "sources": [_source("Coalition exit from Iraqi base delayed", "2025-08-15", ["Timour Azhari"])],
        "confidence": "reported",
        "reported": "2025-08-15T10:00Z",
        "place": _place("Ain al-Asad air base", "Anbar", 33.7856, 42.4412),
        "tags": ["coalition-exit"],
        "responds_to": ["coalition-exit-opened"],
    },
    "negotiation_suspended": {
        "type": "negotiation_suspended",
        "id": "coalition-talks-paused",
        "occurred": "2024-01-29",
        "until": "2024-02-05",
        "summary": "Talks on the coalition's exit pause after a deadly drone attack in Jordan",
        "negotiation": "coalition-exit",
        "reason": "A drone attack on Tower 22 in Jordan killed three U.S. soldiers",
        "by": "us",
        "sources": [_source("Iraq talks on hold after Jordan attack", "2024-01-29", ["Phil Stewart"])],
        "confidence": "reported",
        "reported": "2024-01-29T20:00Z",
        "place": _BAGHDAD,
        "tags": ["coalition-exit"],
        "responds_to": ["attacks-on-us-personnel"],
    },
    "negotiation_resumed": {
        "type": "negotiation_resumed",
        "id": "coalition-talks-resume",
        "occurred": "2024-02-06",
        "until": "2024-02-06",
        "summary": "Iraqi and U.S. military officials resume talks on the coalition's future",
        "negotiation": "coalition-exit",
        "reason": "Both governments want a timeline agreed before the summer",
        "by": "iraq-government",
        "sources": [_source("Iraq, U.S. resume talks on coalition's future", "2024-02-06", ["Timour Azhari"])],
        "confidence": "reported",
        "reported": "2024-02-06T14:00Z",
        "place": _BAGHDAD,
        "tags": ["coalition-exit"],
        "responds_to": ["coalition-exit-opened"],
    },
    "negotiation_ended": {
        "type": "negotiation_ended",
        "id": "coalition-exit-concluded",
        "occurred": "2024-09-27",
        "until": "2024-09-27",
        "summary": "The talks on ending the coalition's mission conclude with an agreement",
        "negotiation": "coalition-exit",
        "by": "iraq-government",
        "outcome": "concluded",
        "text": "The Higher Military Commission's talks ended with an agreed two-phase timeline.",
        "sources": [_source("U.S.-led coalition to leave Iraq by end of 2026", "2024-09-27", ["Phil Stewart"])],
        "confidence": "confirmed",
        "reported": "2024-09-27T17:00Z",
        "place": _BAGHDAD,
        "tags": ["coalition-exit"],
        "responds_to": ["coalition-exit-opened"],
    },
    "correction": {
        "type": "correction",
        "id": "attack-count-revised",
        "occurred": "2024-01-06",
        "until": "2024-01-06",
        "summary": "More attacks on U.S. personnel are counted for January",
        "target": "attacks-on-us-personnel",
        "changes": {"count": 3, "confidence": "confirmed"},
        "reason": "The Pentagon confirmed three attacks in the first week of January",
        "sources": [_source("Pentagon tallies attacks on U.S. forces", "2024-01-06", ["Idrees Ali"])],
        "confidence": "confirmed",
        "reported": "2024-01-06T15:00Z",
        "place": _BAGHDAD,
        "tags": ["corrections"],
        "responds_to": ["pentagon-answered-attacks"],
    },
    "retraction": {
        "type": "retraction",
        "id": "groups-demand-retracted",
        "occurred": "2024-01-06",
        "until": "2024-01-06",
        "summary": "The statement attributed to the groups is withdrawn",
        "target": "groups-demand-exit",
        "reason": "The statement came from an account that does not speak for the groups",
        "sources": [_source("Correction: Iraq militia statement", "2024-01-06", ["Ahmed Rasheed"])],
        "confidence": "reported",
        "reported": "2024-01-06T11:00Z",
        "place": _BAGHDAD,
        "tags": ["corrections"],
        "responds_to": ["groups-demand-exit"],
    },
    "source_redacted": {
        "type": "source_redacted",
        "id": "redact-baghdad-official",
        "occurred": "2024-01-08",
        "until": "2024-01-08",
        "summary": "The key of a confidential source in Baghdad is destroyed",
        "source": "baghdad-official",
        "reason": "The source asked not to be identified after the strike",
        "sources": [_REUTERS],
        "confidence": "confirmed",
        "reported": "2024-01-08T09:00Z",
        "place": _BAGHDAD,
        "tags": ["redactions"],
        "responds_to": ["us-strike-baghdad"],
    },
}

# The examples an example needs recorded first (besides the seed report): what it names that they add.
EXAMPLE_NEEDS: dict[str, tuple[str, ...]] = {
    "strike": ("actor_registered",),
    "milestone_completed": ("agreement_reached",),
    "agreement_extended": ("agreement_reached",),
}


class UnknownType(InvalidInput):
    """A type name that is no development type; the message says so and suggests the closest."""


def type_named(text: str) -> str:
    """The development type `text` names, dashes read as underscores (`figure-reported`)."""
    name = text.strip().replace("-", "_")
    if name in TYPES:
        return name
    close = types_like(name, list(TYPES))
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else f"; one of: {', '.join(TYPES)}"
    raise UnknownType(f"no development type {text!r}{hint}")


def types_like(name: str, known: list[str]) -> list[str]:
    """The type names a mistyped one most likely meant: the closest spelling, else those it is a word
    of (`actor` -> `actor_registered`; `agreement` -> both agreement types)."""
    name = name.strip().replace("-", "_")
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return close
    return [k for k in known if name and name in k.split("_")][:3]


def example(kind: str) -> dict[str, Any]:
    """The example line of development type `kind` (a copy, to change freely)."""
    import copy

    return copy.deepcopy(EXAMPLES[kind])

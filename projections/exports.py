"""Exports of a story: pure functions from developments to the contents of files.

No I/O here. The service layer gathers the developments (as believed, with what revised them) and the
vendored assets; these functions only shape and render them: JSON Lines selection, CSV, Markdown,
TimelineJS3 JSON, a self-contained HTML page with a vis-timeline, and a static PNG/SVG chart.

Every renderer treats text as data: HTML and Markdown escape it, the HTML page draws user text with
`textContent` only, CSV neutralises spreadsheet formulas.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import orjson

from chronicle.domain.dates import FuzzyDate
from chronicle.domain.developments import (
    ActorRegistered,
    AttackReported,
    CorrectionIssued,
    Development,
    FigureReported,
    NegotiationDevelopment,
    NegotiationOpened,
    PositionTaken,
    RetractionIssued,
    Source,
    StatementMade,
    StrikeCarriedOut,
)
from chronicle.domain.errors import InvalidInput
from chronicle.domain.rules import apply_changes
from chronicle.projections.fold import Step, apply, fold, new_view, touched
from chronicle.projections.models import ActorView, NegotiationView

VIS_TIMELINE_VERSION = "8.5.4"
FORMATS = ("jsonl", "csv", "markdown", "timelinejs", "html", "png", "svg")
UNATTRIBUTED = ""

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_CATEGORY = {
    "strike": "violence",
    "attack": "violence",
    "statement": "statement",
    "position_taken": "statement",
    "actor_registered": "registration",
    "figure_reported": "figure",
    "correction": "revision",
    "retraction": "revision",
}
CATEGORIES = {
    "violence": ("Strikes and attacks", "#c0392b"),
    "statement": ("Statements and positions", "#2563eb"),
    "negotiation": ("Negotiation steps", "#15803d"),
    "figure": ("Figures", "#7c3aed"),
    "registration": ("Actors entering the story", "#6b7280"),
    "revision": ("Corrections and retractions", "#b45309"),
}


def category(kind: str) -> str:
    """The colour family of a development type."""
    return _CATEGORY.get(kind, "negotiation")


# -- what an export is made of ----------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One development as exported: as believed (corrections applied), and what revised it."""

    development: Development
    position: int
    corrected_by: tuple[str, ...] = ()
    retracted_by: str | None = None
    original: Development | None = None

    @property
    def id(self) -> str:
        return self.development.id or ""

    @property
    def kind(self) -> str:
        return str(getattr(self.development, "type", "development"))

    @property
    def is_revision(self) -> bool:
        return isinstance(self.development, CorrectionIssued | RetractionIssued)

    @property
    def counts(self) -> bool:
        """Whether it shapes the state of actors and negotiations."""
        return self.retracted_by is None and not self.is_revision


@dataclass(frozen=True)
class Phase:
    """A stretch of time a negotiation spent in one status (both ends inclusive)."""

    negotiation: str
    status: str
    start: date
    end: date
    ongoing: bool = False

    @property
    def label(self) -> str:
        return self.status.replace("_", " ")


@dataclass(frozen=True)
class DeadlineMark:
    """A deadline an agreement set, as the negotiation stands at the end of the export."""

    negotiation: str
    milestone: str
    due: FuzzyDate
    completed: str | None
    late: bool | None
    development: str

    @property
    def state(self) -> str:
        if self.completed is None:
            return "pending"
        return f"completed {self.completed}" + (" (late)" if self.late else "")


@dataclass(frozen=True)
class Story:
    """What the story exports render: items in story order and their context."""

    items: tuple[Item, ...]
    actors: dict[str, ActorView]
    negotiations: dict[str, NegotiationView]
    phases: tuple[Phase, ...]
    deadlines: tuple[DeadlineMark, ...]
    revisions: dict[str, Item]
    title: str
    caption: str
    subjects: dict[str, str] = field(default_factory=dict)

    def label(self, key: str) -> str:
        """A readable name for an entity key (`actor:us` -> `United States`)."""
        kind, _, ident = key.partition(":")
        if kind == "actor":
            actor = self.actors.get(ident)
            return actor.name if actor is not None and actor.name else ident
        if kind == "negotiation":
            negotiation = self.negotiations.get(ident)
            title = negotiation.title if negotiation is not None and negotiation.title else ident
            return f"Negotiation: {title}"
        return "Unattributed"

    def actor_ids(self, development: Development) -> list[str]:
        """Actors a development names, in a stable order."""
        found = []
        for key in touched(development):
            kind, _, ident = key.partition(":")
            if kind == "actor" and (ident in self.actors or ident not in self.negotiations):
                found.append(ident)
        return list(dict.fromkeys(found))

    def negotiation_ids(self, development: Development) -> list[str]:
        found = []
        for key in touched(development):
            kind, _, ident = key.partition(":")
            if kind == "negotiation" and (ident in self.negotiations or ident not in self.actors):
                found.append(ident)
        return list(dict.fromkeys(found))

    def actor_name(self, ident: str) -> str:
        actor = self.actors.get(ident)
        return actor.name if actor is not None and actor.name else ident

    def span(self) -> tuple[date, date] | None:
        """First and last day the export covers (developments, phases and deadlines)."""
        days = [d for i in self.items for d in (i.development.when.start, i.development.when.end)]
        days += [d for mark in self.deadlines for d in (mark.due.start, mark.due.end)]
        days += [d for p in self.phases for d in (p.start, p.end)]
        return (min(days), max(days)) if days else None


def subject_key(development: Development) -> str:
    """The entity a development is mainly about: the row it sits on in a visual timeline."""
    if isinstance(development, ActorRegistered | FigureReported | PositionTaken):
        return f"actor:{development.actor}"
    if isinstance(development, StrikeCarriedOut | StatementMade):
        return f"actor:{development.by}"
    if isinstance(development, AttackReported):
        return f"actor:{development.by}" if development.by else UNATTRIBUTED
    if isinstance(development, NegotiationOpened | NegotiationDevelopment):
        return f"negotiation:{development.negotiation}"
    return UNATTRIBUTED


def build_story(
    items: Sequence[Item],
    context: Sequence[Item],
    *,
    title: str | None = None,
    as_of: date | None = None,
    known_at: str | None = None,
) -> Story:
    """A story from the exported items (story order) and every item believed (names, phases, revisions)."""
    steps: dict[str, list[Step]] = {}
    for item in context:
        if item.counts:
            for key in touched(item.development):
                steps.setdefault(key, []).append(Step(item.development, item.position))
    actors: dict[str, ActorView] = {}
    negotiations: dict[str, NegotiationView] = {}
    for key, entity_steps in steps.items():
        view = fold(key, entity_steps)
        if isinstance(view, ActorView) and view.registered:
            actors[view.id] = view
        elif isinstance(view, NegotiationView) and view.registered:
            negotiations[view.id] = view
    revisions = {item.id: item for item in context if item.is_revision}
    by_id = {item.id: item for item in context}
    subjects: dict[str, str] = {}
    for item in (*context, *items):
        development = item.development
        if isinstance(development, CorrectionIssued | RetractionIssued):
            target = by_id.get(development.target)
            subjects[item.id] = subject_key(target.development) if target else UNATTRIBUTED
        else:
            subjects[item.id] = subject_key(development)
    shown: list[str] = []
    for item in items:
        keys = touched(item.development)
        if item.is_revision and item.id in subjects:
            keys = [subjects[item.id]]
        for key in keys:
            kind, _, ident = key.partition(":")
            if kind == "negotiation" and ident in negotiations and ident not in shown:
                shown.append(ident)
    last_day = max((i.development.when.start for i in items), default=None)
    phases: list[Phase] = []
    deadlines: list[DeadlineMark] = []
    for ident in shown:
        phases += negotiation_phases(ident, steps.get(f"negotiation:{ident}", []), last_day)
        for deadline in negotiations[ident].deadlines:
            if deadline.due is None:
                continue
            deadlines.append(
                DeadlineMark(
                    negotiation=ident,
                    milestone=deadline.milestone,
                    due=FuzzyDate.parse(deadline.due),
                    completed=deadline.completed,
                    late=deadline.late,
                    development=deadline.development,
                )
            )
    developments = sum(1 for i in items if not i.is_revision)
    parts = [f"{developments} development{'s' if developments != 1 else ''}"]
    revised = len(items) - developments
    if revised:
        parts.append(f"{revised} correction{'s' if revised != 1 else ''} or retraction{'s' if revised != 1 else ''}")
    if as_of is not None:
        parts.append(f"as of {as_of.isoformat()}")
    if known_at is not None:
        parts.append(f"as known at {known_at}")
    return Story(
        items=tuple(items),
        actors=actors,
        negotiations=negotiations,
        phases=tuple(phases),
        deadlines=tuple(deadlines),
        revisions=revisions,
        title=title or "Chronicle timeline",
        caption=" · ".join(parts),
        subjects=subjects,
    )


def negotiation_phases(ident: str, steps: Sequence[Step], last_day: date | None) -> list[Phase]:
    """The statuses a negotiation went through, one phase per status, from its developments."""
    view = new_view(f"negotiation:{ident}")
    assert isinstance(view, NegotiationView)
    changes: list[tuple[date, str]] = []
    for step in sorted(steps, key=lambda s: s.key):
        apply(view, step)
        if not view.registered:
            continue
        day = step.development.when.start
        if changes and changes[-1][0] == day:
            changes[-1] = (day, view.status)
        else:
            changes.append((day, view.status))
    merged: list[tuple[date, str]] = []
    for day, status in changes:
        if not merged or merged[-1][1] != status:
            merged.append((day, status))
    phases = []
    for index, (day, status) in enumerate(merged):
        if index + 1 < len(merged):
            end = merged[index + 1][0] - timedelta(days=1)
            phases.append(Phase(ident, status, day, max(day, end)))
        else:
            # The current phase runs on to the story's last development.
            phases.append(Phase(ident, status, day, max(day, last_day or day), ongoing=True))
    return phases


# -- JSON Lines: the interchange format, originals in record order --------------------------------


def _refs(development: Development) -> list[str]:
    keys = [f"actor:{a}" for a in development.actor_refs()]
    keys += [f"negotiation:{n}" for n in development.negotiation_refs()]
    for either in development.either_refs():
        keys += [f"actor:{either}", f"negotiation:{either}"]
    return keys


def interchange_selection(records: Sequence[Development], selected: Iterable[str]) -> list[Development]:
    """`records` (originals, record order) cut down to `selected` plus what they need to import cleanly:
    the registrations of the actors and negotiations they name, and every correction and retraction of
    anything kept."""
    by_id = {d.id: d for d in records}
    registrations: dict[str, str] = {}
    revisions: dict[str, list[str]] = {}  # by target, found once (not by rescanning records per id kept)
    for d in records:
        if isinstance(d, ActorRegistered) and d.id:
            registrations.setdefault(f"actor:{d.actor}", d.id)
        elif isinstance(d, NegotiationOpened) and d.id:
            registrations.setdefault(f"negotiation:{d.negotiation}", d.id)
        elif isinstance(d, CorrectionIssued | RetractionIssued) and d.id:
            revisions.setdefault(d.target, []).append(d.id)
    keep: set[str] = set()
    pending = [i for i in selected if i in by_id]
    while pending:
        ident = pending.pop()
        if ident in keep:
            continue
        keep.add(ident)
        development = by_id[ident]
        needs = [registrations.get(key) for key in _refs(development)]
        if isinstance(development, CorrectionIssued | RetractionIssued):
            needs.append(development.target)
            target = by_id.get(development.target)
            if isinstance(development, CorrectionIssued) and target is not None:
                with contextlib.suppress(InvalidInput):
                    corrected = apply_changes(target, development.changes)
                    needs += [registrations.get(key) for key in _refs(corrected)]
        pending += [n for n in needs if n and n not in keep and n in by_id]
        # Revisions of what is kept travel with it.
        pending += [r for r in revisions.get(ident, ()) if r not in keep]
    return [d for d in records if d.id in keep]


# -- shared text ------------------------------------------------------------------------------------


def display_date(when: FuzzyDate) -> str:
    """`4 January 2024`, `January 2024` or `2024`, by precision."""
    if when.precision == "day":
        return f"{when.start.day} {_MONTHS[when.start.month - 1]} {when.start.year}"
    if when.precision == "month":
        return f"{_MONTHS[when.start.month - 1]} {when.start.year}"
    return str(when.start.year)


def source_text(source: Source) -> str:
    """`Reuters: "Title", A. Author, 2024-01-05, https://...`."""
    parts = []
    if source.title:
        parts.append(f"\u201c{source.title}\u201d")
    if source.authors:
        parts.append(", ".join(source.authors))
    if source.published:
        parts.append(source.published)
    if source.url:
        parts.append(source.url)
    return f"{source.publisher}: {', '.join(parts)}" if parts else source.publisher


def _status(item: Item) -> str:
    marks = []
    if item.corrected_by:
        marks.append(f"corrected by {', '.join(item.corrected_by)}")
    if item.retracted_by:
        marks.append(f"retracted by {item.retracted_by}")
    return "; ".join(marks)


def _safe_url(url: str | None) -> str | None:
    if url and re.match(r"^https?://", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


# -- CSV ------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "date", "precision", "type", "id", "summary", "actors", "negotiations",
    "sources", "confidence", "status",
)  # fmt: skip


def _cell(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(story: Story) -> str:
    """One row per development (RFC 4180, CRLF line ends), story order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in story.items:
        d = item.development
        when = d.when
        row = [
            d.occurred,
            when.precision,
            item.kind,
            item.id,
            d.summary,
            "; ".join(story.actor_ids(d)),
            "; ".join(story.negotiation_ids(d)),
            "; ".join(source_text(s) for s in d.sources),
            d.confidence.value,
            _status(item),
        ]
        writer.writerow([_cell(str(value)) for value in row])
    return out.getvalue()


# -- Markdown -------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def md(text: str) -> str:
    """Text as literal Markdown: special characters escaped, on one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_source(source: Source) -> str:
    url = _safe_url(source.url)
    text = md(source_text(source.model_copy(update={"url": None})))
    return f"{text} (<{url.replace('>', '%3E').replace(' ', '%20')}>)" if url else text


def to_markdown(story: Story) -> str:
    lines = [f"# {md(story.title)}", "", md(story.caption), ""]
    if not story.items:
        lines += ["No developments.", ""]
        return "\n".join(lines)
    lines += [
        "| Date | Type | Summary | Actors | Sources |",
        "| --- | --- | --- | --- | --- |",
    ]
    for item in story.items:
        d = item.development
        summary = md(d.summary)
        if item.retracted_by:
            summary = f"~~{summary}~~ **retracted** by {md(item.retracted_by)}"
        elif item.corrected_by:
            summary += f" *(corrected by {md(', '.join(item.corrected_by))})*"
        if isinstance(d, CorrectionIssued | RetractionIssued):
            summary += f" *({item.kind} of {md(d.target)})*"
        actors = ", ".join(md(story.actor_name(a)) for a in story.actor_ids(d))
        sources = "; ".join(_md_source(s) for s in d.sources) or "no source"
        date_text = display_date(d.when)
        lines.append(f"| {date_text} | {item.kind.replace('_', ' ')} | {summary} | {actors} | {sources} |")
    lines.append("")
    revisions = [i for i in story.items if i.is_revision]
    if revisions:
        lines += ["## Corrections and retractions", ""]
        for item in revisions:
            d = item.development
            assert isinstance(d, CorrectionIssued | RetractionIssued)
            verb = "corrects" if isinstance(d, CorrectionIssued) else "retracts"
            text = f"- {display_date(d.when)}: **{md(item.id)}** {verb} {md(d.target)}"
            if isinstance(d, CorrectionIssued):
                text += " (" + ", ".join(md(f"{k} \u2192 {_value(v)}") for k, v in sorted(d.changes.items())) + ")"
            lines.append(f"{text}. {md(d.reason)}")
        lines.append("")
    if story.negotiations and story.phases:
        lines += ["## Negotiations", ""]
        for ident in dict.fromkeys(p.negotiation for p in story.phases):
            view = story.negotiations[ident]
            lines.append(f"### {md(view.title or ident)} ({md(ident)})")
            lines.append("")
            lines.append(f"- Status: {view.status.replace('_', ' ')}")
            for phase in (p for p in story.phases if p.negotiation == ident):
                if phase.ongoing:
                    lines.append(f"- Phase: {phase.label}, since {phase.start.isoformat()}")
                else:
                    lines.append(f"- Phase: {phase.label}, {phase.start.isoformat()} to {phase.end.isoformat()}")
            for mark in (m for m in story.deadlines if m.negotiation == ident):
                lines.append(f"- Deadline: {md(mark.milestone)}, due {mark.due.text}, {mark.state}")
            lines.append("")
    return "\n".join(lines)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


# -- TimelineJS3 ----------------------------------------------------------------------------------


def _tl_date(when: FuzzyDate, display: bool = True) -> dict[str, Any]:
    found: dict[str, Any] = {"year": when.start.year}
    if when.precision in ("month", "day"):
        found["month"] = when.start.month
    if when.precision == "day":
        found["day"] = when.start.day
    if display:
        found["display_date"] = display_date(when)
    return found


def _day(day: date) -> FuzzyDate:
    return FuzzyDate.parse(day.isoformat())


def _tl_text(item: Item, story: Story) -> str:
    d = item.development
    paragraphs = []
    if item.retracted_by:
        paragraphs.append(f"<p><strong>Retracted</strong> by {html.escape(item.retracted_by)}</p>")
    if item.corrected_by:
        paragraphs.append(f"<p><em>Corrected by {html.escape(', '.join(item.corrected_by))}</em></p>")
    for label, value in detail_fields(d, story):
        paragraphs.append(f"<p><strong>{html.escape(label)}</strong>: {html.escape(value)}</p>")
    if d.sources:
        listed = "".join(f"<li>{html.escape(source_text(s))}</li>" for s in d.sources)
        paragraphs.append(f"<p><strong>Sources</strong></p><ul>{listed}</ul>")
    return "".join(paragraphs)


def to_timelinejs(story: Story) -> dict[str, Any]:
    """TimelineJS3 JSON: one event per development (group = main actor), eras = negotiation phases."""
    events = []
    for item in story.items:
        d = item.development
        headline = html.escape(d.summary)
        if item.retracted_by:
            headline = f"[Retracted] {headline}"
        event: dict[str, Any] = {
            "unique_id": item.id,
            "start_date": _tl_date(d.when),
            "display_date": display_date(d.when),
            "text": {"headline": headline, "text": _tl_text(item, story)},
            "group": html.escape(story.label(story.subjects.get(item.id, UNATTRIBUTED))),
        }
        if d.sources:
            url = next((u for s in d.sources if (u := _safe_url(s.url))), "")
            event["media"] = {
                "url": url,
                "credit": html.escape("; ".join(source_text(s) for s in d.sources)),
            }
        events.append(event)
    eras = [
        {
            "start_date": _tl_date(_day(p.start), display=False),
            "end_date": _tl_date(_day(p.end), display=False),
            "text": {"headline": html.escape(f"{story.label(f'negotiation:{p.negotiation}')}: {p.label}")},
        }
        for p in story.phases
    ]
    return {
        "title": {"text": {"headline": html.escape(story.title), "text": html.escape(story.caption)}},
        "events": events,
        "eras": eras,
        "scale": "human",
    }


# -- details shown for one development ----------------------------------------------------------

_SKIP_FIELDS = {"id", "type", "summary", "sources", "occurred", "confidence"}


def _field_value(value: Any, story: Story) -> str:
    if isinstance(value, str):
        return f"{story.actor_name(value)} ({value})" if value in story.actors else value
    if isinstance(value, list):
        return ", ".join(_field_value(v, story) for v in value)
    if isinstance(value, dict) and set(value) == {"milestone", "due"}:
        return f"{value['milestone']} (due {value['due']})"
    return _value(value)


def detail_fields(development: Development, story: Story) -> list[tuple[str, str]]:
    """The type-specific fields of a development, as label/value text pairs."""
    body = development.model_dump(mode="json")
    fields = []
    for name, value in body.items():
        if name in _SKIP_FIELDS or value in (None, [], {}, ""):
            continue
        if name == "changes" and isinstance(value, dict):
            text = "; ".join(f"{k} \u2192 {_value(v)}" for k, v in sorted(value.items()))
        else:
            text = _field_value(value, story)
        fields.append((name.replace("_", " "), text))
    return fields


def _revision_lines(item: Item, story: Story) -> list[str]:
    lines = []
    for ident in item.corrected_by:
        revision = story.revisions.get(ident)
        if revision is None or not isinstance(revision.development, CorrectionIssued):
            lines.append(f"Corrected by {ident}")
            continue
        c = revision.development
        before = item.original.model_dump(mode="json") if item.original else {}
        changes = "; ".join(
            f"{k}: {_value(before[k]) if k in before else '?'} \u2192 {_value(v)}" for k, v in sorted(c.changes.items())
        )
        lines.append(f"Corrected by {ident} ({display_date(c.when)}): {changes}. {c.reason}")
    if item.retracted_by:
        revision = story.revisions.get(item.retracted_by)
        reason = revision.development.reason if revision and isinstance(revision.development, RetractionIssued) else ""
        lines.append(f"Retracted by {item.retracted_by}" + (f": {reason}" if reason else ""))
    return lines


def details(item: Item, story: Story) -> dict[str, Any]:
    d = item.development
    when = d.when
    flags = []
    if item.corrected_by:
        flags.append("corrected")
    if item.retracted_by:
        flags.append("retracted")
    sources = [
        {
            "publisher": s.publisher,
            "title": s.title or "",
            "authors": ", ".join(s.authors),
            "published": s.published or "",
            "url": _safe_url(s.url) or "",
            "text": s.url if s.url and not _safe_url(s.url) else "",
        }
        for s in d.sources
    ]
    return {
        "id": item.id,
        "title": d.summary,
        "date": f"{display_date(when)} ({when.precision})",
        "type": item.kind.replace("_", " "),
        "confidence": d.confidence.value,
        "group": story.label(story.subjects.get(item.id, UNATTRIBUTED)),
        "flags": flags,
        "fields": [list(pair) for pair in detail_fields(d, story)],
        "sources": sources,
        "revisions": _revision_lines(item, story),
    }


# -- HTML with vis-timeline -----------------------------------------------------------------------


def _iso(day: date) -> str:
    return day.isoformat()


def timeline_data(story: Story) -> dict[str, Any]:
    """What the page's script draws: groups, items (developments, phases, deadlines), details."""
    group_keys: list[str] = []
    for item in story.items:
        key = story.subjects.get(item.id, UNATTRIBUTED)
        if key not in group_keys:
            group_keys.append(key)
    for mark in story.deadlines:
        key = f"negotiation:{mark.negotiation}"
        if key not in group_keys:
            group_keys.append(key)
    groups = [
        {"id": key or "none", "content": html.escape(story.label(key)), "label": story.label(key), "order": n}
        for n, key in enumerate(group_keys)
    ]
    items: list[dict[str, Any]] = []
    for item in story.items:
        d = item.development
        when = d.when
        classes = [f"c-{category(item.kind)}", f"t-{item.kind}"]
        if item.corrected_by:
            classes.append("corrected")
        if item.retracted_by:
            classes.append("retracted")
        entry: dict[str, Any] = {
            "id": item.id,
            "dev": item.id,
            "group": story.subjects.get(item.id, UNATTRIBUTED) or "none",
            "content": html.escape(_shorten(d.summary, 60)),
            "label": _shorten(d.summary, 60),
            "tooltip": f"{display_date(when)}: {_shorten(d.summary, 300)}",
        }
        if item.is_revision:
            classes.append("revision")
            entry.update(type="point", start=f"{_iso(when.start)}T12:00:00")
        elif when.precision == "day":
            entry.update(type="point", start=f"{_iso(when.start)}T12:00:00")
        else:
            entry.update(type="range", start=_iso(when.start), end=_iso(when.end + timedelta(days=1)))
        entry["className"] = " ".join(classes)
        items.append(entry)
    for n, phase in enumerate(story.phases):
        label = f"{phase.label} ({phase.negotiation})"
        items.append(
            {
                "id": f"phase:{n}",  # not a slug: cannot clash with a development id
                "type": "background",
                "start": _iso(phase.start),
                "end": _iso(phase.end + timedelta(days=1)),
                "content": html.escape(_shorten(label, 80)),
                "label": _shorten(label, 80),
                "tooltip": f"{story.label(f'negotiation:{phase.negotiation}')}: {phase.label}, "
                + (f"since {phase.start}" if phase.ongoing else f"{phase.start} to {phase.end}"),
                "className": f"phase phase-{phase.status} phase-{n % 4}",
            }
        )
    detail = {item.id: details(item, story) for item in story.items}
    for n, mark in enumerate(story.deadlines):
        ident = f"deadline:{n}"  # not a slug: cannot clash with a development id
        text = f"Deadline: {mark.milestone} (due {mark.due.text}, {mark.state})"
        items.append(
            {
                "id": ident,
                "dev": ident,
                "type": "point",
                "group": f"negotiation:{mark.negotiation}",
                "start": f"{_iso(mark.due.end)}T12:00:00",
                "content": html.escape(_shorten(text, 60)),
                "label": _shorten(text, 60),
                "tooltip": text,
                "className": "deadline" + (" late" if mark.late else "") + (" done" if mark.completed else ""),
            }
        )
        items.append(
            {
                "id": f"{ident}:band",
                "type": "background",
                "start": _iso(mark.due.end),
                "end": _iso(mark.due.end + timedelta(days=1)),
                "content": "",
                "label": "",
                "tooltip": text,
                "className": "deadline-band",
            }
        )
        detail[ident] = {
            "id": mark.development,
            "title": f"Deadline: {mark.milestone}",
            "date": f"due {display_date(mark.due)} ({mark.due.precision})",
            "type": "deadline",
            "confidence": "",
            "group": story.label(f"negotiation:{mark.negotiation}"),
            "flags": ["late"] if mark.late else [],
            "fields": [["state", mark.state], ["set by", mark.development]],
            "sources": [],
            "revisions": [],
        }
    start, end = _window(story)
    pad = max(timedelta(days=1), (end - start) / 10)
    return {
        "title": story.title,
        "groups": groups,
        "items": items,
        "details": detail,
        # Labels start at their date and run right: leave them room.
        "window": {"start": _iso(start - pad), "end": _iso(end + 3 * pad + timedelta(days=1))},
    }


def _window(story: Story) -> tuple[date, date]:
    """The initial view: the precisely dated developments (day precision), deadlines and phase starts;
    month- and year-long developments show as ranges reaching beyond it."""
    days = [i.development.when.start for i in story.items if i.development.when.precision == "day"]
    days += [mark.due.end for mark in story.deadlines]
    days += [p.start for p in story.phases]
    if days:
        return min(days), max(days)
    span = story.span()
    return span if span is not None else (date(2000, 1, 1), date(2000, 1, 2))


def _json_for_script(value: Any) -> str:
    """JSON that is safe inside a <script> element: no `<`, `>` or `&` survive unescaped."""
    text = orjson.dumps(value).decode()
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _inline(asset: str, closing: str) -> str:
    """A vendored asset ready to inline: source-map comments dropped, no closing tag inside."""
    text = re.sub(r"/[/*][#@] sourceMappingURL=[^\n]*", "", asset)
    if closing in text.lower():
        raise ValueError(f"asset contains {closing!r}: cannot inline it")
    return text


def to_html(story: Story, vis_js: str, vis_css: str) -> str:
    """One self-contained page: vis-timeline and its CSS inlined, no network access when opened."""
    data = timeline_data(story)
    legend = "".join(
        f'<span class="key c-{name}">{html.escape(label)}</span>' for name, (label, _colour) in CATEGORIES.items()
    )
    rows = []
    for item in story.items:
        d = item.development
        status = _status(item)
        rows.append(
            "<tr>"
            f"<td>{html.escape(display_date(d.when))}</td>"
            f"<td>{html.escape(item.kind.replace('_', ' '))}</td>"
            f"<td>{html.escape(d.summary)}{' <em>(' + html.escape(status) + ')</em>' if status else ''}</td>"
            f"<td>{html.escape(', '.join(story.actor_name(a) for a in story.actor_ids(d)))}</td>"
            f"<td>{html.escape('; '.join(source_text(s) for s in d.sources) or 'no source')}</td>"
            "</tr>"
        )
    colours = "\n".join(f".c-{name}{{--c:{colour}}}" for name, (_label, colour) in CATEGORIES.items())
    return _PAGE.format(
        title=html.escape(story.title),
        caption=html.escape(story.caption),
        legend=legend,
        rows="\n".join(rows),
        count=len(story.items),
        vis_css=_inline(vis_css, "</style"),
        vis_js=_inline(vis_js, "</script"),
        page_css=_PAGE_CSS + colours,
        page_js=_PAGE_JS,
        data=_json_for_script(data),
        version=VIS_TIMELINE_VERSION,
    )


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; \
style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="generator" content="Chronicle (vis-timeline {version})">
<title>{title}</title>
<style>{vis_css}</style>
<style>{page_css}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p class="caption">{caption}</p>
<p class="legend">{legend}<span class="key corrected-key">corrected</span>\
<span class="key retracted-key">retracted</span><span class="key phase-key">negotiation phase</span>\
<span class="key deadline-key">deadline</span></p>
<p class="hint">Click a development to see its details and sources. Drag to move, Ctrl+wheel to zoom.</p>
</header>
<main>
<div id="timeline" aria-label="Timeline of the story"></div>
<aside id="details" aria-live="polite" hidden></aside>
<details class="all">
<summary>All developments ({count})</summary>
<table>
<thead><tr><th>Date</th><th>Type</th><th>Summary</th><th>Actors</th><th>Sources</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</details>
</main>
<footer>Made with Chronicle. Timeline drawn with vis-timeline {version} (Apache-2.0 OR MIT).</footer>
<script type="application/json" id="chronicle-data">{data}</script>
<script>{vis_js}</script>
<script>{page_js}</script>
</body>
</html>
"""

_PAGE_CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;
color:#1f2937;background:#fff}
header{padding:12px 20px 4px}
h1{font-size:20px;margin:0 0 4px}
.caption,.hint{margin:2px 0;color:#4b5563}
.hint{font-size:12px}
.legend{margin:6px 0;display:flex;flex-wrap:wrap;gap:6px 14px;font-size:12px}
.key::before{content:"";display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:-1px;
background:var(--c,#999);border-radius:2px}
.corrected-key::before{background:#fff;border:2px solid #b45309}
.retracted-key{text-decoration:line-through}
.retracted-key::before{background:#fff;border:1px dashed #6b7280}
.phase-key::before{background:rgba(21,128,61,.18)}
.deadline-key::before{background:#dc2626;width:3px}
main{display:grid;grid-template-columns:minmax(0,1fr) 340px;gap:12px;padding:8px 20px}
#timeline{grid-column:1;min-width:0}
#details{grid-column:2;border:1px solid #d1d5db;border-radius:6px;padding:10px 12px;align-self:start;
max-height:80vh;overflow:auto;background:#f9fafb}
#details[hidden]{display:none}
#details h2{font-size:15px;margin:0 0 6px}
#details .meta{color:#4b5563;font-size:12px;margin:0 0 6px}
#details .flag{display:inline-block;font-size:11px;padding:1px 6px;border-radius:8px;margin-right:4px;
background:#fde68a;color:#78350f}
#details .flag.retracted,#details .flag.late{background:#fecaca;color:#7f1d1d}
#details h3{font-size:13px;margin:10px 0 4px}
#details dl{margin:0;display:grid;grid-template-columns:max-content 1fr;gap:2px 8px;font-size:13px}
#details dt{color:#4b5563}
#details dd{margin:0;overflow-wrap:anywhere}
#details ul{margin:0;padding-left:18px;font-size:13px}
#details li{margin-bottom:4px;overflow-wrap:anywhere}
details.all{grid-column:1 / span 2;margin-top:8px}
details.all table{border-collapse:collapse;font-size:12px;width:100%}
details.all td,details.all th{border-top:1px solid #e5e7eb;padding:3px 6px;text-align:left;vertical-align:top}
footer{padding:8px 20px 16px;color:#6b7280;font-size:12px}
.vis-timeline{border-color:#d1d5db;font-family:inherit}
.vis-item{border-color:var(--c,#6b7280);background:#fff;color:#111827;font-size:12px;border-radius:4px}
.vis-item .vis-item-content{padding:2px 5px}
.vis-item.vis-range{border-left:4px solid var(--c,#6b7280);background:#f3f4f6}
.vis-item.vis-point{background:transparent}
.vis-item.vis-point .vis-item-content{background:#fff;border:1px solid #d1d5db;border-left:4px solid var(--c,#6b7280);
border-radius:4px;margin-left:4px}
.vis-item.vis-dot{border-color:var(--c,#6b7280);border-width:5px;border-radius:5px}
.vis-item.vis-selected,.vis-item.vis-point.vis-selected .vis-item-content{background:#fef3c7;border-color:#f59e0b}
.vis-item.vis-point.vis-selected{background:transparent}
.vis-item.vis-range.corrected,.vis-item.corrected .vis-item-content{box-shadow:0 0 0 2px #b45309}
.vis-item.corrected .dev-label::after{content:" \\270E";color:#b45309}
.vis-item.retracted{opacity:.6}
.vis-item.retracted .vis-item-content,.vis-item.vis-range.retracted{border-style:dashed}
.vis-item.retracted .dev-label{text-decoration:line-through}
.vis-item.revision .vis-item-content{font-style:italic;color:#92400e;background:#fffbeb}
.vis-item.c-registration .vis-item-content{color:#4b5563;font-size:11px}
.vis-item.vis-background.phase{background:rgba(21,128,61,.10);border-left:1px solid rgba(21,128,61,.5)}
.vis-item.vis-background.phase-1{background:rgba(37,99,235,.08)}
.vis-item.vis-background.phase-2{background:rgba(180,83,9,.08)}
.vis-item.vis-background.phase-3{background:rgba(124,58,237,.08)}
.vis-item.vis-background.phase .vis-item-content{font-size:11px;color:#166534}
.vis-item.vis-background.deadline-band{background:rgba(220,38,38,.25)}
.vis-item.deadline{--c:#dc2626;color:#991b1b}
.vis-item.deadline.done{--c:#15803d;color:#166534}
.vis-labelset .vis-label .vis-inner{font-weight:600;max-width:220px;white-space:normal}
@media (max-width:900px){main{grid-template-columns:1fr}#details{grid-column:1}details.all{grid-column:1}}
"""

_PAGE_JS = """(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chronicle-data").textContent);
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function template(item) {
    if (!item) return el("span", "");
    var node = el("span", item.label || "", "dev-label");
    if (item.dev) node.setAttribute("data-dev", item.dev);
    if (item.tooltip) node.title = item.tooltip;
    return node;
  }
  function groupTemplate(group) {
    return el("span", group ? group.label : "", "group-label");
  }
  function show(id) {
    var panel = document.getElementById("details");
    var d = id ? data.details[id] : null;
    panel.replaceChildren();
    if (!d) { panel.hidden = true; return; }
    panel.hidden = false;
    panel.setAttribute("data-showing", id);
    panel.appendChild(el("h2", d.title));
    panel.appendChild(el("p", [d.date, d.type, d.confidence, d.id].filter(Boolean).join(" \\u00b7 "), "meta"));
    d.flags.forEach(function (flag) { panel.appendChild(el("span", flag, "flag " + flag)); });
    if (d.group) panel.appendChild(el("p", d.group, "meta"));
    if (d.fields.length) {
      var dl = el("dl");
      d.fields.forEach(function (pair) { dl.appendChild(el("dt", pair[0])); dl.appendChild(el("dd", pair[1])); });
      panel.appendChild(dl);
    }
    if (d.revisions.length) {
      panel.appendChild(el("h3", "Corrections and retractions"));
      var rl = el("ul", null, "revisions");
      d.revisions.forEach(function (line) { rl.appendChild(el("li", line)); });
      panel.appendChild(rl);
    }
    if (d.type !== "deadline") {
      panel.appendChild(el("h3", "Sources"));
      var ul = el("ul", null, "sources");
      if (!d.sources.length) ul.appendChild(el("li", "No source given"));
      d.sources.forEach(function (s) {
        var li = el("li", null, "source");
        li.appendChild(el("strong", s.publisher));
        var rest = [s.title ? "\\u201c" + s.title + "\\u201d" : "", s.authors, s.published, s.text].filter(Boolean);
        if (rest.length) li.appendChild(document.createTextNode(": " + rest.join(", ")));
        if (s.url) {
          li.appendChild(document.createTextNode(" "));
          var a = el("a", s.url);
          a.href = s.url;
          a.rel = "noopener noreferrer nofollow";
          a.target = "_blank";
          li.appendChild(a);
        }
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    }
  }
  var timeline = new vis.Timeline(
    document.getElementById("timeline"),
    new vis.DataSet(data.items),
    new vis.DataSet(data.groups),
    {
      start: data.window.start,
      end: data.window.end,
      stack: true,
      editable: false,
      selectable: true,
      multiselect: false,
      showCurrentTime: false,
      zoomKey: "ctrlKey",
      orientation: { axis: "top", item: "top" },
      groupOrder: "order",
      margin: { item: { horizontal: 4, vertical: 6 } },
      template: template,
      groupTemplate: groupTemplate,
      onInitialDrawComplete: function () { document.documentElement.setAttribute("data-ready", "1"); }
    }
  );
  timeline.on("select", function (props) { show(props.items.length ? props.items[0] : null); });
  window.chronicleTimeline = timeline;
})();
"""


# -- static chart (matplotlib, imported only here) --------------------------------------------------


_EPOCH = date(1970, 1, 1)


def _num(day: date) -> float:
    """Matplotlib's date number (days since its epoch, set to 1970-01-01 below)."""
    return float((day - _EPOCH).days)


def render_chart(story: Story, fmt: str) -> bytes:
    """The story as a static chart, PNG or SVG; the same story gives the same bytes."""
    import warnings

    import matplotlib
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown chart format {fmt!r}")
    rows: list[str] = []
    for item in story.items:
        key = story.subjects.get(item.id, UNATTRIBUTED)
        if key not in rows:
            rows.append(key)
    for mark in story.deadlines:
        if f"negotiation:{mark.negotiation}" not in rows:
            rows.append(f"negotiation:{mark.negotiation}")
    height = 1.6 + 0.42 * max(len(rows), 1)
    with (
        warnings.catch_warnings(),
        matplotlib.rc_context(
            {
                "svg.hashsalt": "chronicle",
                "svg.fonttype": "path",
                "font.family": "DejaVu Sans",
                "date.epoch": "1970-01-01T00:00:00",
            }
        ),
    ):
        warnings.simplefilter("ignore")
        figure = Figure(figsize=(11, height), dpi=100, layout="constrained")
        axes = figure.add_subplot()
        if story.span() is None:
            axes.text(0.5, 0.5, "No developments", ha="center", va="center", transform=axes.transAxes)
            axes.set_axis_off()
        else:
            start, end = _window(story)  # month- and year-long developments may reach beyond it
            pad = max(timedelta(days=1), (end - start) / 30)
            axes.set_xlim(_num(start - pad), _num(end + pad + timedelta(days=1)))
            axes.set_ylim(len(rows) - 0.4, -0.6)
            for n, phase in enumerate(story.phases):
                x0 = _num(phase.start)
                x1 = _num(phase.end + timedelta(days=1))
                axes.axvspan(x0, x1, color=("#15803d", "#2563eb", "#b45309", "#7c3aed")[n % 4], alpha=0.09, lw=0)
                axes.text(x0, -0.55, " " + _shorten(phase.label, 30), fontsize=7, color="#166534", va="top", ha="left")
            for mark in story.deadlines:
                x = _num(mark.due.end) + 0.5
                axes.axvline(x, color="#dc2626", lw=1, ls="--")
                axes.text(
                    x,
                    len(rows) - 0.45,
                    " " + _shorten(f"due: {mark.milestone}", 30),
                    fontsize=7,
                    color="#991b1b",
                    rotation=90,
                    va="bottom",
                    ha="left",
                )
            stack: dict[tuple[int, float], int] = {}
            for item in story.items:
                d = item.development
                row = rows.index(story.subjects.get(item.id, UNATTRIBUTED))
                colour = CATEGORIES[category(item.kind)][1]
                when = d.when
                x0 = _num(when.start)
                slot = stack.get((row, x0), 0)
                stack[(row, x0)] = slot + 1
                y = row + min(slot, 4) * 0.12 - 0.2
                faded = item.retracted_by is not None
                if when.precision != "day" and not item.is_revision:
                    x1 = _num(when.end + timedelta(days=1))
                    axes.broken_barh(
                        [(x0, x1 - x0)],
                        (y - 0.06, 0.12),
                        facecolors=colour,
                        alpha=0.25 if faded else 0.45,
                        edgecolors=colour,
                        linewidth=0.8,
                        linestyle="--" if faded else "-",
                    )
                    continue
                axes.plot(
                    [x0 + 0.5],
                    [y],
                    marker="D" if item.is_revision else "o",
                    markersize=5 if item.is_revision else 7,
                    markerfacecolor="white" if faded else colour,
                    markeredgecolor="#111827" if item.corrected_by else colour,
                    markeredgewidth=1.6 if item.corrected_by else 1.0,
                    linestyle="none",
                )
            axes.set_yticks(range(len(rows)), [_shorten(story.label(k), 38) for k in rows], fontsize=8)
            locator = mdates.AutoDateLocator(minticks=4, maxticks=10)  # type: ignore[no-untyped-call]
            axes.xaxis.set_major_locator(locator)
            axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
            axes.tick_params(axis="x", labelsize=8)
            axes.grid(axis="x", color="#e5e7eb", lw=0.6)
            axes.set_axisbelow(True)
            for side in ("top", "right"):
                axes.spines[side].set_visible(False)
            handles = [
                Line2D([], [], marker="o", linestyle="none", color=colour, label=label)
                for label, colour in CATEGORIES.values()
            ]
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="none",
                    markerfacecolor="white",
                    markeredgecolor="#6b7280",
                    label="retracted",
                )
            )
            handles.append(Line2D([], [], color="#dc2626", ls="--", label="deadline"))
            figure.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=7, frameon=False)
        figure.suptitle(_shorten(f"{story.title} \u2014 {story.caption}", 140), fontsize=10)
        out = io.BytesIO()
        if fmt == "svg":
            figure.savefig(out, format="svg", metadata={"Date": None})
        else:
            figure.savefig(out, format="png", metadata={"Software": None})
        return out.getvalue()

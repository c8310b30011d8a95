"""TimelineJS3 JSON: one event per development, negotiation phases as eras."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from chronicle.domain.dates import FuzzyDate
from chronicle.exports.details import detail_fields
from chronicle.exports.story import UNATTRIBUTED, Item, Story
from chronicle.exports.text import display_date, safe_url, source_text


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
        headline = html.escape(item.headline)
        if item.retracted_by:
            headline = f"[Retracted] {headline}"
        event: dict[str, Any] = {
            "unique_id": item.id,
            "start_date": _tl_date(d.when),
            "display_date": display_date(d.when),
            "text": {"headline": headline, "text": _tl_text(item, story)},
            "group": html.escape(story.label(story.subjects.get(item.id, UNATTRIBUTED))),
        }
        if item.last != d.when.end:
            event["end_date"] = _tl_date(_day(item.last), display=False)
        if d.sources:
            url = next((u for s in d.sources if (u := safe_url(s.url))), "")
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

"""What the page and TimelineJS show for one development: its fields, sources and revisions."""

from __future__ import annotations

from typing import Any

from chronicle.domain.developments import (
    CorrectionIssued,
    Development,
    RetractionIssued,
)
from chronicle.exports.story import UNATTRIBUTED, Item, Story
from chronicle.exports.text import display_date, safe_url, value_text

_SKIP_FIELDS = {"id", "type", "summary", "sources", "occurred", "confidence"}


def _field_value(value: Any, story: Story) -> str:
    if isinstance(value, str):
        return f"{story.actor_name(value)} ({value})" if value in story.actors else value
    if isinstance(value, list):
        return ", ".join(_field_value(v, story) for v in value)
    if isinstance(value, dict) and set(value) == {"milestone", "due"}:
        return f"{value['milestone']} (due {value['due']})"
    return value_text(value)


def detail_fields(development: Development, story: Story) -> list[tuple[str, str]]:
    """The type-specific fields of a development, as label/value text pairs."""
    body = development.model_dump(mode="json")
    fields = []
    for name, value in body.items():
        if name in _SKIP_FIELDS or value in (None, [], {}, ""):
            continue
        if name == "changes" and isinstance(value, dict):
            text = "; ".join(f"{k} \u2192 {value_text(v)}" for k, v in sorted(value.items()))
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
            f"{k}: {value_text(before[k]) if k in before else '?'} \u2192 {value_text(v)}"
            for k, v in sorted(c.changes.items())
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
            "url": safe_url(s.url) or "",
            "text": s.url if s.url and not safe_url(s.url) else "",
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

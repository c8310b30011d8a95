"""Markdown: the story as a table, its revisions and its negotiations, text escaped."""

from __future__ import annotations

import re

from chronicle.domain.developments import (
    CorrectionIssued,
    RetractionIssued,
    Source,
)
from chronicle.exports.story import Story
from chronicle.exports.text import display_date, safe_url, source_text, value_text

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def md(text: str) -> str:
    """Text as literal Markdown: special characters escaped, on one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_source(source: Source) -> str:
    url = safe_url(source.url)
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
        summary = md(item.headline)
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
                text += " (" + ", ".join(md(f"{k} \u2192 {value_text(v)}") for k, v in sorted(d.changes.items())) + ")"
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

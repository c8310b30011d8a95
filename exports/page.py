"""The HTML page: a self-contained vis-timeline, its template and assets read from package data."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from importlib.resources import files
from string import Template
from typing import Any

import orjson

from chronicle.domain.dates import shifted
from chronicle.exports.details import details
from chronicle.exports.story import CATEGORIES, UNATTRIBUTED, Item, Story, category, window
from chronicle.exports.text import display_date, shorten, source_text, status_text
from chronicle.projections.rows import counts_from

VIS_TIMELINE_VERSION = "8.5.4"
_VIS = ("assets", "vendor", "vis-timeline")

DAY = timedelta(days=1)


def _package_text(*path: str) -> str:
    return files("chronicle.exports").joinpath(*path).read_text(encoding="utf-8")


def vis_assets() -> tuple[str, str]:
    """The vendored vis-timeline bundle and stylesheet (package data)."""
    return _package_text(*_VIS, "vis-timeline-graph2d.min.js"), _package_text(*_VIS, "vis-timeline-graph2d.min.css")


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
            "content": html.escape(shorten(d.summary, 60)),
            "label": shorten(d.summary, 60),
            "tooltip": f"{display_date(when)}: {shorten(d.summary, 300)}",
        }
        if item.is_revision:
            classes.append("revision")
            entry.update(type="point", start=f"{_iso(when.start)}T12:00:00")
        elif not item.spans:
            entry.update(type="point", start=f"{_iso(when.start)}T12:00:00")
        else:
            entry.update(type="range", start=_iso(when.start), end=_iso(shifted(item.last, DAY)))
        entry["className"] = " ".join(classes)
        items.append(entry)
    for n, phase in enumerate(story.phases):
        label = f"{phase.label} ({phase.negotiation})"
        items.append(
            {
                "id": f"phase:{n}",  # not a slug: cannot clash with a development id
                "type": "background",
                "start": _iso(phase.start),
                "end": _iso(shifted(phase.end, DAY)),
                "content": html.escape(shorten(label, 80)),
                "label": shorten(label, 80),
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
                "content": html.escape(shorten(text, 60)),
                "label": shorten(text, 60),
                "tooltip": text,
                "className": f"deadline {mark.status}"
                + (" late" if mark.late else "")
                + (" done" if mark.completed else ""),
            }
        )
        items.append(
            {
                "id": f"{ident}:band",
                "type": "background",
                "start": _iso(mark.due.end),
                "end": _iso(shifted(mark.due.end, DAY)),
                "content": "",
                "label": "",
                "tooltip": text,
                "className": f"deadline-band {mark.status}",
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
    start, end = window(story)
    pad = max(DAY, (end - start) / 10)
    facets = {item.id: facet(item, story) for item in story.items}
    return {
        "title": story.title,
        "groups": groups,
        "items": items,
        "details": detail,
        "facets": facets,
        "choices": _choices(story, facets),
        # Labels start at their date and run right: leave them room.
        "window": {"start": _iso(shifted(start, -pad)), "end": _iso(shifted(end, 3 * pad + DAY))},
    }


def facet(item: Item, story: Story) -> dict[str, Any]:
    """What the page's filters, search, sliders and map ask of one development."""
    d = item.development
    place = d.place
    revisions = story.revisions
    location = getattr(d, "location", None)
    actors = story.actor_ids(d)
    words = [d.summary, item.headline, item.id, item.kind, location or "", *d.tags]
    words += [story.actor_name(a) for a in actors] + [source_text(s) for s in d.sources]
    if place is not None:
        words += [place.name or "", place.country or "", place.admin1 or ""]
    then = None
    if item.corrected_by and item.original is not None and item.original.summary != d.summary:
        then = shorten(item.original.summary, 60)
    return {
        "type": item.kind,
        "actors": actors,
        "tags": list(d.tags),
        "country": place.country if place is not None else None,
        "counts": counts_from(d).isoformat(),  # as `--as-of` counts it
        "reported": item.public,  # as `--known-at` compares it
        "corrections": [revisions[c].public for c in item.corrected_by if c in revisions],
        "retraction": revisions[item.retracted_by].public if item.retracted_by in revisions else None,
        "then": then,  # the label as first recorded, shown while its correction is not yet known
        "text": " ".join(w for w in words if w).casefold(),
        "place": None if place is None else {"lat": place.lat, "lon": place.lon},
        "location": location,
        "occurred": d.occurred,
        "summary": d.summary,
    }


def _choices(story: Story, facets: dict[str, dict[str, Any]]) -> dict[str, Any]:
    actors = sorted({a for f in facets.values() for a in f["actors"]}, key=lambda a: story.actor_name(a).casefold())
    return {
        "actors": [[a, story.actor_name(a)] for a in actors],
        "types": sorted({f["type"] for f in facets.values()}),
        "tags": sorted({t for f in facets.values() for t in f["tags"]}),
        "countries": sorted({f["country"] for f in facets.values() if f["country"]}),
    }


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
        status = status_text(item)
        rows.append(
            "<tr>"
            f"<td>{html.escape(display_date(d.when))}</td>"
            f"<td>{html.escape(item.kind.replace('_', ' '))}</td>"
            f"<td>{html.escape(item.headline)}{' <em>(' + html.escape(status) + ')</em>' if status else ''}</td>"
            f"<td>{html.escape(', '.join(story.actor_name(a) for a in story.actor_ids(d)))}</td>"
            f"<td>{html.escape('; '.join(source_text(s) for s in d.sources) or 'no source')}</td>"
            "</tr>"
        )
    colours = "\n".join(f".c-{name}{{--c:{colour}}}" for name, (_label, colour) in CATEGORIES.items())
    page = Template(_package_text("templates", "page.html"))
    return page.substitute(
        title=html.escape(story.title),
        caption=html.escape(story.caption),
        legend=legend,
        rows="\n".join(rows),
        count=len(story.items),
        vis_css=_inline(vis_css, "</style"),
        vis_js=_inline(vis_js, "</script"),
        page_css=_package_text("assets", "page.css") + colours,
        page_js=_package_text("assets", "page.js"),
        leaflet_css=_inline(_package_text("assets", "vendor", "leaflet", "leaflet.css"), "</style"),
        map_js="\n".join(
            _inline(_package_text(*path), "</script")
            for path in (
                ("assets", "vendor", "leaflet", "leaflet.js"),
                ("assets", "vendor", "topojson-client", "topojson-client.min.js"),
                ("assets", "storymap.js"),
            )
        ),
        world=_json_for_script(orjson.loads(_package_text("assets", "vendor", "world-atlas", "countries-110m.json"))),
        data=_json_for_script(data),
        version=VIS_TIMELINE_VERSION,
    )

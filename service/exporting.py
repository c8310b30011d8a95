"""Gather what an export needs from a store, then render it with the `exports` package."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

import orjson

from chronicle.domain.developments import Development
from chronicle.domain.errors import ChronicleError, InvalidInput
from chronicle.exports import FORMATS, chart, csvfile, geojson, jsonl, markdown, page, timelinejs
from chronicle.exports.stamp import KEY as STAMP_KEY
from chronicle.exports.stamp import Stamp, embed, tail
from chronicle.exports.story import Item, Registered, Story, build_story
from chronicle.projections import queries, who
from chronicle.projections.sql import reads
from chronicle.projections.sql.views import Cursor, ViewStore
from chronicle.projections.stored import iso_utc, parse_development
from chronicle.service import provenance
from chronicle.service.store import Store

__all__ = ["FORMATS", "PAGE_LIMIT", "Selection", "export", "gather_story", "render", "write_interchange", "write_rows"]


# A page, a chart or a document for reading holds at most this many developments: beyond it a browser
# crawls and a reader cannot follow, and the workspace (`chronicle serve`) windows the story instead.
PAGE_LIMIT = 5_000
_ANY_SIZE = ("jsonl", "csv", "geojson")


@dataclass(frozen=True)
class Selection:
    """Which part of the story to export; names are resolved against the store."""

    actor: str | None = None
    negotiation: str | None = None
    as_of: date | None = None
    known_at: datetime | None = None
    title: str | None = None
    recorded_at: datetime | None = None
    upto: int | None = None  # the log position to export as of (an embedded head's); None: now
    figure: str | None = None  # png/svg: chart this figure (`METRIC[:SCOPE]`) over time, not the timeline

    @property
    def narrowed(self) -> bool:
        return bool(self.actor or self.negotiation or self.as_of)


def _filter(views: ViewStore, c: Cursor, selection: Selection, *, whole: bool) -> queries.LogFilter:
    return queries.LogFilter(
        actor=None if whole or not selection.actor else queries.resolve(views, c, "actor", selection.actor),
        negotiation=None
        if whole or not selection.negotiation
        else queries.resolve(views, c, "negotiation", selection.negotiation),
        as_of=selection.as_of,
        known_at=selection.known_at,
        recorded_at=selection.recorded_at,
        include_retracted=True,
    )


def _originals(views: ViewStore, c: Cursor, ids: list[str]) -> dict[str, Development]:
    return {row["dev_id"]: parse_development(row["original"]) for row in reads.originals_of(views, c, ids)}


def _items(entries: Iterable[queries.LogEntry], originals: dict[str, Development]) -> list[Item]:
    return list(_each_item(entries, originals))


def _each_item(entries: Iterable[queries.LogEntry], originals: dict[str, Development]) -> Iterator[Item]:
    return (
        Item(
            development=e.development,
            position=e.position,
            corrected_by=tuple(e.corrected_by),
            retracted_by=e.retracted_by,
            original=originals.get(e.development.id or ""),
            recorded=e.recorded,
            recorded_by=e.recorded_by,
            reported=e.reported,
        )
        for e in entries
    )


def gather_story(
    store: Store, selection: Selection, *, say: Any = None, at_most: int | None = None, fmt: str = "page"
) -> tuple[Story, provenance.Head]:
    """The story as believed (as of a date, as known at a time), narrowed to an actor or negotiation, and
    the head it was read at. With `at_most`, a story of more developments is refused before it is held."""

    def run(views: ViewStore, c: Cursor) -> tuple[Story, provenance.Head]:
        head = provenance.head_of(views, c, selection.upto)
        asked = selection
        selection_then = provenance.as_of_head(selection, head)
        flt = _filter(views, c, selection_then, whole=False)
        entries = _at_most(queries.iter_log(views, c, flt), at_most, fmt)
        if flt.actor or flt.negotiation:
            context = queries.log(views, c, _filter(views, c, selection_then, whole=True))
        else:
            context = entries
        corrected = sorted({e.development.id or "" for e in context if e.corrected_by})
        originals = _originals(views, c, corrected)
        story = build_story(
            _items(entries, originals),
            _items(context, originals),
            title=_title(views, c, flt, asked),
            as_of=asked.as_of,
            known_at=iso_utc(asked.known_at) if asked.known_at else None,
            recorded_at=iso_utc(asked.recorded_at) if asked.recorded_at else None,
        )
        return story, head

    return store.query(run, say=say or _quiet)


def _title(views: ViewStore, c: Cursor, flt: queries.LogFilter, asked: Selection) -> str:
    if asked.title:
        return asked.title
    if flt.negotiation:
        view = queries.current_view(views, c, "negotiation", flt.negotiation)
        return getattr(view, "title", None) or flt.negotiation
    if flt.actor:
        view = queries.current_view(views, c, "actor", flt.actor)
        return f"Chronicle timeline: {getattr(view, 'name', None) or flt.actor}"
    return "Chronicle timeline"


def _at_most(entries: Iterator[queries.LogEntry], limit: int | None, fmt: str) -> list[queries.LogEntry]:
    if limit is None:
        return list(entries)
    held = list(itertools.islice(entries, limit + 1))
    if len(held) > limit:
        raise InvalidInput(
            f"the story holds more than {limit:,} developments, too many for one {fmt} file: narrow it "
            "(--actor, --negotiation, --as-of) or browse it with `chronicle serve`; csv, jsonl and geojson "
            "export a story of any size"
        )
    return held


def write_interchange(store: Store, selection: Selection, out: BinaryIO, *, say: Any = None) -> Stamp:
    """The jsonl export. The whole story is streamed from the timeline a page at a time (a backup of a
    store of any size holds one page); a narrowed one needs the records to find what it depends on."""
    from chronicle.projections.gcpause import paused_gc
    from chronicle.service.interchange import dump_jsonl

    if selection.narrowed:

        def narrowed(views: ViewStore, c: Cursor) -> tuple[list[Development], provenance.Head]:
            head = provenance.head_of(views, c, selection.upto)
            return _narrowed(views, c, provenance.as_of_head(selection, head)), head

        developments, head = store.query(narrowed, say=say or _quiet)
        for line in dump_jsonl(developments):
            out.write(line)
        stamp = provenance.stamp("jsonl", selection, head, title=None)
        out.write(tail(stamp))
        return stamp
    store.query(lambda _views, _c: None, say=say or _quiet)  # caught up, and healed if damaged
    with store.reading() as c, paused_gc():
        head = provenance.head_of(store.views, c, selection.upto)
        for line in dump_jsonl(_in_record_order(store.views, c, provenance.as_of_head(selection, head))):
            out.write(line)
    stamp = provenance.stamp("jsonl", selection, head, title=None)
    out.write(tail(stamp))
    return stamp


def _in_record_order(views: ViewStore, c: Cursor, selection: Selection) -> Iterator[Development]:
    """Developments as originally recorded (as known at the selection's time), in record order,
    corrections and retractions included: appending them to an empty store rebuilds the same story."""
    reported = iso_utc(selection.known_at) if selection.known_at else None
    recorded = iso_utc(selection.recorded_at) if selection.recorded_at else None
    for row in reads.originals_in_record_order(views, c, reported, recorded):
        yield parse_development(row["original"])


def _narrowed(views: ViewStore, c: Cursor, selection: Selection) -> list[Development]:
    """The records a narrowed export keeps: its developments and what they need to import cleanly."""
    records = list(_in_record_order(views, c, selection))
    entries = queries.log(views, c, _filter(views, c, selection, whole=False))
    return jsonl.interchange_selection(records, [e.development.id or "" for e in entries])


def _quiet(_message: str) -> None:
    return None


def export(fmt: str, store: Store, selection: Selection, out: BinaryIO, *, say: Any = None) -> Stamp:
    """Write the export in `fmt` to `out`; return the head it embeds (CSV's goes in a side file)."""
    if selection.figure is not None and fmt not in ("png", "svg"):
        raise InvalidInput(f"--figure charts a figure as png or svg, not as {fmt}")
    if fmt == "jsonl":
        return write_interchange(store, selection, out, say=say)
    if fmt in ("csv", "geojson"):
        return write_rows(fmt, store, selection, out, say=say)
    body, stamp = _render(fmt, store, selection, say=say)
    out.write(body)
    return stamp


def render(fmt: str, store: Store, selection: Selection, *, say: Any = None) -> bytes:
    """The export in `fmt` (any but jsonl, which is streamed), as bytes ready to write."""
    if fmt in ("csv", "geojson"):
        out = io.BytesIO()
        write_rows(fmt, store, selection, out, say=say)
        return out.getvalue()
    return _render(fmt, store, selection, say=say)[0]


def write_rows(fmt: str, store: Store, selection: Selection, out: BinaryIO, *, say: Any = None) -> Stamp:
    """The csv or geojson export, streamed from the story index a page at a time: a row or a feature
    needs only its development and the ids the store has registered, so a story of any size holds a page.
    CSV's stamp goes in a side file; GeoJSON's under its own key, last."""
    from chronicle.projections.gcpause import paused_gc

    store.query(lambda _views, _c: None, say=say or _quiet)  # caught up, and healed if damaged
    with store.reading() as c, paused_gc():
        views = store.views
        head = provenance.head_of(views, c, selection.upto)
        flt = _filter(views, c, provenance.as_of_head(selection, head), whole=False)
        names = Registered(who.registered_ids(views, c, "actor"), who.registered_ids(views, c, "negotiation"))
        items = _each_item(queries.iter_log(views, c, flt), {})
        if fmt == "csv":
            csvfile.write_csv(items, names, out)
            return provenance.stamp("csv", selection, head, title=None)
        stamp = provenance.stamp(fmt, selection, head, title=_title(views, c, flt, selection))
        geojson.write_geojson(items, names, stamp.as_json(), out)
        return stamp


def _render(fmt: str, store: Store, selection: Selection, *, say: Any = None) -> tuple[bytes, Stamp]:
    if fmt in ("png", "svg"):
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise ChronicleError(
                f"{fmt} export needs matplotlib: run `.venv/bin/pip install -e '.[export]'` in Chronicle's folder"
            ) from None

    at_most = None if fmt in _ANY_SIZE or selection.figure is not None else PAGE_LIMIT
    story, head = gather_story(store, selection, say=say, at_most=at_most, fmt=fmt)
    stamp = provenance.stamp(fmt, selection, head, title=None if fmt == "csv" else story.title)
    if fmt in ("timelinejs", "geojson"):
        body = timelinejs.to_timelinejs(story) if fmt == "timelinejs" else geojson.to_geojson(story)
        body[STAMP_KEY] = stamp.as_json()
        return orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n", stamp
    if selection.figure is not None:
        from chronicle.exports.figurechart import FigureAsked, render_figure

        return embed(stamp, render_figure(story, FigureAsked.parse(selection.figure), fmt)), stamp
    return embed(stamp, _unstamped(fmt, story)), stamp


def _unstamped(fmt: str, story: Story) -> bytes:
    if fmt == "csv":
        return csvfile.to_csv(story).encode("utf-8")
    if fmt == "markdown":
        return markdown.to_markdown(story).encode("utf-8")
    if fmt == "html":
        js, css = page.vis_assets()
        return page.to_html(story, js, css).encode("utf-8")
    if fmt in ("png", "svg"):
        return chart.render_chart(story, fmt)
    raise ValueError(f"unknown format {fmt!r}")

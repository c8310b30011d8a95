"""Text rendering of read models and timelines (JSON output is the models' own dump)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rich.markup import escape as _markup_escape

from chronicle.domain.printable import printable

CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F)}


def escape(text: str) -> str:
    """Recorded text is shown, never obeyed: control characters (terminal escapes) and rich markup."""
    return _markup_escape(printable(text))


def _console() -> Any:
    return safe_console()


def safe_console() -> Any:
    """A rich console that shows control characters in recorded text instead of sending them: each
    string it prints is one line, so a line end inside recorded text is shown, never obeyed."""
    from rich.console import Console

    class SafeConsole(Console):
        def print(self, *objects: Any, **kwargs: Any) -> None:
            cleaned = [printable(o) if isinstance(o, str) else o for o in objects]
            super().print(*cleaned, **kwargs)

        def lines(self, lines: Iterable[str]) -> None:
            """Plain lines (no markup), the same bytes as printing each, faster to a pipe or a file."""
            if self.is_terminal:
                for line in lines:
                    self.print(line, markup=False)
            else:
                write_plain(self, lines)

    # emoji=False: a summary saying ":fire:" is recorded text, not a request for an emoji.
    return SafeConsole(highlight=False, soft_wrap=True, emoji=False)


def _sources(development: Any) -> str:
    names = [s.publisher for s in development.sources]
    return ", ".join(names) if names else "no source"


def revision_mark(corrected_by: list[str], retracted_by: str | None, *, retracted_note: str = "") -> str:
    """How text output marks a corrected or retracted development: `  [corrected by …; RETRACTED by …]`."""
    marks = []
    if corrected_by:
        marks.append(f"corrected by {', '.join(corrected_by)}")
    if retracted_by:
        marks.append(f"RETRACTED by {retracted_by}{retracted_note}")
    return f"  [{'; '.join(marks)}]" if marks else ""


def timeline(entries: Iterable[Any]) -> None:
    console = _console()
    if console.is_terminal:
        styled_timeline(console, entries)
    else:
        plain_timeline(console, entries)


def _timeline_lines(entries: Iterable[Any]) -> Iterator[tuple[str, str]]:
    """Each development as two lines: date, type, summary and marks; then id, confidence and sources."""
    for entry in entries:
        d = entry.development
        mark = revision_mark(entry.corrected_by, entry.retracted_by)
        note = getattr(entry, "note", "")  # what corrections changed, when they kept the summary
        yield (
            f"{d.occurred:<10}  {d.type:<21} {d.summary}{note}{mark}",
            f"{'':<10}  {d.id} · {d.confidence.value} · {_sources(d)}{_moves(d, getattr(entry, 'ongoing', False))}"
            f" · recorded by {getattr(entry, 'recorded_by', 'unknown')}",
        )


def _moves(d: Any, ongoing: bool) -> str:
    """The optional marks of a development: its span, place, tags and what it answers (none: nothing)."""
    marks = [f"until {d.until}" + (" (ongoing)" if ongoing else "")] if d.until else []
    if d.place:
        where = ", ".join(x for x in (d.place.name, d.place.admin1, d.place.country) if x)
        point = f" ({d.place.lat:g}, {d.place.lon:g})" if d.place.lat is not None else ""
        marks.append(f"at {where}{point}".replace("at  (", "at ("))
    if d.tags:
        marks.append("#" + " #".join(d.tags))
    if d.responds_to:
        marks.append("answers " + ", ".join(d.responds_to))
    if getattr(d, "by", None) and d.type in ("negotiation_suspended", "negotiation_resumed", "negotiation_ended"):
        marks.append(f"by {d.by}")
    return "".join(f" · {m}" for m in marks)


def styled_timeline(console: Any, entries: Iterable[Any]) -> None:
    for head, tail in _timeline_lines(entries):
        console.print(escape(head), markup=True)
        console.print(f"[dim]{escape(tail)}[/dim]", markup=True)


def plain_timeline(console: Any, entries: Iterable[Any]) -> None:
    """The same text for a pipe or a file, where there is no style to draw (`write_plain`)."""
    write_plain(console, (line for pair in _timeline_lines(entries) for line in pair))


def write_plain(console: Any, lines: Iterable[str]) -> None:
    """Lines as `console` (not a terminal) would print them, a thousand at a time, since rich is slow per
    line. A line with a tab is still printed by rich: its tab stops count cells (漢 is two)."""
    pending: list[str] = []

    def flush() -> None:
        console.file.write("".join(pending))
        pending.clear()

    for line in lines:
        if "\t" in line:
            flush()
            console.print(line, markup=False)
        else:
            pending.append(f"{printable(line)}\n")
            if len(pending) >= 1000:
                flush()
    flush()


def styled_lines(console: Any, lines: Iterable[tuple[str | None, str]]) -> None:
    """Each line given twice, with rich markup (None: none) and as the text that markup shows: the styled
    one on a terminal, the plain one elsewhere, batched (`write_plain`), since rich is slow per line."""
    if not console.is_terminal:
        write_plain(console, (plain for _, plain in lines))
        return
    for styled, plain in lines:
        if styled is None:
            console.print(plain, markup=False)
        else:
            console.print(styled, markup=True)


def _line(console: Any, label: str, value: Any) -> None:
    if value in (None, [], {}, ""):
        return
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    console.print(f"  {label + ' ':<22}{value}", markup=False)


def actor(view: Any) -> None:
    console = _console()
    console.print(f"[bold]{escape(view.name or view.id)}[/bold] ({view.id}) · {view.kind}", markup=True)
    status = view.status if view.status == "active" else f"killed on {view.killed_on} ({view.killed_in})"
    _line(console, "status", status)
    _line(console, "aliases", view.aliases)
    _line(console, "aligned with", view.aligned_with)
    _line(console, "part of", view.part_of)
    for f in view.figures:
        scope = f" in {f.scope}" if f.scope else ""
        disputed = f", disputed: {f.sources} source(s)" if f.disputed else ""
        _line(console, f"{f.metric}{scope}", f"{f.value:,} as of {f.as_of} ({f.development}{disputed})")
    for negotiation, p in view.positions.items():
        _line(console, f"position: {negotiation}", f"{p.position}: {p.text} ({p.development})")
    _line(console, "strikes carried out", view.strikes_carried_out)
    _line(console, "strikes suffered", view.strikes_suffered)
    _line(console, "attacks carried out", view.attacks_carried_out)
    _line(console, "attacks suffered", view.attacks_suffered)
    _line(console, "developments", view.developments)
    if view.first_development:
        _line(console, "first", f"{view.first_development.occurred} {view.first_development.id}")
        _line(console, "last", f"{view.last_development.occurred} {view.last_development.id}")


def negotiation(view: Any) -> None:
    console = _console()
    console.print(f"[bold]{escape(view.title or view.id)}[/bold] ({view.id})", markup=True)
    status = view.status
    if view.status == "suspended" and view.status_before_suspension:
        status += f" (was {view.status_before_suspension})"
    if view.status == "ended":
        status += f": {view.outcome} on {view.ended_on}" + (f" by {view.ended_by}" if view.ended_by else "")
    _line(console, "status", status)
    _line(console, "subject", view.subject)
    _line(console, "parties", view.parties)
    if view.committee:
        c = view.committee
        _line(console, "committee", f"convened by {c.convened_by} on {c.formed}")
        _line(console, "  members", c.members)
        _line(console, "  mandate", c.mandate)
    _line(console, "rounds held", view.rounds)
    for actor_id, p in view.positions.items():
        _line(console, f"position: {actor_id}", f"{p.position}: {p.text}")
    _line(console, "terms", view.terms)
    for d in view.deadlines:
        state = f"completed {d.completed}" + (" (late)" if d.late else "") if d.completed else (d.state or "pending")
        if d.superseded_by:
            state = f"superseded on {d.superseded_on} by {d.superseded_by}"
        _line(console, f"deadline: {d.milestone}", f"due {d.due or '?'}, {state}")
    _line(console, "developments", view.developments)
    if view.first_development:
        _line(console, "first", f"{view.first_development.occurred} {view.first_development.id}")
        _line(console, "last", f"{view.last_development.occurred} {view.last_development.id}")


def entity_list(kind: str, views: list[Any]) -> None:
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    # Ids are what users type next: never cut or wrapped. Other cells fold rather than lose text.
    table.add_column("id", no_wrap=True, min_width=max((len(v.id) for v in views), default=2))
    if kind == "actor":
        for col in ("name", "kind", "status"):
            table.add_column(col, overflow="fold")
        table.add_column("developments", justify="right")
        for v in views:
            table.add_row(v.id, printable(v.name or ""), v.kind or "", v.status, str(v.developments))
    else:
        for col in ("title", "status", "parties"):
            table.add_column(col, overflow="fold")
        table.add_column("developments", justify="right")
        for v in views:
            table.add_row(v.id, printable(v.title or ""), v.status, ", ".join(v.parties), str(v.developments))
    console = _console()
    if not console.is_terminal:  # a pipe or a file: rows whole, one per line, however wide
        console.width = max(console.width, console.measure(table, options=console.options.update_width(10_000)).maximum)
    console.print(table)


def _plain(value: Any) -> str:
    """A value for a person: text as written, nothing as -, anything else as JSON."""
    import orjson

    if value is None:
        return "-"
    return value if isinstance(value, str) else orjson.dumps(value).decode()


def when(moment: str) -> str:
    """A stored time as a person writes it (a date-only report as its date); the rule is the domain's."""
    from datetime import datetime

    from chronicle.domain.reported import spoken

    return spoken(datetime.fromisoformat(moment))


def development(shown: Any) -> None:
    """`show development`: what it says now, its times, sources, revisions and what it changed."""
    from chronicle.domain.corrections import correction_note

    console = _console()
    d = shown.current
    note = correction_note(shown.recorded.model_dump(mode="json"), d.model_dump(mode="json"))
    head = f"{d.id} · {shown.type} · {d.confidence.value}" + ("  [RETRACTED]" if shown.believed is None else "")
    lines = [head, f"  {d.summary}{note}"]
    t = shown.times
    said = {"reported": "its reported field", "published": "its earliest source's published date"}
    shown_at = when(str(t.reported))
    reported = f"{shown_at} ({said[t.reported_from]})" if t.reported_from in said else f"{shown_at} (when recorded)"
    recorded = f"{when(str(t.recorded))} by {t.recorded_by}"
    lines += [f"  occurred   {t.occurred}", f"  reported   {reported}", f"  recorded   {recorded}"]
    if t.reported_after_recorded:
        lines.append("  note       reported after this store recorded it")
    for s in d.sources:
        published = f" (published {s.published})" if s.published else ""
        lines.append(f"  source     {s.publisher}{published}")
    if not d.sources:
        lines.append("  source     none")
    for r in shown.revisions:
        rd = r.development
        what = f"{rd.type} {rd.id}" + ("" if r.known else " (not yet known then)")
        lines.append(f"  {what}: {getattr(rd, 'reason', '')}")
        if getattr(rd, "changes", None):
            lines.append(f"    changes  {', '.join(f'{k} -> {v}' for k, v in rd.changes.items())}")
        times = (
            f"reported {when(str(r.times.reported))} · recorded {when(str(r.times.recorded))} by {r.times.recorded_by}"
        )
        lines.append(f"    {times} · {_sources(rd)}")
    for key, changes in shown.changed.items():
        for c in changes:
            lines.append(f"  changed    {key}  {c.field}: {_plain(c.before)} -> {_plain(c.after)}")
    console.lines(lines)

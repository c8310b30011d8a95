"""A static chart of the story, PNG or SVG, drawn with matplotlib (imported only here).

One row per actor or negotiation; each development a mark on its row, the best corroborated ones
labelled where a label has room; a negotiation's phases as shaded spans on its own row, named inside when
the name fits; years on the time axis. The SVG keeps its text as text, so it can be searched and read."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from chronicle.domain.dates import shifted
from chronicle.domain.keys import EntityKey
from chronicle.exports.story import CATEGORIES, UNATTRIBUTED, Item, Story, category, window
from chronicle.exports.text import shorten
from chronicle.projections.fold import source_count

_EPOCH = date(1970, 1, 1)
DAY = timedelta(days=1)
WIDTH_IN, DPI = 11.0, 100
_PLOT_PX = 0.75 * WIDTH_IN * DPI  # the axes' share of the width, after the row names
_CHAR_PX = 5.3  # an average character at the label size, for fitting labels without drawing them
LABEL_CHARS = 26
STATUS_COLOURS = {
    "opened": "#94a3b8",
    "committee_formed": "#0ea5e9",
    "in_talks": "#2563eb",
    "agreed": "#16a34a",
    "implementing": "#15803d",
    "concluded": "#065f46",
    "suspended": "#d97706",
    "ended": "#6b7280",
}
DEADLINE_COLOURS = {"pending": "#dc2626", "met": "#15803d", "lapsed": "#6b7280", "superseded": "#9ca3af"}


def num(day: date) -> float:
    """Matplotlib's date number (days since its epoch, set to 1970-01-01 below)."""
    return float((day - _EPOCH).days)


@contextmanager
def chart_style() -> Iterator[None]:
    """The settings every chart is drawn with: the same story gives the same bytes, text stays text."""
    import warnings

    import matplotlib

    with (
        warnings.catch_warnings(),
        matplotlib.rc_context(
            {
                "svg.hashsalt": "chronicle",
                "svg.fonttype": "none",
                "font.family": "DejaVu Sans",
                "date.epoch": "1970-01-01T00:00:00",
            }
        ),
    ):
        warnings.simplefilter("ignore")
        yield


def time_axis(axes: Any, start: date, end: date) -> None:
    """Ticks that always carry the year: years on a long story, months with their year on a shorter one."""
    from matplotlib import dates as mdates

    days = (end - start).days
    if days > 4 * 365:
        locator: Any = mdates.YearLocator(base=max(1, days // (365 * 8)))  # type: ignore[no-untyped-call]
        label = "%Y"
    elif days > 75:
        locator = mdates.MonthLocator(interval=max(1, days // (30 * 8)))  # type: ignore[no-untyped-call]
        label = "%b %Y"
    else:
        locator = mdates.DayLocator(interval=max(1, days // 7))  # type: ignore[no-untyped-call]
        label = "%d %b %Y"
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.DateFormatter(label))  # type: ignore[no-untyped-call]
    axes.tick_params(axis="x", labelsize=8)
    axes.grid(axis="x", color="#e5e7eb", lw=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def save(figure: Any, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "svg":
        figure.savefig(out, format="svg", metadata={"Date": None})
    else:
        figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def _rows(story: Story) -> list[str]:
    rows: list[str] = []
    for item in story.items:
        key = story.subjects.get(item.id, UNATTRIBUTED)
        if key not in rows:
            rows.append(key)
    for mark in story.deadlines:
        key = str(EntityKey.negotiation(mark.negotiation))
        if key not in rows:
            rows.append(key)
    return rows


class _Lanes:
    """Room for labels: two lanes a row (above and below its marks), each a list of taken x-ranges."""

    def __init__(self, days_per_px: float) -> None:
        self.days_per_px = days_per_px
        self.taken: dict[tuple[int, int], list[tuple[float, float]]] = {}

    def take(self, row: int, lane: int, x: float, text: str) -> bool:
        """Take room for a label starting at `x` in one lane, if it is free."""
        width = (len(text) * _CHAR_PX + 6) * self.days_per_px
        spans = self.taken.setdefault((row, lane), [])
        if any(x <= b and a <= x + width for a, b in spans):
            return False
        spans.append((x, x + width))
        return True

    def place(self, row: int, x: float, text: str) -> int | None:
        """The lane (-1 above, +1 below) a label starting at `x` fits in, taking it; None when neither."""
        return next((lane for lane in (-1, 1) if self.take(row, lane, x, text)), None)


def _importance(item: Item) -> tuple[int, int, int, int]:
    """Which marks to label first when crowded: what happened before who entered the story, the best
    corroborated first, then the ones still counting, then the earliest recorded."""
    entering = 1 if item.kind == "actor_registered" else 0
    return (entering, -source_count(item.development), 0 if item.counts else 1, item.position)


def render_chart(story: Story, fmt: str) -> bytes:
    """The story as a static chart, PNG or SVG; the same story gives the same bytes."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown chart format {fmt!r}")
    rows = _rows(story)
    height = 1.9 + 0.62 * max(len(rows), 1)
    with chart_style():
        figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
        axes = figure.add_subplot()
        if story.span() is None:
            axes.text(0.5, 0.5, "No developments", ha="center", va="center", transform=axes.transAxes)
            axes.set_axis_off()
        else:
            start, end = window(story)  # month- and year-long developments may reach beyond it
            pad = max(DAY, (end - start) / 30)
            left, right = num(shifted(start, -pad)), num(shifted(end, pad + DAY))
            axes.set_xlim(left, right)
            axes.set_ylim(len(rows) - 0.5, -0.5)
            lanes = _Lanes((right - left) / _PLOT_PX)
            statuses = _draw_phases(axes, story, rows, lanes)
            states = _draw_deadlines(axes, story, rows)
            _draw_items(axes, story, rows, lanes, left)
            axes.set_yticks(range(len(rows)), [shorten(story.label(k), 38) for k in rows], fontsize=8)
            time_axis(axes, start, end)
            handles: list[Any] = [
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
            handles += [
                Line2D([], [], color=DEADLINE_COLOURS[state], ls="--", label=f"deadline {state}") for state in states
            ]
            handles += [
                Patch(color=STATUS_COLOURS.get(status, "#94a3b8"), alpha=0.3, label=status.replace("_", " "))
                for status in statuses
            ]
            figure.legend(handles=handles, loc="outside lower center", ncols=5, fontsize=7, frameon=False)
        figure.suptitle(shorten(f"{story.title} \u2014 {story.caption}", 140), fontsize=10)
        return save(figure, fmt)


def _draw_phases(axes: Any, story: Story, rows: list[str], lanes: _Lanes) -> list[str]:
    """Each phase a shaded span on its negotiation's row, named inside (in the lane below its marks, kept
    from the labels) only where the name fits."""
    used: list[str] = []
    for phase in story.phases:
        key = str(EntityKey.negotiation(phase.negotiation))
        if key not in rows:
            continue
        row = rows.index(key)
        x0, x1 = num(phase.start), num(shifted(phase.end, DAY))
        colour = STATUS_COLOURS.get(phase.status, "#94a3b8")
        axes.broken_barh([(x0, x1 - x0)], (row - 0.42, 0.84), facecolors=colour, alpha=0.16, lw=0, zorder=0)
        if phase.status not in used:
            used.append(phase.status)
        fits = (len(phase.label) * _CHAR_PX + 8) * lanes.days_per_px < x1 - x0
        if fits and lanes.take(row, 1, x0, " " + phase.label):
            axes.text(x0, row + 0.17, " " + phase.label, fontsize=6.5, color="#334155", va="top", ha="left")
    return used


def _draw_deadlines(axes: Any, story: Story, rows: list[str]) -> list[str]:
    """Each deadline a dashed tick on its negotiation's row, coloured by its state."""
    used: list[str] = []
    for mark in story.deadlines:
        row = rows.index(str(EntityKey.negotiation(mark.negotiation)))
        x = num(mark.due.end) + 0.5
        colour = DEADLINE_COLOURS.get(mark.status, "#dc2626")
        axes.vlines(x, row - 0.45, row + 0.45, colors=colour, lw=1.2, linestyles="--", zorder=1)
        if mark.status not in used:
            used.append(mark.status)
    return used


def _draw_items(axes: Any, story: Story, rows: list[str], lanes: _Lanes, left: float) -> None:
    stack: dict[tuple[int, float], int] = {}
    places: dict[str, tuple[int, float, float]] = {}
    for item in story.items:
        d = item.development
        row = rows.index(story.subjects.get(item.id, UNATTRIBUTED))
        colour = CATEGORIES[category(item.kind)][1]
        when = d.when
        x0 = num(when.start)
        slot = stack.get((row, x0), 0)
        stack[(row, x0)] = slot + 1
        y = row + min(slot, 3) * 0.08
        places[item.id] = (row, max(x0 + 0.5, left), y)  # a range begun before the window is named inside it
        faded = item.retracted_by is not None
        if item.spans:
            x1 = num(shifted(item.last, DAY))
            axes.broken_barh(
                [(x0, x1 - x0)],
                (y - 0.07, 0.14),
                facecolors=colour,
                alpha=0.25 if faded else 0.5,
                edgecolors=colour,
                linewidth=0.8,
                linestyle="--" if faded else "-",
                zorder=2,
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
            zorder=3,
        )
    for item in sorted(story.items, key=_importance):
        if item.is_revision:
            continue
        row, x, y = places[item.id]
        text = shorten(item.development.summary, LABEL_CHARS)
        lane = lanes.place(row, x, text)
        if lane is None:
            continue
        axes.text(
            x,
            y + lane * 0.17,
            text,
            fontsize=6.5,
            color="#6b7280" if item.retracted_by else "#111827",
            va="bottom" if lane < 0 else "top",
            ha="left",
            zorder=4,
        )

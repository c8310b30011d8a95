"""A static chart of the story, PNG or SVG, drawn with matplotlib (imported only here)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from chronicle.exports.story import CATEGORIES, UNATTRIBUTED, Story, category, window
from chronicle.exports.text import shorten

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
            start, end = window(story)  # month- and year-long developments may reach beyond it
            pad = max(timedelta(days=1), (end - start) / 30)
            axes.set_xlim(_num(start - pad), _num(end + pad + timedelta(days=1)))
            axes.set_ylim(len(rows) - 0.4, -0.6)
            for n, phase in enumerate(story.phases):
                x0 = _num(phase.start)
                x1 = _num(phase.end + timedelta(days=1))
                axes.axvspan(x0, x1, color=("#15803d", "#2563eb", "#b45309", "#7c3aed")[n % 4], alpha=0.09, lw=0)
                axes.text(x0, -0.55, " " + shorten(phase.label, 30), fontsize=7, color="#166534", va="top", ha="left")
            for mark in story.deadlines:
                x = _num(mark.due.end) + 0.5
                axes.axvline(x, color="#dc2626", lw=1, ls="--")
                axes.text(
                    x,
                    len(rows) - 0.45,
                    " " + shorten(f"due: {mark.milestone}", 30),
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
            axes.set_yticks(range(len(rows)), [shorten(story.label(k), 38) for k in rows], fontsize=8)
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
        figure.suptitle(shorten(f"{story.title} \u2014 {story.caption}", 140), fontsize=10)
        out = io.BytesIO()
        if fmt == "svg":
            figure.savefig(out, format="svg", metadata={"Date": None})
        else:
            figure.savefig(out, format="png", metadata={"Software": None})
        return out.getvalue()

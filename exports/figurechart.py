"""A figure over time (`export --format png --figure troops:iraq`): one line for each actor reporting it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from chronicle.domain.developments import FigureReported
from chronicle.domain.errors import InvalidInput
from chronicle.exports.chart import WIDTH_IN, chart_style, num, save, time_axis
from chronicle.exports.story import Story
from chronicle.exports.text import shorten

_COLOURS = ("#2563eb", "#c0392b", "#15803d", "#7c3aed", "#b45309", "#0e7490", "#be185d", "#4b5563")


@dataclass(frozen=True)
class FigureAsked:
    """Which figure to chart: a metric, and optionally one scope of it (`troops:iraq`)."""

    metric: str
    scope: str | None = None

    @classmethod
    def parse(cls, text: str) -> FigureAsked:
        metric, _, scope = text.strip().partition(":")
        if not metric:
            raise InvalidInput(f"--figure {text!r}: expected METRIC or METRIC:SCOPE, e.g. troops:iraq")
        return cls(metric, scope or None)

    def __str__(self) -> str:
        return self.metric if self.scope is None else f"{self.metric}:{self.scope}"


Series = dict[tuple[str, str | None], list[tuple[date, float]]]


def series(story: Story, asked: FigureAsked) -> Series:
    """The values believed for the figure, by actor and scope, in the order they hold (retracted left out)."""
    found: Series = {}
    for item in sorted(story.items, key=lambda i: (_day(i.development), i.position)):
        d = item.development
        if not isinstance(d, FigureReported) or not item.counts or d.metric != asked.metric:
            continue
        if asked.scope is not None and d.scope != asked.scope:
            continue
        found.setdefault((d.actor, d.scope), []).append((d.effective_as_of.start, float(d.value)))
    if not found:
        known = sorted(
            {
                f"{d.metric}:{d.scope}" if d.scope else d.metric
                for i in story.items
                if isinstance(d := i.development, FigureReported) and i.counts
            }
        )
        told = f"figures it has: {', '.join(known)}" if known else "it has no figures"
        raise InvalidInput(f"--figure {asked}: no such figure in the story; {told}")
    return found


def _day(development: object) -> date:
    if isinstance(development, FigureReported):
        return development.effective_as_of.start
    return date.min


def _number(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:,.2f}"


def render_figure(story: Story, asked: FigureAsked, fmt: str) -> bytes:
    """The figure as a step line per actor (a value holds until the next report), its points marked,
    each line named at its last value; years on the axis."""
    from matplotlib.figure import Figure

    lines = series(story, asked)
    days = [day for points in lines.values() for day, _ in points]
    start, end = min(days), max(days)
    pad = max(timedelta(days=15), (end - start) / 12)
    with chart_style():
        figure = Figure(figsize=(WIDTH_IN, 4.8), dpi=100, layout="constrained")
        axes = figure.add_subplot()
        right = num(end + pad * 3)  # room for the names at the lines' ends
        axes.set_xlim(num(start - pad), right)
        for n, ((actor, scope), points) in enumerate(sorted(lines.items(), key=lambda kv: kv[0][0])):
            colour = _COLOURS[n % len(_COLOURS)]
            xs = [num(day) for day, _ in points]
            ys = [value for _, value in points]
            axes.step([*xs, num(end + pad)], [*ys, ys[-1]], where="post", color=colour, lw=1.8)
            axes.plot(xs, ys, "o", color=colour, markersize=5)
            name = story.actor_name(actor) + (f" ({scope})" if scope and asked.scope is None else "")
            axes.text(
                num(end + pad) + 2,
                ys[-1],
                f" {shorten(name, 30)}: {_number(ys[-1])}",
                fontsize=8,
                color=colour,
                va="center",
                ha="left",
            )
            for x, y in zip(xs, ys, strict=True):
                axes.annotate(_number(y), (x, y), textcoords="offset points", xytext=(4, 5), fontsize=6.5)
        axes.set_ylim(bottom=min(0.0, *(v for p in lines.values() for _, v in p)))
        axes.yaxis.set_major_formatter(lambda value, _pos: _number(value))
        axes.tick_params(axis="y", labelsize=8)
        axes.grid(axis="y", color="#f1f5f9", lw=0.6)
        time_axis(axes, start - pad, end + pad)
        what = asked.metric.replace("_", " ") + (f" in {asked.scope}" if asked.scope else "")
        figure.suptitle(shorten(f"{what.capitalize()} over time \u2014 {story.title}", 140), fontsize=10)
        figure.supxlabel(
            shorten(f"{story.caption}; a step holds each reported value until the next report", 160),
            fontsize=7,
            color="#6b7280",
        )
        return save(figure, fmt)

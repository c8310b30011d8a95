"""The printed table and the target checks of a benchmark result (a plain dict, as written to JSON)."""

from __future__ import annotations

from typing import Any

Row = tuple[str, list[str], str]


def _g(d: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def _num(value: float | None, digits: int = 0, suffix: str = "") -> str:
    if value is None:
        return "-"
    if digits == 0:
        return f"{value:,.0f}{suffix}"
    return f"{value:,.{digits}f}{suffix}"


def _x(value: float | None) -> str:
    """A ratio: 0.43 or 12.3x."""
    if value is None:
        return "-"
    return f"{value:.2f}x" if value >= 1 else f"{value:.3f}"


def _med(d: Any, *path: str) -> float | None:
    return _g(d, *path, "median")


def _rows(sizes: dict[str, Any], backend: str) -> list[Row]:
    keys = list(sizes)
    rows: list[Row] = []

    def add(label: str, fn: Any, target: str = "") -> None:
        rows.append((label, [fn(sizes[k]) for k in keys], target))

    add("stored events", lambda s: _num(s.get("stored_events")))
    add(
        "single CLI append, fresh process (ms)",
        lambda s: _num(_med(s, "single_append", "chronicle_cli_ms"), 0),
        "< 250",
    )
    add("  of which imports, -X importtime (ms)", lambda s: _num(_g(s, "single_append", "imports_ms"), 0))
    add("  eventsourcing alone, fresh process (ms)", lambda s: _num(_med(s, "single_append", "es_direct_ms"), 0))
    add("  python -c pass (ms)", lambda s: _num(_med(s, "single_append", "python_pass_ms"), 0))
    add("  ratio to eventsourcing process", lambda s: _x(_g(s, "ratios", "single_append_vs_es_process")), "< 2x")
    add("  CPU ms, chronicle / eventsourcing", lambda s: _cpu_pair(s))
    add("  ratio to python -c pass", lambda s: _x(_g(s, "ratios", "single_append_vs_python")))
    add("bulk append --file, CLI (events/s)", lambda s: _num(_g(s, "ratios", "bulk_events_per_s")))
    add("  developments/s", lambda s: _num(_g(s, "ratios", "bulk_developments_per_s")))
    add(
        "  eventsourcing save, batches of 1000 (ev/s)", lambda s: _num(_g(s, "ratios", "baseline_events_per_s_es_save"))
    )
    add("  ratio to eventsourcing save", lambda s: _x(_g(s, "ratios", "bulk_vs_es_save")), ">= 0.5")
    add("  ratio to raw recorder insert", lambda s: _x(_g(s, "ratios", "bulk_vs_es_recorder_insert")))
    if backend == "sqlite":
        add("  ratio to sqlite3 executemany", lambda s: _x(_g(s, "ratios", "bulk_vs_sqlite_executemany")))
    add("  peak RSS (MB)", lambda s: _num(_med(s, "bulk_append", "peak_rss_mb")))
    add("replay (events/s)", _replay_rate)
    add("  raw read+decode (events/s)", lambda s: _num(_g(s, "replay_baselines", "decode", "events_per_s")))
    add("  ratio to raw read+decode", lambda s: _x(_g(s, "ratios", "replay_vs_raw_decode")), ">= 0.4")
    add("  the same, in pairs (median)", lambda s: _x(_g(s, "ratios", "replay_vs_raw_decode_paired")), ">= 0.4")
    add("  ratio to raw select only", lambda s: _x(_g(s, "ratios", "replay_vs_raw_select")))
    if backend == "sqlite":
        add("  ratio to sqlite3 scan+orjson", lambda s: _x(_g(s, "ratios", "replay_vs_raw_sqlite_scan")))
    add("  peak RSS (MB)", lambda s: _num(_med(s, "replay", "peak_rss_mb")), "< 300 at 1M")
    add("  raw read peak RSS (MB)", lambda s: _num(_g(s, "replay_baselines", "child_peak_rss_mb")))
    for label in ("verify", "log", "export jsonl"):
        add(f"{label}, whole store (s)", lambda s, k=label: _num(_med(s, "whole_store", k, "seconds"), 2))
        add(
            "  peak RSS (MB) / ratio to raw read's",
            lambda s, k=label: _rss_pair(s, k),
            "flat in the store",
        )
    for label in ("busiest actor", "median actor", "busiest negotiation"):
        for variant in ("current", "as-of", "known-at", "as-of+known-at"):
            target = ""
            if label == "busiest actor":
                target = "< 50 at 100k" if variant == "current" else "< 200 at 100k"
            if label != "busiest actor" and variant in ("known-at", "as-of+known-at"):
                continue
            add(
                f"show {label} {variant}, in-process (ms)",
                lambda s, k=f"{label}/{variant}": _show(s, "in_process_ms", k, 1),
                target,
            )
    for key in (
        "busiest actor/current",
        "busiest actor/as-of",
        "busiest actor/known-at",
        "busiest negotiation/current",
    ):
        add(f"show {key.replace('/', ' ')}, CLI (ms)", lambda s, k=key: _show(s, "cli_ms", k, 0))
    add("  developments of the busiest actor", lambda s: _busiest(s))
    return rows


def _rss_pair(s: dict[str, Any], label: str) -> str:
    peak = _med(s, "whole_store", label, "peak_rss_mb")
    share = _g(s, "ratios", f"{label.replace(' ', '_')}_rss_vs_raw_read_rss")
    return "-" if peak is None else f"{peak:.0f} / {share:.2f}" if share is not None else f"{peak:.0f}"


def _cpu_pair(s: dict[str, Any]) -> str:
    a, b = _med(s, "single_append", "chronicle_cli_cpu_ms"), _med(s, "single_append", "es_direct_cpu_ms")
    return "-" if a is None or b is None else f"{a:.0f} / {b:.0f}"


def _replay_rate(s: dict[str, Any]) -> str:
    replay = s.get("replay") or {}
    if replay.get("events_per_s"):
        return _num(replay["events_per_s"])
    partial = replay.get("partial")
    if partial:
        return f"{partial['events_per_s']:,.0f} (stopped at {partial['events_done']:,})"
    if replay.get("failures"):
        return "failed"
    return "-"


def _show(s: dict[str, Any], table: str, key: str, digits: int) -> str:
    show = s.get("show") or {}
    if "skipped" in show:
        return "skipped"
    return _num(_med(show, table, key), digits)


def _busiest(s: dict[str, Any]) -> str:
    for t in _g(s, "show", "targets") or []:
        if t["label"] == "busiest actor":
            return f"{t['developments']:,}"
    return "-"


def _table(title: str, sizes: dict[str, Any], backend: str) -> str:
    rows = _rows(sizes, backend)
    headers = [f"{int(k):,}" for k in sizes]
    w0 = max(len(r[0]) for r in rows) + 2
    widths = [max(len(h), *(len(r[1][i]) for r in rows)) + 2 for i, h in enumerate(headers)]
    lines = [title, "-" * len(title)]
    lines.append("".ljust(w0) + "".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)) + "   target")
    for label, values, target in rows:
        if all(v in ("-", "") for v in values) and not target:
            continue
        lines.append(
            label.ljust(w0) + "".join(v.rjust(w) for v, w in zip(values, widths, strict=True)) + f"   {target}"
        )
    return "\n".join(lines)


def render(result: dict[str, Any]) -> str:
    meta = result["meta"]
    m = meta["machine"]
    out = [
        f"Chronicle benchmark · {meta['date']} · {m['cpu']} ({m['cores']} cores, {m['memory_gb']} GB) · "
        f"Python {m['python']} · SQLite {m['sqlite']} · eventsourcing {meta['versions'].get('eventsourcing')}",
        f"medians of {meta['repeat']} runs (at most; see `failures`) · {meta['seconds']} s in all · "
        f"load average {meta.get('load_average_at_start')} -> {meta.get('load_average_at_end')} · `{meta['command']}`",
        "",
    ]
    st = result.get("startup") or {}
    if st:
        top = ", ".join(f"{k} {v:.0f}" for k, v in list(st["import_self_ms_by_package"].items())[:8])
        out += [
            "Startup",
            "-------",
            f"python -c pass                      {st['python_pass_ms']['median']:8.1f} ms",
            f"chronicle --help                    {st['chronicle_help_ms']['median']:8.1f} ms",
            f"import chronicle.cli.main (-X importtime) {st['import_cli_ms']['median']:6.1f} ms",
            f"  self ms by package: {top}",
            "",
        ]
    if result.get("sqlite"):
        out += [_table("SQLite", result["sqlite"], "sqlite"), ""]
    if result.get("postgres"):
        out += [_table("PostgreSQL", result["postgres"], "postgres"), ""]
    out += ["Targets", "-------"]
    for t in result.get("targets", []):
        mark = {True: "met ", False: "MISS", None: "n/a "}[t["met"]]
        out.append(f"[{mark}] {t['name']}: {t['value']}  (target {t['target']})")
    return "\n".join(out)


# -- targets ------------------------------------------------------------------------------------


def _at(sizes: dict[str, Any], wanted: int) -> tuple[str | None, dict[str, Any] | None]:
    """The result at `wanted` developments, else at the largest size run."""
    if not sizes:
        return None, None
    if str(wanted) in sizes:
        return str(wanted), sizes[str(wanted)]
    key = max(sizes, key=int)
    return key, sizes[key]


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    sizes = result.get("sqlite") or {}
    out: list[dict[str, Any]] = []

    def check(name: str, value: float | None, target: str, ok: bool | None, where: str | None, fmt: str) -> None:
        shown = "not measured" if value is None else fmt.format(value)
        if where is not None:
            name = f"{name} (SQLite, {int(where):,} developments)"
        out.append({"name": name, "value": shown, "raw": value, "target": target, "met": None if value is None else ok})

    key, s = _at(sizes, 100_000)
    if s is None:
        return out
    v = _med(s, "single_append", "chronicle_cli_ms")
    check("single CLI append", v, "< 250 ms", v is not None and v < 250, key, "{:.0f} ms")
    v = _g(s, "ratios", "single_append_vs_es_process")
    check("single CLI append / eventsourcing fresh process", v, "< 2x", v is not None and v < 2, key, "{:.2f}x")
    v = _g(s, "ratios", "bulk_vs_es_save")
    check("bulk append / eventsourcing batched save", v, ">= 0.5", v is not None and v >= 0.5, key, "{:.3f}")
    v = _g(s, "ratios", "replay_vs_raw_decode")
    partial = bool(_g(s, "ratios", "replay_ratios_from_partial_run"))
    check(
        "replay / raw recorder read+decode" + (" (from a run stopped at the time limit)" if partial else ""),
        v,
        ">= 0.4",
        v is not None and v >= 0.4,
        key,
        "{:.3f}",
    )
    v = _g(s, "ratios", "replay_vs_raw_decode_paired")
    check(
        "the same, each replay paired with a raw read just before it (median)",
        v,
        ">= 0.4",
        v is not None and v >= 0.4,
        key,
        "{:.3f}",
    )
    show = s.get("show") or {}
    v = _med(show, "in_process_ms", "busiest actor/current")
    check("show actor (busiest), in-process", v, "< 50 ms at 100k", v is not None and v < 50, key, "{:.1f} ms")
    for variant in ("as-of", "known-at", "as-of+known-at"):
        v = _med(show, "in_process_ms", f"busiest actor/{variant}")
        check(
            f"show actor (busiest) --{variant.replace('+', ' --')}, in-process",
            v,
            "< 200 ms at 100k",
            v is not None and v < 200,
            key,
            "{:.1f} ms",
        )
    key, s = ("1000000", sizes["1000000"]) if "1000000" in sizes else (None, None)
    v = _med(s, "replay", "peak_rss_mb") if s else None
    check(
        "replay peak RSS at 1M developments" + ("" if s else " (1M not run: opt-in, --sizes 1000000)"),
        v,
        "< 300 MB",
        v is not None and v < 300,
        key,
        "{:.0f} MB",
    )
    return out

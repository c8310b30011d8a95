"""Scripts the concurrency tests run as real, separate processes: `python tests/processes.py ROLE URL ...`."""

from __future__ import annotations

import sys
import time


def _store(url: str):  # type: ignore[no-untyped-def]
    from chronicle.service.settings import parse_store_url
    from chronicle.service.store import Store

    return Store.open(parse_store_url(url))


def writer(url: str, prefix: str, count: int) -> None:
    """Register shared actors (racing the other writers), then append `count` developments one by one."""
    from chronicle.service.interchange import parse_development

    with _store(url) as store:
        shared = [
            {
                "type": "actor_registered",
                "id": f"shared-reg-{i}",
                "occurred": "2024",
                "summary": f"shared {i}",
                "actor": f"shared-{i}",
                "name": f"Shared {i}",
                "kind": "state",
            }
            for i in range(3)
        ]
        for row in shared:
            store.append([parse_development(row)])
        for n in range(count):
            row = {
                "type": "strike",
                "id": f"{prefix}-{n:04d}",
                "occurred": f"2024-01-{1 + n % 28:02d}",
                "summary": f"{prefix} strike {n}",
                "by": f"shared-{n % 3}",
                "targets": [f"shared-{(n + 1) % 3}"],
            }
            store.append([parse_development(row)])
    print("done", flush=True)


def reader(url: str, seconds: float, writers: str) -> None:
    """Read the timeline repeatedly: never a duplicate, never a gap in any writer's sequence, never a loss."""
    prefixes = writers.split(",")
    deadline = time.monotonic() + seconds
    previous: set[str] = set()
    reads = 0
    with _store(url) as store:
        while time.monotonic() < deadline:
            store.refreshed = False
            ids = store.query(
                lambda v, c: [r["dev_id"] for r in v.rows(c, "SELECT dev_id FROM {s}view_timeline ORDER BY position")]
            )
            reads += 1
            assert len(ids) == len(set(ids)), "a development appears twice"
            seen = set(ids)
            assert previous <= seen, "a development disappeared"
            for prefix in prefixes:
                mine = sorted(int(i.rsplit("-", 1)[1]) for i in ids if i.startswith(prefix + "-"))
                assert mine == list(range(len(mine))), f"gap in {prefix}: {mine[:10]}…"
            previous = seen
            time.sleep(0.01)
    print(f"reads {reads} seen {len(previous)}", flush=True)


if __name__ == "__main__":
    role, url, *rest = sys.argv[1:]
    if role == "writer":
        writer(url, rest[0], int(rest[1]))
    elif role == "reader":
        reader(url, float(rest[0]), rest[1])
    else:
        raise SystemExit(f"unknown role {role}")

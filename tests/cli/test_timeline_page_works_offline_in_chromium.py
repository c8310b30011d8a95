"""The exported HTML timeline, opened in a real headless Chromium (Debian's), offline."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import LATER, SEED, Cli, StoreRef

CHROMIUM = os.environ.get("CHRONICLE_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.slow


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Chromium with a fresh profile (--user-data-dir) and no network to speak of."""
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 900},
            service_workers="block",
        )
        yield context
        context.close()


class Page:
    """A page that records every request, page error, console error and dialog it sees."""

    def __init__(self, context: Any, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

        def dismiss(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", dismiss)
        self.page.goto(self.url)
        self.page.wait_for_selector("html[data-ready='1']")

    def shown(self) -> list[str]:
        ids = self.page.eval_on_selector_all(
            ".vis-timeline [data-dev]", "nodes => nodes.map(n => n.getAttribute('data-dev'))"
        )
        return sorted(set(ids))

    def click(self, dev_id: str) -> str:
        self.page.locator(f".vis-timeline [data-dev='{dev_id}']").click()
        self.page.wait_for_selector(f"#details[data-showing='{dev_id}']")
        return str(self.page.locator("#details").inner_text())


def _sqlite_cli(tmp_path: Path, name: str) -> Cli:
    path = tmp_path / f"{name}.db"
    cli = Cli(StoreRef("sqlite", f"sqlite:///{path}", path=path))
    cli.ok("init")
    return cli


def _exported(cli: Cli, html: Path) -> Path:
    """The store's story frozen into one page at `html`."""
    cli.ok("export", "--format", "html", "-o", str(html))
    return html


def test_the_demo_timeline_shows_every_development_offline_and_clicks_open_sources(
    browser: Any, tmp_path: Path
) -> None:
    cli = _sqlite_cli(tmp_path, "demo")
    cli.ok("append", "--file", str(SEED))
    cli.ok("append", "--file", str(LATER))
    every = sorted(str(e["id"]) for e in cli.jsonl("log", "--include-retracted"))
    assert len(every) == 21
    html = _exported(cli, tmp_path / "timeline.html")

    page = Page(browser, html)
    assert page.requests == [page.url]  # the page itself, nothing else: no network at all
    assert page.errors == []
    assert page.shown() == every
    details = page.click("us-strike-baghdad")
    assert "Sources" in details
    assert "Reuters: \u201cIraq moves to end U.S.-led coalition mission\u201d" in details
    assert "Corrected by strike-toll-revised (5 January 2024): deaths: 1 \u2192 2." in details
    details = page.click("unverified-retaliation-claim")
    assert "Unverified social media channel" in details
    assert "Retracted by retaliation-claim-retracted: No source could confirm the claim" in details
    assert page.page.locator(".vis-item.retracted [data-dev='unverified-retaliation-claim']").count() == 1
    assert page.page.locator(".vis-item.vis-background.phase").count() == 1  # committee formed
    page.page.screenshot(path=str(tmp_path / "timeline.png"), full_page=True)
    assert (tmp_path / "timeline.png").read_bytes().startswith(b"\x89PNG")
    assert page.requests == [page.url] and page.errors == [] and page.dialogs == []


HOSTILE = [
    {"type": "actor_registered", "id": "reg-x", "occurred": "2024-02-01", "actor": "x", "kind": "person",
     "summary": "<img src=x onerror=alert(1)>", "name": "<script>alert(2)</script>"},
    {"type": "negotiation_opened", "id": "open", "occurred": "2024-02-01", "summary": "Talks <b>open</b>",
     "negotiation": "talks", "title": "</title><script>alert(3)</script>", "parties": ["x"], "subject": "s"},
    {"type": "agreement_reached", "id": "deal", "occurred": "2024-02-03", "summary": "A deal", "negotiation": "talks",
     "terms": "t", "deadlines": [{"milestone": "<svg onload=alert(4)>", "due": "2024-02-10"}],
     "sources": [{"publisher": "\"><img src=x onerror=alert(5)>", "url": "javascript:alert(6)"}]},
]  # fmt: skip


def test_hostile_text_stays_text_and_deadlines_are_marked(browser: Any, tmp_path: Path) -> None:
    cli = _sqlite_cli(tmp_path, "hostile")
    cli.ok("append", "--file", "-", input="\n".join(json.dumps(d) for d in HOSTILE))
    html = _exported(cli, tmp_path / "hostile.html")

    page = Page(browser, html)
    assert page.shown() == ["deadline:0", "deal", "open", "reg-x"]
    label = page.page.locator(".vis-timeline [data-dev='reg-x']").inner_text()
    assert label == "<img src=x onerror=alert(1)>"
    assert page.page.locator(".vis-label", has_text="<script>alert(2)</script>").count() == 1
    assert page.page.eval_on_selector_all("img, svg[onload], a[href^='javascript']", "n => n.length") == 0
    assert page.page.locator(".vis-item.vis-point.deadline").count() == 1
    assert page.page.locator(".vis-item.vis-background.deadline-band").count() == 1
    details = page.click("deal")
    assert '"><img src=x onerror=alert(5)>' in details and "javascript:alert(6)" in details
    assert "<svg onload=alert(4)> (due 2024-02-10)" in details
    assert page.page.title() == "Chronicle timeline"
    assert page.dialogs == [] and page.errors == [] and page.requests == [page.url]


def test_the_page_filters_searches_rewinds_and_maps_the_story_offline(browser: Any, tmp_path: Path) -> None:
    cli = _sqlite_cli(tmp_path, "frozen")
    cli.ok("append", "--file", str(SEED))
    cli.ok("append", "--file", str(LATER))
    html = _exported(cli, tmp_path / "story.html")
    every = sorted(str(e["id"]) for e in cli.jsonl("log", "--include-retracted"))

    page = Page(browser, html)
    p = page.page
    p.wait_for_selector("html[data-map='1']")
    assert p.inner_text("#shown-count") == f"{len(every)} of {len(every)} developments"
    assert int(p.get_attribute("#map", "data-points") or 0) >= 1  # Baghdad, from the strike's location

    p.select_option("#f-actor", "us")
    ours = sorted(str(e["id"]) for e in cli.jsonl("log", "--actor", "us", "--include-retracted"))
    assert page.shown() == ours
    p.select_option("#f-actor", "")
    p.fill("#f-text", "militia leader")
    assert "us-strike-baghdad" in page.shown() and len(page.shown()) < len(every)
    p.fill("#f-text", "")

    # Known at the end of 4 January, Reuters had not yet published (5 January): no strike, nothing at all.
    p.fill("#f-known-at", "2024-01-04")
    assert page.shown() == [] and p.inner_text("#shown-count").startswith("0 of")
    p.fill("#f-known-at", "2024-01-05")
    assert "us-strike-baghdad" in page.shown()
    assert "retaliation-claim-retracted" not in page.shown()  # reported later
    p.fill("#f-known-at", "")
    p.fill("#f-as-of", "2024-01-04")
    assert "us-strike-baghdad" in page.shown() and "withdrawal-committee" not in page.shown()
    p.fill("#f-as-of", "")
    assert page.shown() == every

    p.locator("#map path[data-id='us-strike-baghdad']").dispatch_event("click")
    p.wait_for_selector("#details[data-showing='us-strike-baghdad']")
    assert p.locator(".vis-item.vis-selected [data-dev='us-strike-baghdad']").count() == 1
    assert "#dev=us-strike-baghdad" in p.url

    linked = browser.new_page()  # a permalink opens the page on its development
    linked.goto(html.resolve().as_uri() + "#dev=us-strike-baghdad")
    linked.wait_for_selector("#details[data-showing='us-strike-baghdad']")
    linked.close()
    assert page.requests == [page.url] and page.errors == [] and page.dialogs == []


REVISED_LATER = [
    {"type": "actor_registered", "id": "reg-x", "occurred": "2024-02-01", "actor": "x", "kind": "state",
     "name": "X", "summary": "X enters", "reported": "2024-02-01"},
    {"type": "statement", "id": "said", "occurred": "2024-02-02", "by": "x", "summary": "X says <b>yes</b>",
     "text": "Yes.", "reported": "2024-02-02"},
    {"type": "correction", "id": "said-fix", "occurred": "2024-02-05", "target": "said", "reason": "misheard",
     "summary": "X said no", "changes": {"summary": "X says no"}, "reported": "2024-02-05"},
]  # fmt: skip


def test_known_at_before_a_correction_shows_the_development_as_first_recorded(browser: Any, tmp_path: Path) -> None:
    cli = _sqlite_cli(tmp_path, "revised")
    cli.ok("append", "--file", "-", input="\n".join(json.dumps(d) for d in REVISED_LATER))
    html = _exported(cli, tmp_path / "revised.html")
    page = Page(browser, html)
    label = page.page.locator(".vis-timeline [data-dev='said']")
    assert label.inner_text() == "X says no"
    assert page.page.locator(".vis-item.corrected [data-dev='said']").count() == 1
    page.page.fill("#f-known-at", "2024-02-03")
    assert sorted(page.shown()) == ["reg-x", "said"]
    assert label.inner_text() == "X says <b>yes</b>"  # as first recorded, and as text
    assert page.page.locator(".vis-item.corrected [data-dev='said']").count() == 0
    page.page.fill("#f-known-at", "")
    assert label.inner_text() == "X says no"
    assert page.errors == [] and page.dialogs == [] and page.requests == [page.url]

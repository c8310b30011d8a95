"""The workspace in a real headless Chromium (Debian's) against a real `chronicle serve`, on both backends:
the story, its filters and map, the known-at scrubber, blame, the append form, live updates, escaping."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from served import SEED, server

CHROMIUM = os.environ.get("CHRONICLE_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE = "</script><script>alert(1)</script>"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


class Tab:
    """A page in a fresh context that records what leaves the server, errors and dialogs."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on(
            "request",
            lambda r: None if r.url.startswith(base) or r.url.startswith("data:") else self.outside.append(r.url),
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        # vis-timeline's bundle tries to inject its CSS as <style> too: the CSP blocks that (the file is loaded).
        self.page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type == "error" and "inline style" not in m.text else None,
        )
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        self.page.wait_for_selector("body[data-refreshed]")
        return response

    def wait(self, expression: str, timeout: float = 15.0) -> None:
        """Until `expression` is true in the page (polled from outside: the page's CSP forbids the eval
        Playwright's wait_for_function uses)."""
        deadline = time.monotonic() + timeout
        while not self.page.evaluate(expression):
            if time.monotonic() > deadline:
                raise AssertionError(f"still false after {timeout} s: {expression}")
            time.sleep(0.02)

    def refreshed_after(self, action: Any) -> None:
        before = self.page.get_attribute("body", "data-refreshed")
        action()
        self.wait(f"document.body.dataset.refreshed !== '{before}'")

    def items(self) -> list[str]:
        return (self.page.get_attribute("#timeline", "data-items") or "").split()

    def clean(self) -> None:
        assert self.outside == [], self.outside
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs


def _strike_reported_a_day_later(tmp_path: Path) -> Path:
    """The seed story with the strike reported on the morning of 6 January, after the rest of the story,
    and tagged and placed on the map as an analyst would."""
    lines = SEED.read_text().splitlines()
    told = [
        json.dumps({**json.loads(line), "reported": STRIKE_REPORTED, "tags": ["airstrike"], "place": STRIKE_PLACE})
        if '"id": "us-strike-baghdad"' in line
        else line
        for line in lines
    ]
    story = tmp_path / "story.jsonl"
    story.write_text("\n".join(told) + "\n")
    return story


STRIKE_REPORTED = "2024-01-06T09:00Z"
STRIKE_PLACE = {"name": "Baghdad", "country": "IQ", "lat": 33.31, "lon": 44.36, "precision": 1}


def test_the_story_filters_links_the_map_and_rewinds_known_at(cli: Any, browser: Any, tmp_path: Path) -> None:
    cli.ok("init")
    cli.ok("append", "--file", str(_strike_reported_a_day_later(tmp_path)))
    everything = [e["id"] for e in cli.jsonl("log")]
    with server(cli.store.url) as base:
        tab = Tab(browser, base)
        asked: list[str] = []
        tab.page.on("request", lambda r: asked.append(r.url) if "/api/log" in r.url else None)
        response = tab.open("/")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert sorted(tab.items()) == sorted(everything)
        assert tab.page.locator(".vis-item").count() > 3
        assert int(tab.page.get_attribute("#map", "data-points") or 0) >= 2

        # filter by actor: the timeline holds what `log --actor pentagon` holds
        tab.page.select_option("#f-actor", "pentagon")
        pentagon = [e["id"] for e in cli.jsonl("log", "--actor", "pentagon")]
        tab.wait(f"document.getElementById('timeline').dataset.items === {json.dumps(' '.join(pentagon))}")
        assert "actor=pentagon" in tab.page.url
        tab.page.select_option("#f-actor", "")

        # tag and country: offered as the story carries them, answered as `log --tag` / `--country`
        tab.wait(f"document.getElementById('timeline').dataset.items.split(' ').length === {len(everything)}")
        tab.page.wait_for_selector("#f-tag", state="visible")
        assert tab.page.is_visible("#f-country")
        assert "airstrike (1)" in (tab.page.text_content("#f-tag") or "")
        for flag, value, select in [("--tag", "airstrike", "#f-tag"), ("--country", "IQ", "#f-country")]:
            tab.page.select_option(select, value)
            wanted = [e["id"] for e in cli.jsonl("log", flag, value)]
            assert wanted == ["us-strike-baghdad"]
            tab.wait(f"document.getElementById('timeline').dataset.items === {json.dumps(' '.join(wanted))}")
            tab.page.select_option(select, "")
        tab.wait(f"document.getElementById('timeline').dataset.items.split(' ').length === {len(everything)}")

        # search
        tab.page.fill("#f-search", "Syria")
        tab.page.dispatch_event("#f-search", "change")
        syria = [e["id"] for e in cli.jsonl("log", "-S", "Syria")]
        tab.wait(f"document.getElementById('timeline').dataset.items === {json.dumps(' '.join(syria))}")
        tab.page.fill("#f-search", "")
        tab.page.dispatch_event("#f-search", "change")
        tab.wait(f"document.getElementById('timeline').dataset.items.split(' ').length === {len(everything)}")

        # a map point selects its development on the timeline (once the map is drawn for what is shown)
        tab.wait("document.getElementById('map').dataset.for === document.getElementById('timeline').dataset.items")
        # Its own point, by its id: developments in one city are drawn on one spot, and a click there lands
        # on whichever was drawn last.
        tab.page.dispatch_event("path.point[data-id='us-strike-baghdad']", "click")
        tab.page.wait_for_selector("body[data-selected='us-strike-baghdad']")
        tab.page.wait_for_selector(".vis-item.vis-selected .vis-item-content")
        assert "A U.S. strike in Baghdad" in (tab.page.text_content(".vis-item.vis-selected .vis-item-content") or "")
        assert "dev=us-strike-baghdad" in tab.page.url
        assert tab.page.get_attribute("#actors li[data-id='militia-leader']", "data-status") == "killed"

        # known at, before the strike was reported: no strike, the leader not yet killed
        tab.page.fill("#known-at", "2024-01-06T08:00Z")
        tab.refreshed_after(lambda: tab.page.dispatch_event("#known-at", "change"))
        tab.wait("!document.getElementById('timeline').dataset.items.split(' ').includes('us-strike-baghdad')")
        assert "us-strike-baghdad" not in tab.items()
        assert tab.page.get_attribute("#actors li[data-id='militia-leader']", "data-status") == "active"
        assert "known_at=" in tab.page.url
        # and once it was reported, it is back
        tab.page.fill("#known-at", "2024-01-06T10:00Z")
        tab.refreshed_after(lambda: tab.page.dispatch_event("#known-at", "change"))
        tab.wait("document.getElementById('timeline').dataset.items.split(' ').includes('us-strike-baghdad')")
        # the timeline asks for its window (and as much again each side), never the whole story
        assert asked and all("since=" in url and "until=" in url for url in asked), asked
        tab.clean()
        tab.context.close()


def test_blame_the_form_and_live_updates(story: Any, browser: Any) -> None:
    with server(story.store.url) as base:
        a, b = Tab(browser, base), Tab(browser, base)
        a.open("/actors/us")
        a.page.hover("#state tr[data-field='figures[troops/iraq].value'] td.value")
        blame = a.page.text_content("#blame") or ""
        assert "us-troops-iraq" in blame and "Reuters" in blame and "2500" in blame

        b.open("/")
        a.open("/append?type=figure_reported")
        before = story.store.digest()
        for name, value in [
            ("occurred", "2024-01-09"),
            ("summary", "U.S. troops in Kuwait"),
            ("actor", "us"),
            ("metric", "troops"),
            ("scope", "kuwait"),
            ("value", "lots"),
            ("id", "us-troops-kuwait"),
        ]:
            a.page.fill(f"#in-{name}", value)
        a.page.click("#append button[type=submit]")
        a.wait("document.getElementById('err-value').textContent.length > 0")
        assert (a.page.text_content("#err-value") or "").startswith("value: ")
        assert a.page.text_content("#form-error") == ""
        assert story.store.digest() == before

        a.page.fill("#in-value", "1500")
        a.page.click("#append button[type=submit]")
        a.wait("document.getElementById('recorded').textContent.includes('us-troops-kuwait')")
        start = time.monotonic()
        b.wait("document.getElementById('timeline').dataset.items.split(' ').includes('us-troops-kuwait')", timeout=5)
        assert time.monotonic() - start < 1.0
        assert any(e["id"] == "us-troops-kuwait" for e in story.jsonl("log"))
        a.errors = [e for e in a.errors if "status of 422" not in e]  # the refused form's answer, as intended
        a.clean()
        b.clean()
        a.context.close()
        b.context.close()


def test_a_hostile_summary_is_text_and_runs_nothing(story: Any, browser: Any, tmp_path: Path) -> None:
    body = {
        "type": "statement",
        "id": "hostile",
        "occurred": "2024-01-07",
        "summary": HOSTILE,
        "by": "us",
        "text": HOSTILE + '<img src=x onerror="alert(2)">',
        "location": None,
    }
    body.pop("location")
    story.ok("append", "--file", "-", input=json.dumps(body))
    with server(story.store.url) as base:
        tab = Tab(browser, base)
        tab.open("/?dev=hostile")
        assert HOSTILE in (tab.page.text_content("#detail") or "")
        assert HOSTILE in (tab.page.text_content(".vis-item.vis-selected .vis-item-content") or "")
        tab.open("/developments/hostile")
        assert HOSTILE in (tab.page.text_content("#believed") or "")
        tab.page.wait_for_timeout(300)
        assert tab.page.evaluate("document.querySelectorAll('main script, main img').length") == 0
        tab.clean()
        tab.context.close()


def test_read_only_refuses_the_form(story: Any, browser: Any) -> None:
    with server(story.store.url, "--read-only") as base:
        tab = Tab(browser, base)
        tab.open("/append")
        assert tab.page.is_visible("#read-only")
        assert tab.page.is_disabled("#append button[type=submit]")
        before = story.store.digest()
        status = tab.page.evaluate(
            """async () => (await fetch('/api/developments', {method: 'POST', headers: {'Content-Type': 'application/json'},
                 body: JSON.stringify({type: 'figure_reported', occurred: '2024-01-09', summary: 'x', actor: 'us',
                 metric: 'm', value: 1})})).status"""
        )
        assert status == 405
        assert story.store.digest() == before
        tab.context.close()


def test_a_window_too_full_to_draw_shows_counts_and_a_click_zooms_into_one(
    cli: Any, browser: Any, tmp_path: Path
) -> None:
    from storygen import registrations, strikes, write_jsonl

    cli.ok("init")
    crowd = write_jsonl(tmp_path / "crowd.jsonl", [*registrations("c", 10), *strikes("c", 2_400, 10)])
    cli.ok("append", "--file", str(crowd))
    with server(cli.store.url) as base:
        tab = Tab(browser, base)
        tab.open("/")
        tab.wait("document.querySelectorAll('.vis-item.density').length > 0")
        assert tab.items() == []  # no development drawn one by one: the first 2,000 would mislead
        counted = tab.page.text_content("#count") or ""
        assert counted.startswith("2410 developments in this stretch"), counted
        columns = tab.page.eval_on_selector_all(".vis-item.density", "ns => ns.map(n => Number(n.textContent))")
        assert sum(columns) == 2_410 and len(columns) > 5
        tab.page.locator(".vis-item.density").first.click()
        tab.wait("document.getElementById('timeline').dataset.items.split(' ').filter(Boolean).length > 0")
        assert tab.page.locator(".vis-item.density").count() == 0
        tab.clean()


def test_a_publisher_drills_down_to_every_development_it_supports(story: Any, browser: Any) -> None:
    """The drill-down asks the log for the publisher's developments, not a first page of the log."""
    expected = [e["id"] for e in story.json("log", "--source", "Reuters")]
    with server(story.store.url) as base:
        tab = Tab(browser, base)
        tab.open("/sources")
        tab.wait("document.querySelectorAll('#publishers a').length > 0")
        tab.page.click("#publishers a:text-is('Reuters')")
        tab.wait(f"document.querySelectorAll('#drill-list li').length === {len(expected)}")
        shown = tab.page.eval_on_selector_all("#drill-list li a", "links => links.map(a => a.textContent)")
        assert shown == expected and len(expected) > 1
        tab.clean()
        tab.context.close()

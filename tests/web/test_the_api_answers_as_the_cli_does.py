"""The JSON API gives what the CLI's --json gives, field for field, and refuses bad input as the CLI does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from served import LATER, client


@pytest.fixture
def revised(story: Any) -> Any:
    story.ok("append", "--file", str(LATER))
    return story


def test_every_read_matches_the_clis_json(revised: Any) -> None:
    cli = revised
    with client(cli.store.url) as c:
        pairs: list[tuple[str, Any]] = [
            ("/api/actors", cli.json("actors")),
            ("/api/actors?as_of=2024-01-03", cli.json("actors", "--as-of", "2024-01-03")),
            ("/api/negotiations", cli.json("negotiations")),
            ("/api/actors/us", cli.json("show", "actor", "us")),
            ("/api/actors/U.S.", cli.json("show", "actor", "U.S.")),
            ("/api/negotiations/coalition-exit", cli.json("show", "negotiation", "coalition-exit")),
            ("/api/actors/us/history", cli.json("history", "actor", "us")),
            ("/api/actors/us/blame", cli.json("blame", "actor", "us")),
            ("/api/actors/us/blame?field=figures", cli.json("blame", "actor", "us", "figures")),
            ("/api/sources", cli.json("sources")),
            (
                "/api/actors/us/diff?from=2024-01-01&to=2024-01-31",
                cli.json("diff", "actor", "us", "--from", "2024-01-01", "--to", "2024-01-31"),
            ),
            ("/api/diff?from=2024-01-01&to=2024-01-31", cli.json("diff", "--from", "2024-01-01", "--to", "2024-01-31")),
            ("/api/log", cli.jsonl("log")),
            (
                "/api/log?actor=us&type=strike&type=attack",
                cli.jsonl("log", "--actor", "us", "-t", "strike", "-t", "attack"),
            ),
            (
                "/api/log?search=baghdad&include_retracted=true",
                cli.jsonl("log", "-S", "baghdad", "--include-retracted"),
            ),
            (
                "/api/log?since=2024-01-04&until=2024-01-04",
                cli.jsonl("log", "--since", "2024-01-04", "--until", "2024-01-04"),
            ),
        ]
        root = cli.ok("verify", "--root").stdout.strip()
        for path, expected in pairs:
            got = c.get(path)
            assert got.status_code == 200, (path, got.text)
            assert got.json() == expected, path
        assert f"{c.get('/api/head').json()['position']}:{c.get('/api/head').json()['hash']}" == root


def test_known_at_rewinds_every_read(revised: Any) -> None:
    cli = revised
    entries = cli.jsonl("log", "--include-retracted")
    correction = next(e for e in entries if e["id"] == "strike-toll-revised")
    from datetime import datetime, timedelta

    before = (datetime.fromisoformat(correction["recorded"]) - timedelta(microseconds=1)).isoformat()
    with client(cli.store.url) as c:
        for path, args in [
            ("/api/log", ("log",)),
        ]:
            assert c.get(path, params={"known_at": before}).json() == cli.jsonl(*args, "--recorded-at", before)
        assert c.get("/api/actors/us", params={"known_at": before}).json() == cli.json(
            "show", "actor", "us", "--recorded-at", before
        )
        assert c.get("/api/actors/us", params={"recorded_at": before}).json() == cli.json(
            "show", "actor", "us", "--recorded-at", before
        )
        strike_now = c.get("/api/developments/us-strike-baghdad").json()
        strike_then = c.get("/api/developments/us-strike-baghdad", params={"known_at": before}).json()
        assert strike_now["deaths"] == 2 and strike_now["corrected_by"] == ["strike-toll-revised"]
        assert strike_then["corrected_by"] == [] and strike_then["deaths"] == strike_now["as_recorded"]["deaths"]
        assert [r["id"] for r in strike_now["revisions"]] == ["strike-toll-revised"]
        assert strike_then["revisions"] == []
        logged = next(e for e in cli.jsonl("log") if e["id"] == "us-strike-baghdad")
        assert {k: strike_now[k] for k in logged} == logged


def test_bad_input_answers_with_the_clis_one_line(story: Any) -> None:
    cli = story
    with client(cli.store.url) as c:
        missing = c.get("/api/actors/nobody")
        assert missing.status_code == 404
        assert missing.json() == {"error": "no actor called 'nobody' (see `chronicle actors`)"}
        assert cli("show", "actor", "nobody").stderr.strip() == "chronicle: error: " + missing.json()["error"]
        assert c.get("/api/negotiations/nothing/history").status_code == 404
        assert c.get("/api/developments/no-such-thing").status_code == 404
        for path in [
            "/api/actors?as_of=2024-13-01",
            "/api/log?known_at=yesterday",
            "/api/log?since=soon",
            "/api/actors/us/diff?from=2024-01-01",
            "/api/log?type=picnic",
        ]:
            got = c.get(path)
            assert got.status_code == 422, path
            assert list(got.json()) == ["error"] and "\n" not in got.json()["error"], path
        assert c.get("/api/log?as_of=2024-13-01").json()["error"].startswith("as_of: ")


def test_the_openapi_document_lists_every_read(story: Any) -> None:
    with client(story.store.url) as c:
        paths = c.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/actors",
        "/api/actors/{name}",
        "/api/negotiations",
        "/api/negotiations/{name}",
        "/api/developments/{dev_id}",
        "/api/log",
        "/api/actors/{name}/history",
        "/api/actors/{name}/blame",
        "/api/actors/{name}/diff",
        "/api/diff",
        "/api/sources",
        "/api/head",
        "/api/developments",
    ]:
        assert path in paths, path


FIGURE = {
    "type": "figure_reported",
    "id": "us-troops-in-kuwait",
    "occurred": "2024-01-08",
    "summary": "U.S. troops in Syria",
    "actor": "us",
    "metric": "troops",
    "scope": "kuwait",
    "value": 900,
    "sources": [{"publisher": "AP"}],
}


def test_post_records_through_the_append_path_all_or_nothing(story: Any) -> None:
    cli = story
    with client(cli.store.url) as c:
        before = cli.store.digest()
        bad = [FIGURE, {**FIGURE, "id": "second", "value": "many"}]
        refused = c.post("/api/developments", json=bad)
        assert refused.status_code == 422
        assert refused.json()["error"].startswith("item 2: value: ")
        assert cli.store.digest() == before
        unknown = c.post("/api/developments", json={**FIGURE, "actor": "atlantis"})
        assert unknown.status_code == 422 and "atlantis" in unknown.json()["error"]
        assert cli.store.digest() == before
        malformed = c.post("/api/developments", content=b'{"type": ', headers={"content-type": "application/json"})
        assert malformed.status_code == 422 and malformed.json()["error"].startswith("malformed JSON")
        huge = c.post(
            "/api/developments", content=b"[" + b" " * 11_000_000 + b"]", headers={"content-type": "application/json"}
        )
        assert huge.status_code == 413
        assert cli.store.digest() == before
        made = c.post("/api/developments", json=FIGURE)
        assert made.status_code == 201 and made.json()["recorded"] == ["us-troops-in-kuwait"]
        again = c.post("/api/developments", json=[FIGURE])
        assert again.status_code == 201 and again.json()["unchanged"] == ["us-troops-in-kuwait"]
    assert any(e["id"] == "us-troops-in-kuwait" for e in cli.jsonl("log"))


def test_the_server_sees_what_the_cli_appends_after_it_started(story: Any) -> None:
    with client(story.store.url) as c:
        assert c.get("/api/actors/us").json()["figures"] == story.json("show", "actor", "us")["figures"]
        line = json.dumps(FIGURE)
        story.ok("append", "--file", "-", input=line)
        shown = c.get("/api/actors/us").json()
        assert any(f.get("scope") == "kuwait" for f in shown["figures"])


def test_bounds_give_the_storys_span_in_both_times(revised: Any) -> None:
    entries = revised.jsonl("log")
    with client(revised.store.url) as c:
        b = c.get("/api/bounds").json()
    days = [e["occurred"] for e in entries if len(e["occurred"]) == 10]
    assert (b["first_day"], b["last_day"]) == (min(days), max(days))
    assert b["first"] == "2024-01-01" and b["last"] == "2024-01-31"  # the month-dated attacks
    assert b["developments"] == len(entries)
    assert b["last_recorded"] == max(e["recorded"] for e in revised.jsonl("log", "--include-retracted"))

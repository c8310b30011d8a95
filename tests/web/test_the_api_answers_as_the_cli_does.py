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
            ("/api/log?source=reuters", cli.jsonl("log", "--source", "reuters")),
        ]
        root = cli.ok("verify", "--root").stdout.strip()
        for path, expected in pairs:
            got = c.get(path)
            assert got.status_code == 200, (path, got.text)
            assert got.json() == expected, path
        assert f"{c.get('/api/head').json()['position']}:{c.get('/api/head').json()['hash']}" == root


def test_known_at_and_recorded_at_rewind_every_read_as_the_cli_does(revised: Any) -> None:
    cli = revised
    entries = cli.jsonl("log", "--include-retracted")
    correction = next(e for e in entries if e["id"] == "strike-toll-revised")
    from datetime import datetime, timedelta

    before = (datetime.fromisoformat(correction["recorded"]) - timedelta(microseconds=1)).isoformat()
    with client(cli.store.url) as c:
        for path, args in [
            ("/api/log", ("log",)),
        ]:
            assert c.get(path, params={"recorded_at": before}).json() == cli.jsonl(*args, "--recorded-at", before)
            assert c.get(path, params={"known_at": "2024-01-04"}).json() == cli.jsonl(*args, "--known-at", "2024-01-04")
        for when in ({"known_at": "2024-01-05"}, {"known_at": "2024-01-05", "recorded_at": before}):
            flags = [f"--{k.replace('_', '-')}={v}" for k, v in when.items()]
            assert c.get("/api/actors/us", params=when).json() == cli.json("show", "actor", "us", *flags)
            assert c.get("/api/actors/us/blame", params=when).json() == cli.json("blame", "actor", "us", *flags)
        assert c.get("/api/actors/us", params={"recorded_at": before}).json() == cli.json(
            "show", "actor", "us", "--recorded-at", before
        )
        strike_now = c.get("/api/developments/us-strike-baghdad").json()
        strike_then = c.get("/api/developments/us-strike-baghdad", params={"recorded_at": before}).json()
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
            "/api/log?tag=Not%20A%20Slug",
            "/api/log?country=ZZ",
            "/api/log?near=91,0&km=5",
            "/api/log?near=33,44",
        ]:
            got = c.get(path)
            assert got.status_code == 422, path
            assert list(got.json()) == ["error"] and "\n" not in got.json()["error"], path
        assert c.get("/api/log?as_of=2024-13-01").json()["error"].startswith("as_of: ")
        assert c.get("/api/log?country=ZZ").json()["error"].startswith("country 'ZZ': ")
        assert c.get("/api/log?near=33,44").json()["error"] == "near LAT,LON and km N go together"


def test_the_log_filters_by_tag_country_and_distance_as_the_cli_does(cli: Any, tmp_path: Any) -> None:
    placed = {"name": "Basra", "country": "IQ", "lat": 30.51, "lon": 47.78}
    lines = [
        {
            "type": "actor_registered",
            "id": "reg-navy",
            "occurred": "2024-02-01",
            "summary": "A navy",
            "actor": "navy",
            "name": "Navy",
            "kind": "military",
        },
        {
            "type": "statement",
            "id": "patrol",
            "occurred": "2024-02-02",
            "summary": "A patrol off Basra",
            "by": "navy",
            "text": "On patrol",
            "tags": ["maritime", "patrol"],
            "place": placed,
        },
        {
            "type": "statement",
            "id": "drill",
            "occurred": "2024-02-03",
            "summary": "A drill in the Red Sea",
            "by": "navy",
            "text": "A drill",
            "tags": ["maritime"],
            "place": {"country": "YE", "lat": 15.0, "lon": 42.0},
        },
    ]
    story = tmp_path / "placed.jsonl"
    story.write_text("".join(json.dumps(line) + "\n" for line in lines))
    cli.ok("init")
    cli.ok("append", "--file", str(story))
    with client(cli.store.url) as c:
        for query, flags in [
            ("tag=maritime", ["--tag", "maritime"]),
            ("tag=maritime&tag=patrol", ["--tag", "maritime", "--tag", "patrol"]),
            ("country=YE", ["--country", "YE"]),
            ("country=IRQ", ["--country", "IRQ"]),
            ("near=30.5,47.8&km=50", ["--near", "30.5,47.8", "--km", "50"]),
        ]:
            expected = cli.jsonl("log", *flags)
            assert expected, flags
            assert c.get("/api/log?" + query).json() == expected, query


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


def test_a_kept_answer_gives_way_to_what_is_appended_after_it(story: Any) -> None:
    # The audit reads are kept while the log's head stays put: an append anywhere must show at once.
    reads = ["/api/actors/us/history", "/api/actors/us/blame", "/api/actors", "/api/sources",
             "/api/diff?from=2024-01-01&to=2024-12-31"]  # fmt: skip
    with client(story.store.url) as c:
        before = {path: c.get(path).json() for path in reads}
        assert {path: c.get(path).json() for path in reads} == before  # asked again: the same answer
        assert c.get("/api/actors/us/blame?all=true").json() != before["/api/actors/us/blame"]  # asked otherwise
        story.ok("append", "--file", "-", input=json.dumps(FIGURE))
        after = {path: c.get(path).json() for path in reads}
        for path in reads:
            assert after[path] != before[path], path
        assert after["/api/actors/us/history"] == story.json("history", "actor", "us")
        assert after["/api/actors/us/blame"] == story.json("blame", "actor", "us")
        assert after["/api/sources"] == story.json("sources")


def test_bounds_give_the_storys_span_in_both_times(revised: Any) -> None:
    entries = revised.jsonl("log")
    with client(revised.store.url) as c:
        b = c.get("/api/bounds").json()
    days = [e["occurred"] for e in entries if len(e["occurred"]) == 10]
    assert (b["first_day"], b["last_day"]) == (min(days), max(days))
    assert b["first"] == "2024-01-01" and b["last"] == "2024-01-31"  # the month-dated attacks
    assert b["developments"] == len(entries)
    assert b["last_recorded"] == max(e["recorded"] for e in revised.jsonl("log", "--include-retracted"))
    reported = [revised.json("show", "development", e["id"])["times"]["reported"] for e in entries]  # type: ignore[index]
    assert (b["first_reported"], b["last_reported"]) == (min(reported), max(reported))


def test_a_development_carries_its_three_times_and_the_mark_its_correction_left(revised: Any) -> None:
    with client(revised.store.url) as c:
        strike = c.get("/api/developments/us-strike-baghdad").json()
        pentagon = c.get("/api/developments/pentagon-answered-attacks").json()
    shown = revised.json("show", "development", "us-strike-baghdad")
    assert strike["times"] == shown["times"]  # type: ignore[index]
    assert strike["summary_note"].startswith("[corrected: deaths")
    assert pentagon["summary_note"] == ""


def test_a_density_counts_what_the_log_holds_in_each_stretch(cli: Any, tmp_path: Any) -> None:
    from datetime import date

    from storygen import registrations, strikes, write_jsonl

    cli.ok("init")
    cli.ok("append", "--file", str(write_jsonl(tmp_path / "s.jsonl", [*registrations("d", 5), *strikes("d", 600, 5)])))
    logged = [e for e in cli.jsonl("log", "--since", "2024-01-01", "--until", "2024-12-31")]
    with client(cli.store.url) as c:
        got = c.get("/api/log/density", params={"since": "2024-01-01", "until": "2024-12-31", "buckets": 12}).json()
        assert got["total"] == len(logged) and len(got["buckets"]) == 12
        for bucket in got["buckets"]:
            low, high = date.fromisoformat(bucket["start"]).toordinal(), date.fromisoformat(bucket["end"]).toordinal()
            inside = [e for e in logged if low <= date.fromisoformat(e["occurred"][:10]).toordinal() < high]
            assert bucket["count"] == len(inside), bucket
        assert got["buckets"][0]["start"] == "2024-01-01" and got["buckets"][-1]["end"] == "2025-01-01"
        one = c.get("/api/log/density", params={"since": "2024-01-01", "until": "2024-12-31", "actor": "d-actor-1"})
        assert one.json()["total"] == len(cli.jsonl("log", "--actor", "d-actor-1", "--since", "2024-01-01"))
        searched = c.get("/api/log/density", params={"since": "2024-01-01", "until": "2024-12-31", "search": "x"})
        assert searched.status_code == 200 and searched.json()["buckets"] is None  # only the bodies can say
        sourced = c.get("/api/log/density", params={"since": "2024-01-01", "until": "2024-12-31", "source": "x"})
        assert sourced.status_code == 200 and sourced.json()["buckets"] is None  # as for a search
        bad = c.get("/api/log/density", params={"since": "2024-13-01", "until": "2024-12-31"})
        assert bad.status_code == 422 and "since" in bad.json()["error"]
        far = c.get("/api/log/density", params={"since": "2024-01-01", "until": "2024-12-31", "near": "north"})
        assert far.status_code == 422 and "near" in far.json()["error"]  # checked as `log` checks it


def test_the_sources_page_asks_for_a_cut_of_each_list_and_keeps_the_counts(revised: Any) -> None:
    whole = revised.json("sources")
    with client(revised.store.url) as c:
        cut = c.get("/api/sources?limit=1").json()
        refused = c.get("/api/sources?limit=0")
    assert len(cut["single_source"]) == 1 < whole["single_source_count"] == cut["single_source_count"]
    assert cut["single_source"] == whole["single_source"][:1]
    assert {k: v for k, v in cut.items() if k not in ("single_source", "no_source")} == {
        k: v for k, v in whole.items() if k not in ("single_source", "no_source")
    }
    assert refused.status_code == 422

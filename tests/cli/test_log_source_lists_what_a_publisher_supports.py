"""`log --source P` lists exactly the developments `sources` counts for publisher P: any case, now or as
known at a time, and the sources report's lists can be cut by the workspace without losing their counts."""

from __future__ import annotations

from typing import Any


def _publishers(entry: dict[str, Any]) -> set[str]:
    return {s["publisher"].strip().casefold() for s in entry["sources"]}


def test_each_publishers_log_holds_as_many_developments_as_sources_counts(revised_story):
    report = revised_story.json("sources")
    assert report["publishers"]
    for row in report["publishers"]:
        publisher, count = row["publisher"], row["developments"]
        listed = revised_story.json("log", "--source", publisher)
        assert len(listed) == count, publisher
        assert all(publisher.casefold() in _publishers(e) for e in listed)
        assert revised_story.json("log", "--source", publisher.upper()) == listed
        later = revised_story.json("log", "--source", publisher, "--known-at", "2099-01-01T00:00:00Z")
        assert [e["id"] for e in later] == [e["id"] for e in listed]


def test_a_publisher_nobody_cited_lists_nothing(revised_story):
    assert revised_story.json("log", "--source", "Nobody's Gazette") == []


def test_the_report_counts_its_lists_whole(revised_story):
    report = revised_story.json("sources")
    assert report["single_source_count"] == len(report["single_source"]) > 0
    assert report["no_source_count"] == len(report["no_source"])


def test_an_empty_source_is_refused_in_one_line_and_changes_nothing(revised_story):
    before = revised_story.store.digest()
    result = revised_story("log", "--source", " ")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "chronicle: error: --source: is empty: give a publisher's name, as `chronicle sources` lists them\n"
    )
    assert revised_story.store.digest() == before

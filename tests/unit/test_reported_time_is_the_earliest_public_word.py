"""The reported-time rule, on its own: `reported`, else the earliest open source, else the record time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chronicle.domain.reported import Horizon, future_fields, parse_moment, reported_time, stated_report

RECORDED = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def test_reported_wins_over_sources() -> None:
    data = {"reported": "2024-01-05T14:30Z", "sources": [{"publisher": "AP", "published": "2024-01-01"}]}
    assert reported_time(data, RECORDED) == datetime(2024, 1, 5, 14, 30, tzinfo=UTC)


def test_the_earliest_open_source_counts_and_a_date_counts_from_its_end() -> None:
    data = {
        "sources": [
            {"publisher": "AP", "published": "2024-01-06"},
            {"publisher": "Reuters", "published": "2024-01-05"},
            {"publisher": "informant", "id": "informant", "confidential": True, "published": "2023-01-01"},
        ]
    }
    assert stated_report(data) == "2024-01-05"
    assert reported_time(data, RECORDED) == datetime(2024, 1, 5, 23, 59, 59, 999999, tzinfo=UTC)


def test_without_either_the_record_time_counts() -> None:
    assert reported_time({"sources": [{"publisher": "AP"}]}, RECORDED) == RECORDED


def test_an_offset_is_kept_as_the_same_instant() -> None:
    assert parse_moment("2024-01-05T09:00+01:00") == datetime(2024, 1, 5, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2024-01-05T14:30", "yesterday", "2024-02-30T10:00Z", "\uff15"])
def test_bad_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_moment(text)


def test_future_fields_name_what_lies_ahead() -> None:
    data = {"occurred": "2026-12-04", "reported": "2026-12-03T10:00Z", "sources": [{"publisher": "AP"}]}
    assert future_fields(data, RECORDED) == ["occurred 2026-12-04"]
    assert future_fields(data | {"occurred": "2026-12"}, RECORDED) == []
    assert future_fields(data | {"reported": "2026-12-03T10:01Z"}, RECORDED) == [
        "occurred 2026-12-04",
        "reported 2026-12-03T10:01Z",
    ]


def test_a_horizon_admits_by_both_times() -> None:
    early, late = datetime(2024, 1, 5, tzinfo=UTC), datetime(2024, 1, 7, tzinfo=UTC)
    assert Horizon(reported=early).admits(early, late)
    assert not Horizon(reported=early).admits(late, early)
    assert not Horizon(reported=late, recorded=early).admits(early, late)
    assert not Horizon()
    assert Horizon(recorded=early).describe() == "recorded at 2024-01-05T00:00:00Z"


def test_a_date_only_horizon_is_told_as_its_day() -> None:
    end_of_day = datetime(2024, 1, 6, 23, 59, 59, 999_999, tzinfo=UTC)
    assert Horizon(reported=end_of_day).describe() == "known at 2024-01-06"
    assert Horizon(recorded=end_of_day).describe() == "recorded at 2024-01-06"


def test_the_calendars_last_day_counts_from_its_end_without_overflowing() -> None:
    assert parse_moment("9999-12-31") == datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)
    data = {"sources": [{"publisher": "AP", "published": "9999-12-31"}]}
    assert reported_time(data, RECORDED) == datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)

"""A published head is read from `POSITION:HASH`, refused when malformed, named as lost events when past
the chain, and compared with the history recomputed now: the messages and exit codes `verify --against`
shows, with no store."""

from __future__ import annotations

import pytest

from chronicle.domain.errors import IntegrityFailure, InvalidInput
from chronicle.integrity.heads import HeadCheck, PublishedHead, compare_head, parse_head, require_within

DIGEST = "9f2c" + "0123456789abcdef" * 3 + "a1b2c3d4e5f6"
OTHER = "e" * 64


def test_a_head_is_read_as_position_and_hash_as_given() -> None:
    assert len(DIGEST) == 64
    assert parse_head(f"212:{DIGEST}", label="--against") == PublishedHead(212, DIGEST)
    assert parse_head(f"007:{DIGEST.upper()}", label="--against") == PublishedHead(7, DIGEST.upper())
    assert parse_head(f"0:{'0' * 64}", label="--against") == PublishedHead(0, "0" * 64)
    assert parse_head(f"٢١٢:{DIGEST}", label="--against") == PublishedHead(212, DIGEST)  # as int() reads it


@pytest.mark.parametrize(
    "text",
    [
        "",
        "212",
        DIGEST,
        f":{DIGEST}",
        f"-1:{DIGEST}",
        f"+1:{DIGEST}",
        f" 212:{DIGEST}",
        f"2 12:{DIGEST}",
        f"²:{DIGEST}",  # a digit to str.isdigit, but not one int() reads
        f"212:{DIGEST[:-1]}",
        f"212:{DIGEST}0",
        f"212:{DIGEST}\n",
        f"212;{DIGEST}",
    ],
)
def test_a_malformed_head_is_refused_in_one_line_naming_what_was_given(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_head(text, label="--against")
    assert str(refused.value) == f"--against {text!r}: expected POSITION:HASH (a 64-digit hex hash)"
    assert refused.value.exit_code == 2


def test_the_label_names_where_the_head_came_from() -> None:
    with pytest.raises(InvalidInput, match=r"^the published head 'x': expected POSITION:HASH"):
        parse_head("x", label="the published head")


def test_a_head_past_the_current_one_is_named_as_lost_events() -> None:
    require_within(PublishedHead(212, DIGEST), 212)
    require_within(PublishedHead(0, DIGEST), 0)
    with pytest.raises(IntegrityFailure) as refused:
        require_within(PublishedHead(213, DIGEST), 212)
    assert str(refused.value) == "the log has lost events since the head you published (213 -> 212)"
    assert refused.value.exit_code == 3


def test_an_unchanged_history_is_confirmed_with_the_published_hash_shortened() -> None:
    check = compare_head(PublishedHead(212, DIGEST), DIGEST, 212)
    assert check == HeadCheck(position=212, expected=DIGEST, actual=DIGEST, events=212)
    assert check.ok and check.exit_code == 0
    assert check.message == "OK: the 212 events up to position 212 are unchanged since 212:9f2c01234567…"
    assert check.as_json() == {"position": 212, "expected": DIGEST, "actual": DIGEST, "events": 212, "ok": True}
    assert list(check.as_json()) == ["position", "expected", "actual", "events", "ok"]


def test_a_hash_published_in_capitals_still_matches_and_is_quoted_as_given() -> None:
    check = compare_head(parse_head(f"007:{DIGEST.upper()}", label="--against"), DIGEST, 7)
    assert check.ok and check.exit_code == 0
    assert check.message == "OK: the 7 events up to position 7 are unchanged since 7:9F2C01234567…"
    assert check.as_json()["expected"] == DIGEST.upper()


def test_a_changed_history_is_an_integrity_failure_quoting_the_whole_head() -> None:
    check = compare_head(PublishedHead(212, DIGEST), OTHER, 212)
    assert not check.ok and check.exit_code == 3
    assert check.message == f"history up to position 212 differs from the published head 212:{DIGEST}"
    assert check.as_json() == {"position": 212, "expected": DIGEST, "actual": OTHER, "events": 212, "ok": False}


def test_a_hash_of_the_right_length_but_not_hex_is_a_history_that_differs() -> None:
    published = parse_head(f"5:{'z' * 64}", label="--against")
    check = compare_head(published, DIGEST, 5)
    assert not check.ok and check.exit_code == 3

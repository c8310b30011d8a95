"""A correction that changes a number but not the summary is said beside the summary; one that
rewrites the summary needs no note."""

from __future__ import annotations

from chronicle.domain.corrections import changed_fields, correction_note, with_note

TROOPS = {"type": "figure_reported", "summary": "North has 2,500 troops", "value": 2500, "sources": []}


def test_a_changed_figure_is_marked_beside_the_summary() -> None:
    corrected = TROOPS | {"value": 2600}
    assert with_note(TROOPS["summary"], TROOPS, corrected) == (
        "North has 2,500 troops [corrected: value 2,500 -> 2,600]"
    )


def test_a_correction_that_rewrote_the_summary_needs_no_note() -> None:
    corrected = TROOPS | {"value": 2600, "summary": "North has 2,600 troops"}
    assert correction_note(TROOPS, corrected) == ""


def test_an_uncorrected_development_has_no_note() -> None:
    assert correction_note(TROOPS, dict(TROOPS)) == ""


def test_only_sources_or_confidence_changed_is_not_a_contradiction() -> None:
    assert correction_note(TROOPS, TROOPS | {"sources": [{"publisher": "AP"}], "confidence": "confirmed"}) == ""


def test_several_fields_are_listed_in_their_order_and_new_ones_count() -> None:
    strike = {"summary": "A strike", "occurred": "2024-01", "deaths": 1}
    corrected = {"summary": "A strike", "occurred": "2024-01-04", "deaths": 2, "injured": 7}
    assert changed_fields(strike, corrected) == ["occurred", "deaths", "injured"]
    assert correction_note(strike, corrected) == (
        " [corrected: occurred 2024-01 -> 2024-01-04; deaths 1 -> 2; injured null -> 7]"
    )


def test_a_long_text_is_cut() -> None:
    said = {"summary": "s", "text": "short"}
    note = correction_note(said, {"summary": "s", "text": "x" * 500})
    assert len(note) < 120 and note.endswith("...]")

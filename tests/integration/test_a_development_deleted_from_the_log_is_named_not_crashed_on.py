"""The views read a development's body from its event. If someone deletes that event from the log by hand,
a read that needs the body says so in one line and points to `verify` (never a traceback), and changes
nothing; `verify` names the hole, and a rebuild from what the log still holds serves reads again."""

from __future__ import annotations

RECORDED = "chronicle.domain.events:DevelopmentRecorded"


def test_a_read_of_a_deleted_development_points_to_verify(story, store):
    assert story.json("show", "actor", "us", "--as-of", "2024-02-01")["attacks_suffered"] == 1
    # the attack on U.S. personnel, recorded and caught up, then removed from the log behind its back
    store.sql(
        "DELETE FROM {events} WHERE originator_id = ? AND topic = ?", ("development:attacks-on-us-personnel", RECORDED)
    )
    before = store.digest()

    for args in (
        ("show", "actor", "us", "--as-of", "2024-02-01"),
        ("log",),
        ("show", "actor", "us", "--known-at", "2030-01-01"),
    ):
        result = story(*args)
        assert result.exit_code == 1, args
        assert result.stderr.strip().splitlines() == [
            "chronicle: error: the log has no event where the timeline has a development: `chronicle verify` says more"
        ], args
        assert store.digest() == before, args

    verified = story("verify")
    assert verified.exit_code != 0 and "missing from the log" in verified.stderr

    story.ok("replay")  # from what the log still holds: the attack is gone from the story
    assert story.json("show", "actor", "us", "--as-of", "2024-02-01")["attacks_suffered"] == 0

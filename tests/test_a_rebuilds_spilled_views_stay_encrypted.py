"""A rebuild folding in a second process spills views to a throwaway file past its cap: in an encrypted
store they are written there encrypted, as the store's own tables are, and read back whole."""

from __future__ import annotations

from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment

from chronicle.projections.rebuilding import TempSpill


def _cipher() -> AESCipher:
    return AESCipher(Environment(env={"CIPHER_KEY": AESCipher.create_key(32)}))


def test_spilled_views_of_an_encrypted_store_hold_no_plaintext(tmp_path):
    spill = TempSpill(str(tmp_path), _cipher())
    view = {"id": "informant-network", "name": "Minister's aide", "aliases": ["the aide"]}
    spill.write([("actor:informant-network", [view, {"registered": ["2024-01-04", 7]}, ("2024-01-04", 7)])])
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"Minister" not in raw and b"the aide" not in raw
    assert spill.read("actor:informant-network") == [view, {"registered": ["2024-01-04", 7]}, ("2024-01-04", 7)]
    assert list(spill.everything()) == [("actor:informant-network", spill.read("actor:informant-network"))]


def test_spilled_views_of_a_plain_store_read_back_whole(tmp_path):
    spill = TempSpill(str(tmp_path))
    spill.write([("negotiation:exit", [{"id": "exit", "rounds": 2}, {}, ("", 0)])])
    assert spill.read("negotiation:exit") == [{"id": "exit", "rounds": 2}, {}, ("", 0)]
    assert spill.read("negotiation:truce") is None


def _step(ident: str, occurred: str, sources: list[dict[str, str]]) -> bytes:
    import orjson

    return orjson.dumps(
        {"id": ident, "type": "statement", "occurred": occurred, "summary": f"{ident} said", "sources": sources}
    )


def test_a_negotiations_kept_steps_are_encrypted_and_refold_in_story_order(tmp_path):
    """The folder keeps each negotiation's steps, to refold it in story order if it turns stale: as the
    views, they hold no plaintext in an encrypted store; recorded late but earlier in the story, a step
    still folds first."""
    spill = TempSpill(str(tmp_path), _cipher())
    secret = [{"publisher": "Minister's aide"}]
    spill.keep_steps(
        [
            ("negotiation:exit", "2024-01-20", 3, _step("later-in-story", "2024-01-20", secret)),
            ("negotiation:exit", "2024-01-05", 9, _step("earlier-in-story", "2024-01-05", secret)),
        ]
    )
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"Minister" not in raw and b"later-in-story" not in raw
    view, facts, last = spill.refold("negotiation:exit")
    assert facts["first"] == ["2024-01-05", 9]
    assert view["first_development"]["id"] == "earlier-in-story"
    assert view["last_development"]["id"] == "later-in-story"
    assert view["developments"] == 2 and last == ("2024-01-20", 3)

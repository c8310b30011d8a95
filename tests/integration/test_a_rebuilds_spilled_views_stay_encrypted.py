"""A rebuild folding in a second process spills views to a throwaway file past its cap: in an encrypted
store they are written there encrypted, as the store's own tables are, and read back whole."""

from __future__ import annotations

import sqlite3

from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment

from chronicle.projections.sql.apart import TempSpill


def _file(directory) -> sqlite3.Connection:
    """The spill's database as a file that stays, to read its bytes (the folder's is unlinked at once)."""
    return sqlite3.connect(directory / "views.db", isolation_level=None)


def _cipher() -> AESCipher:
    return AESCipher(Environment(env={"CIPHER_KEY": AESCipher.create_key(32)}))


def test_spilled_views_of_an_encrypted_store_hold_no_plaintext(tmp_path):
    spill = TempSpill(_file(tmp_path), _cipher())
    view = {"id": "informant-network", "name": "Minister's aide", "aliases": ["the aide"]}
    spill.write([("actor:informant-network", [view, {"registered": ["2024-01-04", 7]}, ("2024-01-04", 7)])])
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"Minister" not in raw and b"the aide" not in raw
    assert spill.read("actor:informant-network") == [view, {"registered": ["2024-01-04", 7]}, ("2024-01-04", 7)]
    assert list(spill.everything()) == [("actor:informant-network", spill.read("actor:informant-network"))]


def test_spilled_views_of_a_plain_store_read_back_whole(tmp_path):
    spill = TempSpill(_file(tmp_path))
    spill.write([("negotiation:exit", [{"id": "exit", "rounds": 2}, {}, ("", 0)])])
    assert spill.read("negotiation:exit") == [{"id": "exit", "rounds": 2}, {}, ("", 0)]
    assert spill.read("negotiation:truce") is None

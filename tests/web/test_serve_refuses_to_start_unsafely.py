"""`chronicle serve` refuses, in one line and before listening, a bind off loopback without a token, a
store it cannot reach, and an encrypted store without its key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def _one_line(result: Any, code: int) -> str:
    assert result.exit_code == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chronicle: error: "), result.stderr
    return str(lines[0])


def test_a_bind_off_loopback_needs_a_token(story: Any, tmp_path: Path) -> None:
    line = _one_line(story("serve", "--host", "0.0.0.0"), 2)
    assert "--token-file" in line
    short = tmp_path / "token"
    short.write_text("abc\n")
    assert "16 or more" in _one_line(story("serve", "--host", "0.0.0.0", "--token-file", str(short)), 2)
    assert "--token-file" in _one_line(story("serve", "--token-file", str(tmp_path / "absent")), 2)


def test_an_unreachable_store_is_refused(cli: Any, tmp_path: Path) -> None:
    line = _one_line(cli("serve", "--store", "postgresql://nobody@127.0.0.1:1/nothing"), 1)
    assert "cannot use PostgreSQL store" in line
    assert "absent.db" in _one_line(cli("serve", "--store", str(tmp_path / "absent.db")), 1)


def test_an_encrypted_store_without_its_key_is_refused(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from chronicle.service.settings import new_key

    monkeypatch.setenv("CHRONICLE_KEY", new_key())
    cli.ok("init", "--encrypt")
    monkeypatch.delenv("CHRONICLE_KEY")
    assert "is encrypted" in _one_line(cli("serve"), 1)


def test_a_port_in_use_is_refused_in_one_line(story: Any) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert "cannot listen on 127.0.0.1" in _one_line(story("serve", "--port", str(port)), 1)

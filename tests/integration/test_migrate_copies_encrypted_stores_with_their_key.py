"""`migrate` copies an encrypted store whichever way the key is given, and a store's confidential sources
with their keys: the copy reads as the original, encrypted with the same key, and verifies."""

from __future__ import annotations

import json

import pytest
from helpers import SEED, Cli, StoreRef

CONFIDENTIAL = {
    "type": "statement",
    "id": "informant-says",
    "occurred": "2024-01-06",
    "summary": "An informant describes the talks",
    "by": "us",
    "text": "t",
    "sources": [{"publisher": "Informant seven", "id": "informant-7", "confidential": True}],
}


def _source(tmp_path, name: str, env: dict[str, str], *, encrypt: bool) -> Cli:
    path = tmp_path / f"{name}.db"
    cli = Cli(StoreRef("sqlite", f"sqlite:///{path}", path=path))
    cli.ok("init", *(["--encrypt"] if encrypt else []))
    cli.ok("append", "--file", str(SEED))
    cli.ok("append", "--file", "-", input=json.dumps(CONFIDENTIAL) + "\n")
    return cli


@pytest.fixture
def key(tmp_path) -> tuple[str, str]:
    from chronicle.service.settings import new_key

    value = new_key()
    path = tmp_path / "key"
    path.write_text(value)
    path.chmod(0o600)
    return value, str(path)


@pytest.mark.parametrize("how", ["--key-file", "CHRONICLE_KEY", "CHRONICLE_KEY_FILE"])
def test_an_encrypted_store_is_copied_with_its_key(tmp_path, store, key, how, monkeypatch):
    value, path = key
    args: list[str] = []
    if how == "--key-file":
        args = ["--key-file", path]
    elif how == "CHRONICLE_KEY":
        monkeypatch.setenv("CHRONICLE_KEY", value)
    else:
        monkeypatch.setenv("CHRONICLE_KEY_FILE", path)
    if how == "--key-file":
        monkeypatch.setenv("CHRONICLE_KEY", value)  # only to build the source store
    source = _source(tmp_path, "source", {}, encrypt=True)
    expected = source.jsonl("log")
    published = source.ok("verify", "--root").stdout.strip()
    if how == "--key-file":
        monkeypatch.delenv("CHRONICLE_KEY")
    result = source.ok(*args, "migrate", "--from", source.store.url, "--to", store.url)
    assert result.stdout.strip() == published
    target = Cli(store)
    opened = target(*args, "log", "--jsonl")
    assert opened.exit_code == 0, opened.stderr
    assert [json.loads(line) for line in opened.stdout.splitlines() if line] == expected
    assert target(*args, "verify", "--against", published).exit_code == 0
    monkeypatch.delenv("CHRONICLE_KEY", raising=False)
    monkeypatch.delenv("CHRONICLE_KEY_FILE", raising=False)
    refused = target("log")
    assert refused.exit_code == 1 and "is encrypted" in refused.stderr


def test_confidential_sources_of_a_plain_store_survive_the_copy(tmp_path, store):
    source = _source(tmp_path, "plain", {}, encrypt=False)
    expected = next(d for d in source.jsonl("log") if d["id"] == "informant-says")
    assert expected["sources"][0]["publisher"] == "Informant seven"
    source.ok("migrate", "--from", source.store.url, "--to", store.url)
    copied = next(d for d in Cli(store).jsonl("log") if d["id"] == "informant-says")
    assert copied == expected
    Cli(store).ok("redact", "source", "informant-7", "--reason", "burned")

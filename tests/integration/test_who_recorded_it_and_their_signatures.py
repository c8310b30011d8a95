"""Who recorded each development, on both backends: named by log, blame and show; and their signatures,
checked by verify (a key never registered, a revoked key, a forged signature), refused when required."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

import pytest
from helpers import SEED, Cli, Result

from chronicle.service.mapper import seal

NOTE = ["statement", "--occurred", "2024-01-06", "--by", "us", "--text", "A note", "--source", "Reuters"]


def _note(cli: Cli, ident: str, *extra: str) -> Result:
    return cli("append", *NOTE, "--id", ident, "--summary", f"The note {ident}", *extra)


def _key(cli: Cli, tmp_path: Path, name: str) -> tuple[Path, Path]:
    private, public = tmp_path / f"{name}.key", tmp_path / f"{name}.pub"
    made = cli("key", "new", "--signing", "--name", name, store=False)
    assert made.exit_code == 0 and "fingerprint" in made.stderr
    private.write_text(made.stdout)
    private.chmod(0o600)
    public.write_text(cli("key", "public", "--key-file", str(private), store=False).stdout)
    return private, public


def _entries(cli: Cli, *args: str) -> list[dict[str, object]]:
    return cli.jsonl("log", *args)


def _ids(cli: Cli, *args: str) -> list[str]:
    return [str(entry["id"]) for entry in _entries(cli, *args)]


def test_two_analysts_on_one_store_are_named_by_log_blame_and_show(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHRONICLE_ANALYST", raising=False)
    cli.ok("init")
    cli.ok("append", "--file", str(SEED), "--as", "alice")
    monkeypatch.setenv("CHRONICLE_ANALYST", "bob")
    assert _note(cli, "bob-note").exit_code == 0
    monkeypatch.delenv("CHRONICLE_ANALYST")
    assert _note(cli, "unnamed-note").exit_code == 0

    seeded = [json.loads(line)["id"] for line in SEED.read_text().splitlines()]
    assert sorted(_ids(cli, "--by-analyst", "alice")) == sorted(seeded)
    assert _ids(cli, "--by-analyst", "bob") == ["bob-note"]
    # Nobody named: the PostgreSQL role the store was opened as, else the user running the command.
    fallback = "chronicle" if cli.store.backend == "postgres" else getpass.getuser()
    assert _ids(cli, "--by-analyst", fallback) == ["unnamed-note"]
    assert all(entry["recorded_by"] for entry in _entries(cli))

    blame = cli.ok("blame", "actor", "us").stdout
    assert "<- reg-us (2024-01-04; Reuters; recorded by alice " in blame
    assert " by bob\n" in cli.ok("show", "development", "bob-note").stdout
    assert " by alice · Reuters" in cli.ok("history", "actor", "us").stdout


def test_signed_appends_verify_and_every_bad_signature_is_named(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init", "--as", "lead")
    alice_key, alice_pub = _key(cli, tmp_path, "alice")
    mallory_key, _ = _key(cli, tmp_path, "mallory")
    cli.ok("analyst", "add", "alice", "--public-key", str(alice_pub), "--as", "lead")
    cli.ok("append", "--file", str(SEED), "--as", "alice", "--signing-key", str(alice_key))
    assert cli("verify").exit_code == 0

    # A key the store never registered.
    assert _note(cli, "mallory-note", "--as", "mallory", "--signing-key", str(mallory_key)).exit_code == 0
    unregistered = cli("verify")
    assert unregistered.exit_code == 3
    assert "development mallory-note: signed by key" in unregistered.stderr
    assert "not registered then" in unregistered.stderr

    # A key revoked: what it signed before stays valid, what it signed after is named.
    cli.ok("analyst", "revoke", "alice", "--as", "lead")
    assert _note(cli, "alice-late", "--as", "alice", "--signing-key", str(alice_key)).exit_code == 0
    revoked = cli("verify", "--json")
    assert revoked.exit_code == 3
    problems = json.loads(revoked.stdout)["problems"]
    assert any("development alice-late: signed by alice's key" in p and "revoked at position" in p for p in problems)
    assert not any(ident in " ".join(problems) for ident in ("reg-us", "us-strike-baghdad"))


def test_a_forged_signature_is_named_even_with_its_seal_recomputed(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init", "--as", "lead")
    key, pub = _key(cli, tmp_path, "alice")
    cli.ok("analyst", "add", "alice", "--public-key", str(pub))
    cli.ok("append", "--file", str(SEED), "--as", "alice", "--signing-key", str(key))
    assert _note(cli, "signed-note", "--as", "alice", "--signing-key", str(key)).exit_code == 0
    assert cli("verify").exit_code == 0

    store = cli.store
    rows = store.sql("SELECT {id}, originator_id, originator_version, topic, state FROM {events}")
    ident, originator, version, topic, state = next(r for r in rows if b'"id":"signed-note"' in bytes(r[4]))
    payload = bytes(state)[: bytes(state).rindex(b',"sha256":')] + b"}"
    at = payload.index(b'"value":"') + len(b'"value":"')
    forged = payload[:at] + (b"B" if payload[at : at + 1] != b"B" else b"C") + payload[at + 1 :]
    resealed = seal(str(originator), int(version), str(topic), forged)
    store.sql("UPDATE {events} SET state = ? WHERE {id} = ?", (resealed, ident))

    result = cli("verify")
    assert result.exit_code == 3
    assert "development signed-note: signature does not match (forged or altered)" in result.stderr


def test_a_store_that_requires_signatures_refuses_an_unsigned_append(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init", "--require-signatures", "--as", "lead")
    key, pub = _key(cli, tmp_path, "alice")
    cli.ok("analyst", "add", "alice", "--public-key", str(pub))
    before = cli.store.digest()
    refused = cli("append", "--file", str(SEED))
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert "this store requires signed appends" in refused.stderr
    assert cli.store.digest() == before
    cli.ok("append", "--file", str(SEED), "--as", "alice", "--signing-key", str(key))
    assert cli("verify").exit_code == 0


def test_bad_keys_and_names_are_refused_in_one_line_and_write_nothing(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    cli.ok("append", "--file", str(SEED))
    key, _ = _key(cli, tmp_path, "alice")
    loose = tmp_path / "loose.key"
    loose.write_text(key.read_text())
    loose.chmod(0o644)
    junk = tmp_path / "junk.key"
    junk.write_text("not a key at all\n")
    junk.chmod(0o600)
    before = cli.store.digest()
    for args, words in [
        (["--signing-key", str(loose)], "readable by others"),
        (["--signing-key", str(junk)], "is not a signing key"),
        (["--as", "Not A Slug"], "an analyst's name is a slug"),
    ]:
        result = _note(cli, "refused-note", *args)
        assert result.exit_code == 2, args
        assert words in result.stderr and result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr
    not_public = cli("analyst", "add", "zed", "--public-key", str(key))
    assert not_public.exit_code == 2 and "is not a public key" in not_public.stderr
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    other_curve = tmp_path / "p256.pub"
    other_curve.write_bytes(
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    not_ed25519 = cli("analyst", "add", "zed", "--public-key", str(other_curve))
    assert (not_ed25519.exit_code, not_ed25519.stderr) == (
        2,
        f"chronicle: error: public key file {other_curve} is not an Ed25519 public key\n",
    )
    assert cli.store.digest() == before
    assert os.stat(key).st_mode & 0o777 == 0o600


def test_a_signed_head_verifies_and_one_changed_byte_does_not(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    key, pub = _key(cli, tmp_path, "alice")
    cli.ok("analyst", "add", "alice", "--public-key", str(pub))
    cli.ok("append", "--file", str(SEED), "--as", "alice", "--signing-key", str(key))
    line = cli.ok("verify", "--root", "--sign", str(key)).stdout
    assert line.count("\n") == 1
    head = json.loads(line)
    assert (
        head["signer"] == "alice" and f"{head['position']}:{head['hash']}" == cli.ok("verify", "--root").stdout.strip()
    )
    published = tmp_path / "head.json"
    published.write_text(line)
    assert cli("verify", "--against", str(published)).exit_code == 0
    assert cli("verify", "--against", line.strip()).exit_code == 0
    _note(cli, "later-note")  # the story goes on: the published head still holds
    assert cli("verify", "--against", str(published)).exit_code == 0

    for field, changed in [
        ("time", head["time"].replace("2", "3", 1)),
        ("hash", ("1" if head["hash"][0] == "0" else "0") + head["hash"][1:]),
    ]:
        altered = tmp_path / f"altered-{field}.json"
        altered.write_text(json.dumps({**head, field: changed}))
        result = cli("verify", "--against", str(altered))
        assert result.exit_code == 3, field
        assert "does not match its signature" in result.stderr and result.stderr.count("\n") == 1

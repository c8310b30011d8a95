"""A confidential source is sealed with its own key; redaction destroys the key, and history still verifies."""

from __future__ import annotations

import json

from helpers import PG_URL

INSIDER = {"publisher": "Ministry insider Qx", "authors": ["Jane Doevsky"], "id": "informant-7", "confidential": True}
LEAKS = [
    {
        "type": "statement",
        "id": "leak-1",
        "occurred": "2024-01-06",
        "summary": "An official says talks will open soon",
        "by": "iraq-government",
        "text": "Talks will open within weeks.",
        "sources": [INSIDER, {"publisher": "AP"}],
    },
    {
        "type": "statement",
        "id": "leak-2",
        "occurred": "2024-01-07",
        "summary": "The insider again: a date is set",
        "by": "iraq-government",
        "text": "A date is set.",
        "sources": [{k: v for k, v in INSIDER.items() if k != "authors"}],
    },
]


def _jsonl(rows: list[dict[str, object]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


def _raw(store) -> bytes:
    if store.path is not None:
        return b"".join(p.read_bytes() for p in store.path.parent.glob(store.path.name + "*"))
    import psycopg

    out = []
    with psycopg.connect(PG_URL) as conn:
        for (table,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema=%s", (store.schema,)
        ).fetchall():
            for row in conn.execute(f'SELECT * FROM "{store.schema}"."{table}"'):
                out += [bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in row]
    return b"\n".join(out)


def _sources(cli, dev_id: str) -> list[dict[str, object]]:
    return next(e for e in cli.jsonl("log") if e["id"] == dev_id)["sources"]


def test_a_confidential_source_needs_an_id(story):
    line = dict(LEAKS[0], sources=[{"publisher": "x", "confidential": True}])
    result = story("append", "--file", "-", input=_jsonl([line]))
    assert result.exit_code == 2
    assert "a confidential source needs an id" in result.stderr


def test_the_log_holds_only_ciphertext_but_readers_with_the_key_see_the_source(story):
    story.ok("append", "--file", "-", input=_jsonl(LEAKS))
    sources = _sources(story, "leak-1")
    assert sources[0]["publisher"] == "Ministry insider Qx" and sources[0]["authors"] == ["Jane Doevsky"]
    assert sources[1]["publisher"] == "AP"
    raw = _raw(story.store)
    assert b"Ministry insider Qx" not in raw and b"Jane Doevsky" not in raw
    assert story.json("show", "actor", "iraq-government")["corroboration"]  # counted, by id


def test_redaction_reads_as_redacted_everywhere_and_history_still_verifies(story, tmp_path):
    story.ok("append", "--file", "-", input=_jsonl(LEAKS))
    published = story.ok("verify", "--root").stdout.strip()
    redaction = story.ok(
        "redact", "source", "informant-7", "--reason", "the source asked to be protected", "--as", "desk-editor"
    )
    assert redaction.stdout.startswith("source-redacted-")
    recorded = next(e for e in story.jsonl("log") if e["type"] == "source_redacted")
    assert recorded["recorded_by"] == "desk-editor"  # who redacted is on the record

    for dev_id in ("leak-1", "leak-2"):
        shown = _sources(story, dev_id)[0]
        assert shown["publisher"] == "[redacted]" and shown["authors"] == [] and shown["id"] == "informant-7"
    leak = next(e for e in story.jsonl("log") if e["id"] == "leak-1")
    assert leak["text"] == "Talks will open within weeks." and leak["sources"][1]["publisher"] == "AP"
    assert "Ministry insider Qx" not in story.ok("history", "actor", "iraq-government", "--json").stdout
    exported = tmp_path / "story.csv"
    story.ok("export", "--format", "csv", "-o", str(exported))
    assert "Ministry insider Qx" not in exported.read_text() and "[redacted]" in exported.read_text()
    assert any(e["type"] == "source_redacted" and e["source"] == "informant-7" for e in story.jsonl("log"))

    assert story.ok("verify").stdout.startswith("OK:")
    assert story.ok("verify", "--against", published).stdout.startswith("OK:")
    assert story.store.sql("SELECT count(*) FROM {s}chronicle_source_keys WHERE source_id = 'informant-7'") == [(0,)]
    assert b"Ministry insider Qx" not in _raw(story.store)


def test_redacting_an_unknown_source_is_a_clear_error(story):
    before = story.store.digest()
    result = story("redact", "source", "nobody", "--reason", "r")
    assert result.exit_code == 1
    assert result.stderr.strip() == "chronicle: error: no confidential source 'nobody' with a key in this store"
    assert story.store.digest() == before

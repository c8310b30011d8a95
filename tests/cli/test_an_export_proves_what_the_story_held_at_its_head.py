"""`verify --export FILE`: an export carries the head it was made from, and is proved against it later."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import LATER, Cli

from chronicle.exports import stamp

FORMATS = ("jsonl", "csv", "markdown", "timelinejs", "html", "png", "svg", "geojson")
ASKED = {
    "now": (),
    "then": ("--actor", "us", "--known-at", "2024-01-05T18:00"),
    "as of": ("--as-of", "2024-01-05", "--negotiation", "coalition-exit", "--title", "Talks -- so far"),
}


def _export(cli: Cli, tmp_path: Path, fmt: str, *args: str) -> Path:
    target = tmp_path / f"{fmt}-{len(args)}.out"
    cli.ok("export", "--format", fmt, *args, "-o", str(target))
    return target


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_untouched_export_is_proved_in_one_line(story: Cli, tmp_path: Path, fmt: str) -> None:
    exported = _export(story, tmp_path, fmt)
    head = story.ok("verify", "--root").stdout.strip()
    result = story.ok("verify", "--export", str(exported))
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"OK: {exported} is exactly the {fmt} export of head ")
    assert head.startswith(lines[0].split("head ")[1].split("…")[0])


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_still_proves_what_the_story_held_after_later_appends(story: Cli, tmp_path: Path, fmt: str) -> None:
    exported = {name: _export(story, tmp_path, fmt, *args) for name, args in ASKED.items()}
    story.ok("append", "--file", str(LATER))  # a correction, a retraction and a new development
    for name, path in exported.items():
        result = story("verify", "--export", str(path))
        assert result.exit_code == 0, f"{name}: {result.stderr}"
    # The story did change: the same export made now is another file.
    (tmp_path / "later").mkdir()
    assert _export(story, tmp_path / "later", fmt).read_bytes() != exported["now"].read_bytes()


@pytest.mark.parametrize("fmt", ("jsonl", "csv", "markdown", "timelinejs", "html", "svg"))
def test_one_character_changed_is_named_with_its_line_and_exit_3(story: Cli, tmp_path: Path, fmt: str) -> None:
    exported = _export(story, tmp_path, fmt)
    text = exported.read_bytes()
    assert text.count(b"Baghdad") >= 1
    exported.write_bytes(text.replace(b"Baghdad", b"Baghdaz", 1))
    line = text[: text.index(b"Baghdad")].count(b"\n") + 1
    result = story("verify", "--export", str(exported))
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert f"is not the {fmt} export of head" in result.stderr and f"line {line} differs" in result.stderr
    assert "Baghdaz" in result.stderr


def test_a_png_with_one_byte_changed_fails(story: Cli, tmp_path: Path) -> None:
    exported = _export(story, tmp_path, "png")
    data = bytearray(exported.read_bytes())
    data[200] ^= 1
    exported.write_bytes(bytes(data))
    assert story("verify", "--export", str(exported)).exit_code == 3


def test_a_changed_embedded_head_is_an_integrity_failure(story: Cli, tmp_path: Path) -> None:
    exported = _export(story, tmp_path, "markdown")
    found = stamp.find(exported.read_bytes())
    assert found is not None
    digit = "1" if found.hash[0] != "1" else "2"
    exported.write_text(exported.read_text().replace(found.hash, digit + found.hash[1:]))
    result = story("verify", "--export", str(exported))
    assert result.exit_code == 3 and "differs from the published head" in result.stderr


@pytest.mark.parametrize("content", [b"date,type\n2024-01-04,strike\n", b"", b"{}", b"\x89PNG\r\n\x1a\n"])
def test_a_file_with_no_embedded_head_is_one_line_and_exit_2(story: Cli, tmp_path: Path, content: bytes) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_bytes(content)
    result = story("verify", "--export", str(plain))
    assert result.exit_code == 2 and result.stdout == ""
    assert (
        result.stderr
        == f"chronicle: error: {plain}: no embedded head: not a Chronicle export, or made before exports carried one\n"
    )


def test_a_missing_file_is_one_line_and_exit_2(story: Cli, tmp_path: Path) -> None:
    result = story("verify", "--export", str(tmp_path / "nowhere.html"))
    assert result.exit_code == 2 and result.stderr.startswith("chronicle: error: cannot read ")


def test_the_head_names_the_time_coordinates_asked_and_null_for_the_others(story: Cli, tmp_path: Path) -> None:
    found = stamp.find(_export(story, tmp_path, "timelinejs", *ASKED["then"]).read_bytes())
    assert found is not None
    assert (found.as_of, found.known_at, found.recorded_at) == (None, "2024-01-05T18:00:00.000000+00:00", None)
    document = json.loads(_export(story, tmp_path, "timelinejs").read_bytes())
    assert document[stamp.KEY]["as_of"] is None and document[stamp.KEY]["head"]["position"] == found.position


def test_csv_keeps_its_head_beside_it_and_stays_plain_rows(story: Cli, tmp_path: Path) -> None:
    exported = _export(story, tmp_path, "csv")
    side = Path(str(exported) + stamp.SIDE_SUFFIX)
    assert stamp.read_side_file(side.read_bytes()) is not None
    assert b"chronicle_export" not in exported.read_bytes()  # the head is beside the rows, not among them
    story.ok("verify", "--export", str(exported))
    side.unlink()
    assert story("verify", "--export", str(exported)).exit_code == 2


def test_a_jsonl_export_with_its_head_imports_and_validates(story: Cli, tmp_path: Path) -> None:
    exported = _export(story, tmp_path, "jsonl")
    assert b'{"chronicle_export":' in exported.read_bytes().splitlines()[-1]
    assert story.ok("validate", str(exported)).exit_code == 0

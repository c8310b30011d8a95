"""`export -o` onto what is already there: a regular file is replaced whole (never half-written), a symlink
is written through and kept, a FIFO or a device is written to in place (never replaced), a directory is
refused in one line."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest


@pytest.fixture
def seeded(story):
    return story


def test_an_existing_file_is_replaced_whole(seeded, tmp_path):
    target = tmp_path / "story.jsonl"
    target.write_text("old\n")
    seeded.ok("export", "--format", "jsonl", "-o", str(target))
    assert target.read_text().startswith('{"id"') and "old" not in target.read_text()


def test_a_symlink_is_written_through_and_kept(seeded, tmp_path):
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    seeded.ok("export", "--format", "jsonl", "-o", str(link))
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith('{"id"')


def test_a_dangling_symlink_creates_the_file_it_names(seeded, tmp_path):
    real = tmp_path / "later.md"
    link = tmp_path / "link.md"
    link.symlink_to(real)
    seeded.ok("export", "-o", str(link))
    assert link.is_symlink() and real.read_text().startswith("# ")


def test_a_fifo_is_written_to_in_place(seeded, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    seeded.ok("export", "--format", "jsonl", "-o", str(fifo))
    reader.join(10)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received and received[0].startswith(b'{"id"')


def _device(tmp_path: Path, name: str, minor: int) -> Path:
    """A memory device node of our own (1,3 is null, 1,7 is full): the system's are never put at risk."""
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    node = tmp_path / name
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    return node


def test_a_device_is_written_to_never_replaced(seeded, tmp_path):
    null = _device(tmp_path, "null", 3)
    seeded.ok("export", "--format", "jsonl", "-o", str(null))
    assert stat.S_ISCHR(null.lstat().st_mode)


def test_a_full_device_is_one_line_and_stays_a_device(seeded, tmp_path):
    full = _device(tmp_path, "full", 7)
    result = seeded("export", "--format", "html", "-o", str(full))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"chronicle: error: cannot write {full}: No space left on device"
    assert stat.S_ISCHR(full.lstat().st_mode)


def test_a_directory_is_refused(seeded, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    result = seeded("export", "--format", "jsonl", "-o", str(folder))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"chronicle: error: cannot write {folder}: it is a directory"
    assert list(folder.iterdir()) == []

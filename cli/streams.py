"""Standard input and output as a command meets them: closed, full or broken, always one line.

A full disk behind stdout (`> /dev/full`) must read as an output failure, not as a store error or an
internal error, wherever the write happens: inside a store's read, in an export, or at the final flush."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from chronicle.domain.errors import ChronicleError, InvalidInput


class OutputFailed(ChronicleError):
    """Standard output cannot be written (exit 1); deliberately not an OSError, so no store error
    handler takes it for a fault of the store."""


class _GuardedRaw(io.RawIOBase):
    """The raw standard output, whose write errors become `OutputFailed` (a broken pipe stays as it is)."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        try:
            return int(self.raw.write(data))
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputFailed(f"cannot write the output: {error.strerror or error}") from None

    def isatty(self) -> bool:
        return bool(self.raw.isatty())

    def fileno(self) -> int:
        return int(self.raw.fileno())


def guard_stdout() -> None:
    """Replace `sys.stdout` by the same stream whose write errors are one-line output failures."""
    current = sys.stdout
    buffer = getattr(current, "buffer", None)
    # Python leaves a device's stdout unbuffered: its `buffer` is then the raw file itself.
    raw = buffer if isinstance(buffer, io.FileIO) else getattr(buffer, "raw", None)
    if not isinstance(raw, io.FileIO):  # not a real file (a test runner's capture): nothing to guard
        return
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(_GuardedRaw(raw)),
        encoding=current.encoding,
        errors=current.errors,
        line_buffering=bool(current.line_buffering),
    )


_kept: list[BinaryIO] = []  # standard input, copied aside by `keep_stdin` so it can be read again


def stdin_bytes() -> BinaryIO:
    """Standard input as bytes, or a one-line refusal when it is closed (`<&-`)."""
    if _kept:
        _kept[0].seek(0)
        return _kept[0]
    stream = sys.stdin
    if stream is None or getattr(stream, "buffer", None) is None:
        raise InvalidInput("cannot read standard input: it is closed")
    return stream.buffer


@contextmanager
def kept_stdin() -> Iterator[None]:
    """Copy standard input to a temporary file (on disk: memory stays flat), so a second reading, with
    names resolved, sees the same bytes; inside, `stdin_bytes` reads the copy."""
    import shutil
    import tempfile

    with tempfile.TemporaryFile() as copy:
        shutil.copyfileobj(stdin_bytes(), copy, 1 << 20)
        _kept.append(copy)
        try:
            yield
        finally:
            _kept.clear()


_failed: list[str] = []  # the output failure already reported, so it is said once


def note_failure(message: str) -> bool:
    """Remember an output failure; whether it is the first (and so still to be said)."""
    first = not _failed
    _failed.append(message)
    return first


def settle_stdout(failed: OutputFailed | None = None) -> bool:
    """Flush standard output; on failure say so once, drop what is left, and return False."""
    try:
        if failed is not None:
            raise failed
        sys.stdout.flush()
        return not _failed
    except OutputFailed as error:
        if note_failure(str(error)):
            print(f"chronicle: error: {error}", file=sys.stderr)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (what is left must not fail again at exit)
        return False

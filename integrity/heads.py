"""A head published earlier, read from its `POSITION:HASH` text and compared with the chain recomputed now.

Pure: the caller reads the current head and recomputes the history (`chain.history_hash`) in between, so a
malformed head is refused before the store is touched, and a head beyond the chain (lost events) before the
log is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from chronicle.domain.errors import IntegrityFailure, InvalidInput

HASH_DIGITS = 64


@dataclass(frozen=True)
class PublishedHead:
    """A chain head as published: `hash` is kept as given, so messages quote it as the user wrote it."""

    position: int
    hash: str


@dataclass(frozen=True)
class HeadCheck:
    """The history up to a published head, recomputed: `ok` when it still hashes to what was published."""

    position: int
    expected: str
    actual: str
    events: int

    @property
    def ok(self) -> bool:
        return self.actual == self.expected.lower()

    @property
    def exit_code(self) -> int:
        """0 when unchanged; an integrity failure's code otherwise."""
        return 0 if self.ok else IntegrityFailure.exit_code

    @property
    def message(self) -> str:
        """The one line to show: the confirmation, or the failure (without the error prefix)."""
        if self.ok:
            return (
                f"OK: the {self.events} events up to position {self.position} are unchanged "
                f"since {self.position}:{self.expected[:12]}…"
            )
        return f"history up to position {self.position} differs from the published head {self.position}:{self.expected}"

    def as_json(self) -> dict[str, object]:
        return {
            "position": self.position,
            "expected": self.expected,
            "actual": self.actual,
            "events": self.events,
            "ok": self.ok,
        }


def parse_head(text: str, *, label: str) -> PublishedHead:
    """`POSITION:HASH` as published; `label` names where the text came from in the error (e.g. an option).

    The position is what `int` reads (decimal digits, any script); the hash must be 64 characters long,
    its digits are not checked, so a non-hex hash is reported as a history that differs, not as malformed."""
    position_text, sep, digest = text.partition(":")
    if not sep or not position_text.isdecimal() or len(digest) != HASH_DIGITS:
        raise InvalidInput(f"{label} {text!r}: expected POSITION:HASH (a 64-digit hex hash)")
    return PublishedHead(int(position_text), digest)


def require_within(published: PublishedHead, head_position: int) -> None:
    """A published head past the current one is the user's evidence that the log has lost events."""
    if published.position > head_position:
        raise IntegrityFailure(
            f"the log has lost events since the head you published ({published.position} -> {head_position})"
        )


def compare_head(published: PublishedHead, actual: str, events: int) -> HeadCheck:
    """`actual` and `events`: the chain recomputed from the log up to `published.position`."""
    return HeadCheck(published.position, published.hash, actual, events)

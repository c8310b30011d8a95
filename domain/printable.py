"""How any text the store holds or a user typed is shown on a terminal: control characters escaped.

Every text output and every error message goes through `printable`, so a hostile name, summary, id or
JSON key can neither drive the terminal (ESC sequences) nor start a line of its own (newline, CR)."""

from __future__ import annotations

MAX_MESSAGE = 1_000


def _escaped(ch: str) -> str:
    if ch.isprintable() or ch == " ":
        return ch
    return ch.encode("unicode_escape", "backslashreplace").decode("ascii")


def printable(text: str) -> str:
    """`text` with every control and other unprintable character written as its Python escape."""
    if text.isprintable():
        return text
    return "".join(_escaped(ch) for ch in text)


def one_line(message: str) -> str:
    """A message as one printable line, cut when very long."""
    text = printable(message.strip())
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "..."

"""Generated ids: what a development without one is called, from its type, date and summary."""

from __future__ import annotations

from typing import NamedTuple

SLUG_WORDS = 6  # a generated id keeps at most this many words of the summary
SLUG_CHARS = 40  # and at most this many characters of them
SUFFIX_LENGTH = 8  # hex digits of the content digest told apart two developments of one readable id


def summary_slug(summary: str) -> str:
    """The first words of `summary` as lower-case ASCII joined by '-' (accents dropped, other scripts too):
    at most `SLUG_WORDS` words and `SLUG_CHARS` characters; '' when no ASCII letter or digit is left."""
    import re
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", summary).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)[:SLUG_WORDS]
    slug = words[0][:SLUG_CHARS] if words else ""
    for word in words[1:]:
        if len(slug) + 1 + len(word) > SLUG_CHARS:
            break
        slug += "-" + word
    return slug


class GeneratedIds(NamedTuple):
    """The ids a development without one may get: `readable` (type, occurred, the summary's first words)
    unless another development holds it, then `suffixed` (with a digest of the content); `legacy` is the
    id generated before readable ids (type, occurred, digest), kept by what was recorded with it."""

    readable: str
    suffixed: str
    legacy: str

"""The head an export was made from, embedded in the file so it can be proved later (`verify --export`).

Every format carries one stamp: the chain head (position and hash) the store stood at, the time
coordinates asked (`as_of`, `known_at`, `recorded_at`, null when not asked), and the rest of the selection
needed to make the same export again (format, actor, negotiation, title). Text formats end with it (a
comment, or jsonl's last line), so the body before it is the export exactly as it was without one;
TimelineJS and GeoJSON carry it as a top-level key (a GeoJSON "foreign member"), PNG as a tEXt chunk.
CSV carries it in a side file (`FILE.head.json`): a comment row would be a data row to every CSV reader
and spreadsheet.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Any

KEY = "chronicle_export"
MARK = "chronicle-export"
_PNG = b"\x89PNG\r\n\x1a\n"
_COMMENTED = {"markdown", "html", "svg"}
_TAIL = re.compile(rb"<!-- " + MARK.encode() + rb" (\{[^\r\n]*\}) -->\n\Z")
_JSONL_TAIL = re.compile(rb'(?:\A|\n)(\{"' + KEY.encode() + rb'":\{[^\n]*\}\})\n\Z')


@dataclass(frozen=True)
class Stamp:
    """Where an export came from: the store's head and what was asked of it."""

    format: str
    position: int
    hash: str
    as_of: str | None = None
    known_at: str | None = None
    recorded_at: str | None = None
    actor: str | None = None
    negotiation: str | None = None
    title: str | None = None
    figure: str | None = None  # a chart of one figure over time; left out of the JSON when not asked

    def as_json(self) -> dict[str, Any]:
        figure = {} if self.figure is None else {"figure": self.figure}
        return figure | {
            "format": self.format,
            "head": {"position": self.position, "hash": self.hash},
            "as_of": self.as_of,
            "known_at": self.known_at,
            "recorded_at": self.recorded_at,
            "actor": self.actor,
            "negotiation": self.negotiation,
            "title": self.title,
        }

    @property
    def head(self) -> str:
        return f"{self.position}:{self.hash}"


def _text(stamp: Stamp) -> str:
    """The stamp as one line of ASCII JSON that cannot close a comment, a script or an XML element."""
    text = json.dumps(stamp.as_json(), ensure_ascii=True, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("--", "-\\u002d")):
        text = text.replace(char, escaped)
    return text


def tail(stamp: Stamp) -> bytes:
    """What a text format ends with (after its body)."""
    text = _text(stamp)
    if stamp.format == "jsonl":
        return f'{{"{KEY}":{text}}}\n'.encode()
    if stamp.format in _COMMENTED:
        return f"<!-- {MARK} {text} -->\n".encode()
    raise ValueError(f"{stamp.format} is not stamped with a tail")


SIDE_SUFFIX = ".head.json"


def side_file(stamp: Stamp) -> bytes:
    """The side file of a format that cannot hold its stamp (CSV): the stamp as one JSON line."""
    return _text(stamp).encode() + b"\n"


def read_side_file(data: bytes) -> Stamp | None:
    return _parse(_loads(data))


def embed(stamp: Stamp, body: bytes) -> bytes:
    """`body` (the export in `stamp.format`, unstamped) with the stamp in it (CSV: as it is)."""
    if stamp.format == "csv":
        return body
    if stamp.format == "png":
        return _png_with_text(body, MARK, _text(stamp))
    if stamp.format in ("timelinejs", "geojson"):
        raise ValueError(f"{stamp.format} carries its stamp as a key: use `as_json`")
    return body + tail(stamp)


def _png_with_text(png: bytes, keyword: str, text: str) -> bytes:
    """A PNG with a tEXt chunk added just before its IEND chunk (the last twelve bytes)."""
    if not png.startswith(_PNG) or png[-8:-4] != b"IEND":
        raise ValueError("not a PNG ending with IEND")
    data = keyword.encode("latin-1") + b"\x00" + text.encode("ascii")
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data + struct.pack(">I", zlib.crc32(b"tEXt" + data))
    return png[:-12] + chunk + png[-12:]


def _png_text(png: bytes, keyword: str) -> str | None:
    offset = len(_PNG)
    while offset + 8 <= len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        data = png[offset + 8 : offset + 8 + length]
        if kind == b"tEXt":
            name, _, value = data.partition(b"\x00")
            if name == keyword.encode("latin-1"):
                return value.decode("latin-1")
        if kind == b"IEND":
            return None
        offset += 12 + length
    return None


def _parse(value: Any) -> Stamp | None:
    if not isinstance(value, dict) or not isinstance(value.get("head"), dict):
        return None
    head = value["head"]
    position, digest, fmt = head.get("position"), head.get("hash"), value.get("format")
    if not isinstance(position, int) or not isinstance(digest, str) or not isinstance(fmt, str):
        return None
    texts = {}
    for name in ("as_of", "known_at", "recorded_at", "actor", "negotiation", "title", "figure"):
        field = value.get(name)
        if field is not None and not isinstance(field, str):
            return None
        texts[name] = field
    return Stamp(format=fmt, position=position, hash=digest, **texts)


def _loads(raw: bytes | str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def is_stamp_line(value: Any) -> bool:
    """Whether a decoded jsonl line is an export's stamp (importers skip it)."""
    return isinstance(value, dict) and set(value) == {KEY}


def find(data: bytes) -> Stamp | None:
    """The stamp embedded in an export's bytes, or None."""
    if data.startswith(_PNG):
        text = _png_text(data, MARK)
        return None if text is None else _parse(_loads(text))
    end = data[-65536:]
    if found := _TAIL.search(end):
        return _parse(_loads(found.group(1)))
    if found := _JSONL_TAIL.search(end):
        value = _loads(found.group(1))
        return _parse(value.get(KEY)) if isinstance(value, dict) else None
    if data.lstrip()[:1] == b"{":
        value = _loads(data)
        if isinstance(value, dict):
            return _parse(value.get(KEY))
    return None


def without(data: bytes) -> bytes:
    """An export's text bytes with their stamp taken off: what the export was before it carried one."""
    for pattern in (_TAIL, _JSONL_TAIL):
        if found := pattern.search(data[-65536:]):
            return data[: len(data) - len(found.group(0))] + (b"\n" if found.group(0).startswith(b"\n") else b"")
    if data.lstrip()[:1] == b"{" and isinstance(value := _loads(data), dict) and KEY in value:
        import orjson

        del value[KEY]
        return orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"
    return data

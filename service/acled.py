"""Read an ACLED export (CSV, columns per the ACLED codebook) and map its rows to developments.

The mapping, row by row, is documented in docs/acled.md (and in `chronicle import acled --help`): the
event's id is the development's id, hence the idempotency key; its event type and actor1's inter code
give the development type; its actors become actor ids (an `--actor-map`, an existing actor's name or
alias, else a slug of the name); its coordinates, country and admin1 become the development's `place`.
`timestamp` (when ACLED last changed the row) dates a correction; it is not part of the content.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import IO, Any

from chronicle.domain.countries import BY_NAME, BY_NUMERIC
from chronicle.domain.developments import Development
from chronicle.domain.errors import InvalidInput
from chronicle.domain.fields import MAX_SHORT, ActorKind
from chronicle.service.interchange import parse_development

REQUIRED = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "actor1", "inter1",
    "country", "location", "source", "notes", "fatalities",
)  # fmt: skip
MAX_ROWS = 2_000_000

_INTER_KINDS = {
    "1": ActorKind.military,
    "2": ActorKind.armed_group,
    "3": ActorKind.armed_group,
    "4": ActorKind.armed_group,
    "5": ActorKind.organization,
    "6": ActorKind.organization,
    "7": ActorKind.organization,
    "8": ActorKind.military,  # external forces: foreign states' militaries, in the main
}
# Newer ACLED exports spell the inter codes out.
_INTER_NAMES = {
    "state forces": "1",
    "rebel group": "2",
    "rebel groups": "2",
    "political militia": "3",
    "political militias": "3",
    "identity militia": "4",
    "identity militias": "4",
    "rioters": "5",
    "protesters": "6",
    "civilians": "7",
    "external/other forces": "8",
    "external/other force": "8",
    "other forces": "8",
}
_EVENT_TYPES = {
    "battles": "violence",
    "explosions/remote violence": "violence",
    "violence against civilians": "attack",
    "riots": "attack",
    "protests": "statement",
    "strategic developments": "statement",
}
_PRECISION = {"1": "day", "2": "month", "3": "year"}


@dataclass(frozen=True)
class ActorRef:
    id: str
    name: str
    kind: ActorKind


@dataclass(frozen=True)
class Row:
    """One ACLED row as a development, with the actors it names and when ACLED last changed it."""

    line: int
    event: str
    development: Development
    actors: tuple[ActorRef, ...]
    updated: str | None


def slugify(name: str, limit: int = 100) -> str:
    """A stable id from an actor's name: `Military Forces of Iraq (2022-)` -> `military-forces-of-iraq-2022`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.casefold()).strip("-")[:limit].strip("-")
    if not slug:
        slug = "actor-" + hashlib.sha256(name.strip().encode()).hexdigest()[:12]
    return slug


# -- reading ----------------------------------------------------------------------------------------


def read_csv(stream: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) for every data row; the line is where the row starts (notes may span lines)."""
    reader = csv.reader(stream, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput("line 1: empty file: expected an ACLED CSV export with a header row") from None
    except (csv.Error, UnicodeDecodeError) as error:
        raise InvalidInput(f"line 1: {_csv_problem(error)}") from None
    names = [h.strip().lstrip("\ufeff").casefold() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InvalidInput(f"line 1: not an ACLED export: missing column(s) {', '.join(missing)}")
    line = reader.line_num + 1
    count = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as error:
            raise InvalidInput(f"line {line}: {_csv_problem(error)}") from None
        start, line = line, reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        count += 1
        if count > MAX_ROWS:
            raise InvalidInput(f"more than {MAX_ROWS} rows: split the file")
        if len(values) != len(names):
            raise InvalidInput(f"line {start}: expected {len(names)} fields as in the header, found {len(values)}")
        yield start, dict(zip(names, values, strict=True))


def _csv_problem(error: BaseException) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    return f"malformed CSV: {error}"


# -- mapping one row ---------------------------------------------------------------------------------


def _date(text: str) -> date:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"event_date {text!r} is not a date (expected YYYY-MM-DD or '04 January 2024')")


def _occurred(day: date, precision: str) -> str:
    if precision == "day":
        return day.isoformat()
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return f"{day.year:04d}"


def _inter(value: str, column: str) -> str:
    text = value.strip().casefold()
    code = _INTER_NAMES.get(text, text)
    if code.endswith(".0"):
        code = code[:-2]
    if code not in _INTER_KINDS:
        raise ValueError(f"{column} {value!r} is not an ACLED inter code (1-8 or its name)")
    return code


Names = Mapping[str, str]  # an ACLED actor's name, casefolded -> the Chronicle id it stands for


def _actor(name: str, inter: str, names: Names) -> ActorRef:
    kind = _INTER_KINDS[inter]
    if inter == "1" and name.casefold().startswith("government of"):
        kind = ActorKind.government  # ACLED codes governments as state forces
    return ActorRef(names.get(name.strip().casefold()) or slugify(name), name[:MAX_SHORT], kind)


def _number(text: str, column: str) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a number") from None


def _country(iso: str, name: str) -> str | None:
    """The alpha-2 code of the row's country: by its numeric `iso` code, else by its name; None if neither
    is known (ACLED also codes places that ISO 3166 does not list)."""
    code = iso.removesuffix(".0")
    if code.isdigit() and int(code) in BY_NUMERIC:
        return BY_NUMERIC[int(code)]
    return BY_NAME.get(name.casefold())


def _place(get: Callable[[str], str]) -> dict[str, Any] | None:
    """Where the row happened, as a map reads it (`place`), or None when the row says nothing of it."""
    found: dict[str, Any] = {
        "name": short(get("location")) or None,
        "country": _country(get("iso"), get("country")),
        "admin1": short(get("admin1")) or None,
        "lat": _number(get("latitude"), "latitude"),
        "lon": _number(get("longitude"), "longitude"),
    }
    precision = get("geo_precision").removesuffix(".0")
    if precision:
        if precision not in ("1", "2", "3"):
            raise ValueError(f"geo_precision {get('geo_precision')!r} is not 1, 2 or 3")
        found["precision"] = int(precision)
    found = {k: v for k, v in found.items() if v is not None}
    return found or None


def _publishers(text: str) -> list[str]:
    found = [p.strip() for p in re.split(r";", text) if p.strip()]
    return list(dict.fromkeys(p[:MAX_SHORT] for p in found))


def short(text: str) -> str:
    """`text` on one line, cut to fit a short field, since ACLED notes run long."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHORT else text[: MAX_SHORT - 1].rstrip() + "\u2026"


def map_row(line: int, row: dict[str, str], names: Names | None = None) -> Row:
    """The development one ACLED row records, its actors named by `names` where it names them; an
    InvalidInput naming the line and the problem."""
    try:
        return _map(line, row, names or {})
    except ValueError as error:
        raise InvalidInput(f"line {line}: {error}") from None
    except InvalidInput as error:
        raise InvalidInput(f"line {line}: {error}") from None


def _map(line: int, row: dict[str, str], names: Names) -> Row:
    def get(name: str) -> str:
        return (row.get(name) or "").strip()

    event = get("event_id_cnty")
    if not event:
        raise ValueError("event_id_cnty is empty")
    dev_id = event.casefold()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,99}", dev_id):
        raise ValueError(f"event_id_cnty {event!r} cannot be an id (letters, digits, '-', '_', '.')")
    precision = _PRECISION.get(get("time_precision").removesuffix(".0"))
    if precision is None:
        raise ValueError(f"time_precision {get('time_precision')!r} is not 1, 2 or 3")
    occurred = _occurred(_date(get("event_date")), precision)
    event_type = get("event_type")
    family = _EVENT_TYPES.get(event_type.casefold())
    if family is None:
        raise ValueError(f"event_type {event_type!r} is not an ACLED event type")
    actor1 = get("actor1")
    if not actor1:
        raise ValueError("actor1 is empty")
    inter1 = _inter(get("inter1"), "inter1")
    actors = [_actor(actor1, inter1, names)]
    others: list[ActorRef] = []
    actor2 = get("actor2")
    if actor2:
        inter2 = _inter(get("inter2"), "inter2")
        others.append(_actor(actor2, inter2, names))
        others += [_actor(n.strip(), inter2, names) for n in get("assoc_actor_2").split(";") if n.strip()]
    by = actors[0].id
    targets = list(dict.fromkeys(a.id for a in others if a.id != by))
    fatalities_text = get("fatalities").removesuffix(".0")
    deaths: int | None = None
    if fatalities_text:
        if not fatalities_text.isdigit():
            raise ValueError(f"fatalities {get('fatalities')!r} is not a whole number >= 0")
        deaths = int(fatalities_text)
    place = ", ".join(dict.fromkeys(p for p in (get("location"), get("admin1"), get("country")) if p))
    sub = get("sub_event_type") or event_type
    headline = f"{sub}: {actor1}" + (f" against {actor2}" if actor2 else "") + (f" in {place}" if place else "")
    notes = " ".join(get("notes").split())
    sources = [{"publisher": p} for p in _publishers(get("source"))][:99]
    sources.append({"publisher": "ACLED", "title": f"ACLED event {event}"})
    body: dict[str, Any] = {
        "id": dev_id,
        "occurred": occurred,
        "summary": short(notes or headline),
        "sources": sources,
        "confidence": "reported",
    }
    where = _place(get)
    if where is not None:
        body["place"] = where
    if family == "statement":
        text = notes or headline
        if deaths:
            text += f" ({deaths} fatalities reported)"
        body |= {"type": "statement", "by": by, "text": text, "about": targets}
    else:
        kind = "strike" if family == "violence" and inter1 == "1" else "attack"
        body |= {"type": kind, "by": by, "targets": targets, "deaths": deaths}
        if place:
            body["location"] = short(place)
    updated = None
    stamp = get("timestamp").removesuffix(".0")
    if stamp:
        if not stamp.isdigit():
            raise ValueError(f"timestamp {get('timestamp')!r} is not a Unix time")
        try:
            updated = datetime.fromtimestamp(int(stamp), UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"timestamp {stamp!r} is out of range") from None
    development = parse_development(body)
    seen = {a.id: a for a in (*actors, *others)}
    return Row(line, event, development, tuple(seen.values()), updated)


def _note_first(first: dict[str, Row], row: Row) -> None:
    """Keep, for each actor `row` names, the earliest row naming it (its registration is dated by it)."""
    for actor in row.actors:
        seen = first.get(actor.id)
        if seen is None or row.development.when.start < seen.development.when.start:
            first[actor.id] = row


def _checked(
    numbered: Iterable[tuple[int, dict[str, str]]], skip_bad: bool, skipped: list[str], bad: set[int], names: Names
) -> Iterator[Row]:
    """Each good row mapped; the first bad row raises, or with `skip_bad` is listed (and its line noted)."""
    first_line: dict[str, int] = {}
    for line, raw in numbered:
        try:
            row = map_row(line, raw, names)
            seen = first_line.get(row.development.id or "")
            if seen is not None:
                raise InvalidInput(f"line {line}: event {row.event} appears twice (first on line {seen})")
            first_line[row.development.id or ""] = line
        except InvalidInput as error:
            if not skip_bad:
                raise
            skipped.append(str(error))
            bad.add(line)
            continue
        yield row


@dataclass
class Scan:
    """A first pass over an export, holding no row but one per actor: how many rows are good, the bad
    ones (listed, with `skip_bad`), and the earliest row naming each actor."""

    rows: int = 0
    skipped: list[str] = field(default_factory=list)
    bad: set[int] = field(default_factory=set)
    first: dict[str, Row] = field(default_factory=dict)


def scan(
    numbered: Iterable[tuple[int, dict[str, str]]],
    *,
    skip_bad: bool = False,
    progress: Callable[[], None] | None = None,
    names: Names | None = None,
) -> Scan:
    found = Scan()
    for row in _checked(numbered, skip_bad, found.skipped, found.bad, names or {}):
        found.rows += 1
        _note_first(found.first, row)
        if progress is not None and found.rows % 500 == 0:
            progress()
    return found


def good_rows(
    numbered: Iterable[tuple[int, dict[str, str]]], bad: set[int], names: Names | None = None
) -> Iterator[Row]:
    """The second pass: the rows `scan` found good, mapped again (mapping is pure), with `names`."""
    for line, raw in numbered:
        if line not in bad:
            yield map_row(line, raw, names)

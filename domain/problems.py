"""One wording for every way a line breaks the interchange format, whichever command read it.

`append`, `validate`, `import` and the typed subcommands all describe pydantic's findings here, so a
field is named the same way everywhere (`sources[0].publisher`), and each kind of finding is said in the
user's words, with what to write instead (`MESSAGES`: one entry per error type the models raise). The
text may hold a hostile JSON key or value: it is escaped where it is shown (`domain.printable`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import orjson
from pydantic import BaseModel

MAX_SHOWN = 60  # characters of a refused value quoted back in a message
ID_RULE = "ids are lower-case letters, digits, - _ ."


def where(loc: Sequence[Any], kind: Any, *, key_last: bool = False) -> str:
    """A pydantic location as a field path: the type's tag and the tags of plain unions left out."""
    parts = list(loc)
    if parts and isinstance(kind, str) and parts[0] == kind:
        parts = parts[1:]  # pydantic names the union member first: drop the tag, it is the type
    text = ""
    for index, part in enumerate(parts):
        if isinstance(part, int):
            text += f"[{part}]"
        elif str(part).isidentifier() or (key_last and index == len(parts) - 1):
            text += f".{part}" if text else str(part)
    return text


def shown(value: Any) -> str:
    """A refused value as the user wrote it: text in quotes, JSON's true/false/null, numbers as they are."""
    if isinstance(value, str):
        return repr(value if len(value) <= MAX_SHOWN else value[: MAX_SHOWN - 3] + "...")
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int | float):
        return repr(value)
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def _suggest(value: Any, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(value).lower(), list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _as_id(text: str) -> str | None:
    """`text` spelled as an id (lower-case, other characters as `-`), if that makes one."""
    spelled = re.sub(r"[^a-z0-9_.-]+", "-", text.strip().lower()).strip("-_.")[:128]
    return spelled if re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,127}", spelled) else None


def _a_number_in(value: Any) -> str | None:
    """The number a quoted or decimal value was meant to be (`"3"`, `2.0`: 3, 2), if it is one."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return str(int(number)) if number.is_integer() else None
    return None


def _model_at(kind: Any, loc: Sequence[Any]) -> type[BaseModel] | None:
    """The model holding the field at `loc` (its tag first), found through lists and unions of models."""
    from chronicle.domain.developments import TYPES

    model: type[BaseModel] | None = TYPES.get(kind) if isinstance(kind, str) else None
    for part in list(loc)[1:-1]:
        if model is None or isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        model = None if field is None else _inner_model(field.annotation)
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if (found := _inner_model(arg)) is not None:
            return found
    return None


Item = Mapping[str, Any]


def _missing(item: Item, kind: Any) -> str:
    return "missing: this field is required"


def _unknown_field(item: Item, kind: Any) -> str:
    model = _model_at(kind, item["loc"])
    names = [] if model is None else [n for n in model.model_fields if n != "type"]
    return "unknown field" + _suggest(item["loc"][-1], names)


def _not_text(item: Item, kind: Any) -> str:
    value = item["input"]
    if isinstance(value, list | dict):
        return f"{shown(value)} is not text"
    return f"{shown(value)} is not text: write it in quotes, {orjson.dumps(shown(value)).decode()}"


def _too_short_text(item: Item, kind: Any) -> str:
    return "is empty: write at least one character"


def _too_long_text(item: Item, kind: Any) -> str:
    return f"is {len(item['input'])} characters long: at most {item['ctx']['max_length']}"


def _not_an_id(item: Item, kind: Any) -> str:
    value = item["input"]
    if len(value) > 128:
        return f"{shown(value)} is not an id: at most 128 characters ({ID_RULE})"
    spelled = _as_id(value)
    hint = f"; did you mean {spelled!r}?" if spelled else ""
    return f"{shown(value)} is not an id ({ID_RULE}){hint}"


def _not_a_date(item: Item, kind: Any) -> str:
    return f"{shown(item['input'])} is not a date: {item['ctx']['reason']}"


def _date_not_text(item: Item, kind: Any) -> str:
    return f'{shown(item["input"])} is not a date: write it in quotes, e.g. "2024-01-05"'


def _not_a_whole_number(item: Item, kind: Any) -> str:
    meant = _a_number_in(item["input"])
    hint = "" if meant is None else f": write {meant}" + (", without quotes" if isinstance(item["input"], str) else "")
    return f"{shown(item['input'])} is not a whole number{hint}"


_JSON_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?")


def _not_a_number(item: Item, kind: Any) -> str:
    value = item["input"]
    written = value.strip() if isinstance(value, str) else ""
    hint = f": write {written}, without quotes" if _JSON_NUMBER.fullmatch(written) else ""
    return f"{shown(value)} is not a number{hint}"


def _not_a_flag(item: Item, kind: Any) -> str:
    return f"{shown(item['input'])} is not true or false: write true or false, without quotes"


def _too_small(item: Item, kind: Any) -> str:
    return f"{shown(item['input'])} is too small: at least {item['ctx']['ge']}"


def _too_large(item: Item, kind: Any) -> str:
    return f"{shown(item['input'])} is too large: at most {item['ctx']['le']}"


def _too_many(item: Item, kind: Any) -> str:
    return f"has {item['ctx']['actual_length']} items: at most {item['ctx']['max_length']}"


def _too_few(item: Item, kind: Any) -> str:
    wanted = item["ctx"]["min_length"]
    return f"is empty: give at least {wanted} item{'s' if wanted != 1 else ''}"


def _not_a_list(item: Item, kind: Any) -> str:
    return f"{shown(item['input'])} is not a list: write [{orjson.dumps(item['input']).decode()}]"


def _not_an_object(item: Item, kind: Any) -> str:
    return f'{shown(item["input"])} is not an object: write {{"field": value, ...}}'


# A nested record given as a plain value: what it should have been written as.
_RECORDS = {"Source": "publisher", "Deadline": "milestone"}


def _not_a_record(item: Item, kind: Any) -> str:
    name = str(item.get("ctx", {}).get("class_name", ""))
    value = item["input"]
    first = _RECORDS.get(name)
    if first is not None and isinstance(value, str):
        suggestion = orjson.dumps({first: value}).decode()
        return f"{shown(value)} is not a {name.lower()}: write {suggestion}"
    return f"{shown(value)} is not an object" + (f" (a {name.lower()})" if name else "")


def _not_one_of(item: Item, kind: Any) -> str:
    choices = re.findall(r"'([^']*)'", str(item["ctx"]["expected"]))
    return f"{shown(item['input'])} is not one of {', '.join(choices)}" + _suggest(item["input"], choices)


def _not_finite(item: Item, kind: Any) -> str:
    return f"{shown(item['input'])} is not a finite number"


def _rule(item: Item, kind: Any) -> str:
    return str(item["ctx"]["error"])  # our own validators' words, without pydantic's "Value error, "


def unknown_type(value: Any) -> str:
    """A line whose `type` names no development type."""
    from chronicle.domain.developments import TYPES

    return f"type: unknown type {value!r}: one of {', '.join(TYPES)}" + _suggest(value, list(TYPES))


def no_type() -> str:
    """A line without a `type`."""
    from chronicle.domain.developments import TYPES

    return f"type: missing field (one of {', '.join(TYPES)})"


def _unknown_type(item: Item, kind: Any) -> str:
    return unknown_type(item["input"].get("type") if isinstance(item["input"], dict) else None)


def _no_type(item: Item, kind: Any) -> str:
    return no_type()


MESSAGES: dict[str, Callable[[Item, Any], str]] = {
    "missing": _missing,
    "extra_forbidden": _unknown_field,
    "string_type": _not_text,
    "string_too_short": _too_short_text,
    "string_too_long": _too_long_text,
    "string_pattern_mismatch": _not_an_id,
    "date_invalid": _not_a_date,
    "date_type": _date_not_text,
    "int_type": _not_a_whole_number,
    "number_type": _not_a_number,
    "bool_type": _not_a_flag,
    "greater_than_equal": _too_small,
    "less_than_equal": _too_large,
    "too_long": _too_many,
    "too_short": _too_few,
    "list_type": _not_a_list,
    "dict_type": _not_an_object,
    "model_type": _not_a_record,
    "enum": _not_one_of,
    "finite_number": _not_finite,
    "value_error": _rule,
    "union_tag_invalid": _unknown_type,
    "union_tag_not_found": _no_type,
}


def problem(item: Mapping[str, Any], kind: Any) -> str:
    """One of pydantic's findings as `field: message`, in the user's words (`MESSAGES`)."""
    unknown = item["type"] == "extra_forbidden"
    at = where(tuple(item["loc"]), kind, key_last=unknown)
    say = MESSAGES.get(item["type"])
    message = str(item["msg"]) if say is None else say(item, kind)
    return f"{at}: {message}" if at else message


def problems_of(items: Sequence[Mapping[str, Any]], kind: Any) -> list[str]:
    """Every finding once: a value refused by each member of a union is one problem, not two."""
    return list(dict.fromkeys(problem(item, kind) for item in items))


# Types only Chronicle itself records, with the command that does: a file line of one would forge it.
RECORDED_BY_CHRONICLE = {"source_redacted": "chronicle redact source"}


def reserved(kind: Any) -> str | None:
    """Why a line of this type may not come from a file, or None."""
    command = RECORDED_BY_CHRONICLE.get(kind) if isinstance(kind, str) else None
    return None if command is None else f"{kind} is recorded only by `{command}`"

"""The append form of each development type, described from its pydantic model for the page to draw."""

from __future__ import annotations

import enum
import types
import typing
from functools import cache
from typing import Annotated, Any

from pydantic.fields import FieldInfo

DATES = {"occurred", "as_of", "published", "due"}
LONG = {"summary", "text", "reason", "mandate", "terms", "outcome", "stated_reason"}


def _shape(annotation: Any) -> tuple[str, list[str] | None]:
    """The input a field needs: text, date, number, list (comma-separated), choice or json."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _shape(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        bare = {typing.get_args(a)[0] if typing.get_origin(a) is Annotated else a for a in args}
        if bare <= {int, float}:
            return "number", None
        return _shape(args[0])
    if origin is list:
        (item,) = typing.get_args(annotation) or (str,)
        inner = typing.get_args(item)[0] if typing.get_origin(item) is Annotated else item
        return ("list", None) if inner is str else ("json", None)
    if origin is dict:
        return "json", None
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "choice", [str(m.value) for m in annotation]
    if annotation in (int, float):
        return "number", None
    return "text", None


def _field(name: str, info: FieldInfo) -> dict[str, Any]:
    shape, choices = _shape(info.annotation)
    if name in DATES and shape == "text":
        shape = "date"
    if name in LONG and shape == "text":
        shape = "long"
    if name == "sources":
        shape = "sources"
    default = info.default
    if isinstance(default, enum.Enum):
        default = default.value
    return {
        "name": name,
        "input": shape,
        "choices": choices,
        "required": info.is_required(),
        "default": default if isinstance(default, str | int | float) else None,
        "help": (info.description or "").strip(),
    }


@cache
def forms() -> dict[str, dict[str, Any]]:
    """Every type's form: its one-line description and its fields, `type` left out (it is the form)."""
    from chronicle.domain.developments import TYPES

    return {
        kind: {
            "help": (model.__doc__ or kind).strip().splitlines()[0],
            "fields": [_field(n, i) for n, i in model.model_fields.items() if n != "type"],
        }
        for kind, model in TYPES.items()
    }

"""typer turns each option's value into its type through a pydantic TypeAdapter built when the option is
first processed, even when the option was left unset. An unset value is None (or an empty tuple for an
option that repeats) whatever the type, text stays the same text and a choice is looked up the same way,
so the adapter (and pydantic's schema machinery with it) is built only for any other value."""

from __future__ import annotations

import contextlib
import enum
from typing import Any


class _WhenGiven:
    """typer's coercion of one option, built on the first value it cannot answer as typer would."""

    def __init__(self, build: Any, descriptor: Any, choose: Any) -> None:
        self._build, self._descriptor, self._choose = build, descriptor, choose
        self._built: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        many = param.multiple or param.nargs == -1
        if value is None:  # what typer's own coercion answers for an unset value
            return () if many else None
        descriptor = self._descriptor
        untouched = descriptor.file_annotation is None and descriptor.parameter_info.parser is None
        texts = many and descriptor.annotation == list[str] and isinstance(value, (list, tuple))
        if texts and untouched and all(type(item) is str for item in value):
            return list(value)  # what typer's list of texts returns
        plain = not many and untouched
        if plain and type(value) is str:
            annotation = descriptor.annotation
            if annotation is str:
                return value
            if isinstance(annotation, type) and issubclass(annotation, enum.Enum) and self._choose is not None:
                try:
                    sensitive = descriptor.parameter_info.case_sensitive
                    return self._choose(value, choices=tuple(annotation), case_sensitive=sensitive, ctx=ctx)
                except ValueError:
                    pass  # refused: the adapter words the refusal as typer does
        if self._built is None:
            self._built = self._build(descriptor)
        return self._built.coerce(value, param=param, ctx=ctx)


def defer_unset_options() -> None:
    """Build typer's coercion of an option only for a value that needs it (a no-op on a typer without it)."""
    import typer.core

    build = getattr(typer.core, "build_runtime_param", None)
    if build is None or getattr(build, "deferred", False):
        return
    choose: Any = None
    with contextlib.suppress(ImportError):
        from typer._param_types import coerce_cli_choice as choose

    def deferred(descriptor: Any) -> Any:
        return _WhenGiven(build, descriptor, choose)

    deferred.deferred = True  # type: ignore[attr-defined]
    typer.core.build_runtime_param = deferred  # type: ignore[attr-defined]

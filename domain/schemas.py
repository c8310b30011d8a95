"""JSON Schemas of the interchange format: of one line, and of one development type."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from chronicle.domain.developments import DEVELOPMENT_ADAPTER, TYPES


def interchange_schema() -> dict[str, Any]:
    """JSON Schema of one line of the interchange format."""
    schema = DEVELOPMENT_ADAPTER.json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Chronicle development (interchange format v1)"
    return schema


def type_schema(kind: str) -> dict[str, Any]:
    """JSON Schema of one line of development type `kind`, with the `$defs` it needs (valid on its own)."""
    model = TYPES[kind]
    schema = TypeAdapter(model).json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    schema["title"] = f"Chronicle {kind} development (interchange format v1)"
    return schema

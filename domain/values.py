"""The values developments are made of that are models themselves: sources and deadlines.

Part of the interchange format's public contract (re-exported by `developments`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from chronicle.domain.fields import MAX_SOURCES, MAX_TEXT, DateText, Flag, MomentText, ShortText, Slug


class Value(BaseModel):
    """Base of the values here: immutable, strict about unknown fields (as `developments.Record`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def source_identity(source: Mapping[str, Any]) -> str:
    """`Source.distinct_as` of a source's fields (its model's, or its stored JSON)."""
    ident = source.get("id")
    return f"#{ident}" if source.get("confidential") and ident else str(source["publisher"]).strip().casefold()


class Source(Value):
    """Who reported a development; a confidential one (it needs an `id`) is stored sealed with its own key."""

    publisher: ShortText
    url: ShortText | None = None
    title: ShortText | None = None
    authors: Annotated[list[ShortText], Field(max_length=MAX_SOURCES)] = []
    published: MomentText | None = None
    id: Slug | None = Field(default=None, description="the same id in many developments is the same source")
    confidential: Flag = Field(
        default=False,
        description="publisher, url, title, authors and published are stored encrypted with a key of this source's own",
    )
    sealed: Annotated[str, StringConstraints(max_length=MAX_TEXT * 4)] | None = Field(
        default=None, description="set by Chronicle: the confidential fields, encrypted (never write it yourself)"
    )

    @model_validator(mode="after")
    def _confidential_needs_an_id(self) -> Source:
        if self.confidential and not self.id:
            raise ValueError("a confidential source needs an id")
        return self

    def distinct_as(self) -> str:
        """What makes two sources independent: the id of a confidential one, else the publisher."""
        return source_identity(self.__dict__)

    CONFIDENTIAL_FIELDS: ClassVar[tuple[str, ...]] = ("publisher", "url", "title", "authors", "published")


class Deadline(Value):
    """A milestone an agreement set, and when it is due."""

    milestone: ShortText
    due: DateText

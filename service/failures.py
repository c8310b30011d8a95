"""Library and driver errors as one-line `StoreError`s that never show a password."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from eventsourcing.persistence import MapperDeserialisationError, PersistenceError

from chronicle.domain.errors import StoreError
from chronicle.service.masking import mask_passwords
from chronicle.service.settings import StoreSettings


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def missing_table(message: str) -> bool:
    return "no such table" in message or "does not exist" in message


def pg_message(settings: StoreSettings, error: BaseException) -> str:
    detail = mask_passwords(first_line(error).removeprefix("connection failed: "))
    if detail.startswith("permission denied for "):
        return (
            f"role {settings.user} has no grant for that on store {settings.describe()} ({detail}): its "
            f"owner gives one with `chronicle init --grant-read {settings.user}` or `--grant-write {settings.user}`"
        )
    return f"cannot use PostgreSQL store {settings.describe()}: {detail}"


@contextmanager
def translate(settings: StoreSettings) -> Iterator[None]:
    """Library and driver errors become one-line StoreErrors that never show a password."""
    try:
        yield
    except BrokenPipeError:
        raise
    except MapperDeserialisationError as error:  # a damaged event: not a bug of ours, say which one
        raise StoreError(f"store {settings.describe()}: {first_line(error)} (`chronicle verify` says more)") from None
    except (PersistenceError, sqlite3.Error, OSError) as error:
        if settings.is_postgres:
            raise StoreError(pg_message(settings, error)) from None
        raise StoreError(f"store {settings.describe()}: {first_line(error)}") from None

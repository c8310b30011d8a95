"""Import an ACLED export in two passes, holding no more than a page of rows at a time."""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from chronicle.domain.errors import InvalidInput, StoreError
from chronicle.service.store import Say, Store, quiet

Pass = tuple[Any, Callable[[], tuple[int, int]]]  # a text stream over the export, and (bytes read, size)


def import_acled(
    open_store: Callable[[], AbstractContextManager[Store]],
    file: str,
    stdin: BinaryIO,
    *,
    skip_bad: bool = False,
    dry_run: bool = False,
    checking: Callable[[], AbstractContextManager[Any]] | None = None,
    say: Say = quiet,
    actor_map: Mapping[str, str] | None = None,
) -> tuple[Any, list[str]]:
    """Record the rows of `file` ('-': `stdin`) all or nothing; return what was done and the rows skipped.

    The first pass checks every row and finds the earliest naming each actor (the store is opened only
    if a row is good); the second plans and records page by page in one transaction, an ACLED actor
    named by `actor_map` (ACLED name -> id), else by an existing actor's name or alias, taking that id.
    `checking` makes the first pass's progress bar, if any."""
    from chronicle.service import acled, acled_plan

    mapped = {name.strip().casefold(): ident for name, ident in (actor_map or {}).items()}
    with _acled_source(file, stdin) as source:
        with source() as (stream, where), checking() if checking else _no_progress() as progress:
            tick = (lambda: progress(*where())) if progress is not None else None
            found = acled.scan(acled.read_csv(stream), skip_bad=skip_bad, progress=tick, names=mapped)
        if not found.rows and not found.skipped:
            raise InvalidInput(f"{file}: no rows after the header")
        done = acled_plan.Imported()
        if found.rows:
            with open_store() as opened, opened.writing(rollback=dry_run) as session, source() as (stream, _):
                names = _known_names(opened) | mapped
                rows = acled.good_rows(acled.read_csv(stream), found.bad, names)
                pages = iter(lambda: list(islice(rows, 1000)), [])
                done = acled_plan.import_pages(session, pages, found.first, skip_bad=skip_bad, keep=dry_run)
    skipped = [*found.skipped, *done.skipped]
    for problem in sorted(skipped, key=_line_of):
        say(f"skipped {problem}")
    if skipped and not done.counts and not done.unchanged:
        raise InvalidInput(f"{file}: no row could be imported ({len(skipped)} skipped)")
    return done, skipped


def read_actor_map(path: str) -> dict[str, str]:
    """An `--actor-map` file: a JSON object from ACLED actor names to the ids of actors in the store."""
    import re

    import orjson

    try:
        found = orjson.loads(Path(path).read_bytes())
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror or error}") from None
    except orjson.JSONDecodeError:
        raise InvalidInput(f"--actor-map {path}: not a JSON object") from None
    if not isinstance(found, dict):
        raise InvalidInput(f"--actor-map {path}: expected an object of ACLED actor names to actor ids")
    for name, ident in found.items():
        if not isinstance(ident, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,127}", ident):
            raise InvalidInput(f"--actor-map {path}: {name!r}: {ident!r} is not an id (lower-case, digits, '-')")
    return found


def _known_names(store: Store) -> dict[str, str]:
    """Each name or alias of one actor in the store, casefolded, with that actor's id."""
    from chronicle.domain.keys import ACTOR
    from chronicle.service.naming import names_in_store

    labels = names_in_store(store)[ACTOR]
    return {label: ids[0] for label, ids in labels.items() if len(ids) == 1}


@contextmanager
def _no_progress() -> Iterator[None]:
    yield None


def _line_of(problem: str) -> int:
    head = problem.removeprefix("line ").partition(":")[0]
    return int(head) if head.isdigit() else 0


@contextmanager
def _acled_source(file: str, stdin: BinaryIO) -> Iterator[Callable[[], AbstractContextManager[Pass]]]:
    """Something to open the export again for each pass: the file, or stdin copied aside (spooled to
    disk past 64 MB)."""
    with ExitStack() as stack:
        if file == "-":
            binary: Any = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=64 * 2**20))
            shutil.copyfileobj(stdin, binary)
        else:
            try:
                binary = stack.enter_context(Path(file).open("rb"))
            except OSError as error:
                raise StoreError(f"cannot read {file}: {error.strerror or error}") from None
        size = binary.seek(0, io.SEEK_END)

        @contextmanager
        def reopened() -> Iterator[Pass]:
            binary.seek(0)
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            try:
                yield text, lambda: (binary.tell(), size)
            finally:
                text.detach()  # the bytes stay open for the next pass

        yield reopened

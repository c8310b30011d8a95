"""Who is writing: the analyst's name each development records, and the key that signs it.

The name comes from `--as`, else `CHRONICLE_ANALYST`, else the PostgreSQL role the store was opened as
(on PostgreSQL), else the operating system's user. The key, if any, from `--signing-key` or
`CHRONICLE_SIGNING_KEY`: a file of mode 0600, as the store's encryption key is.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventsourcing.utils import get_topic

from chronicle.domain.analysts import POLICY_STREAM, as_name, check_name
from chronicle.domain.errors import InvalidInput
from chronicle.domain.events import DevelopmentRecorded, DomainEvent, Signature

if TYPE_CHECKING:
    from chronicle.integrity.signatures import Signer

ENV_ANALYST = "CHRONICLE_ANALYST"
ENV_SIGNING_KEY = "CHRONICLE_SIGNING_KEY"
RECORDED_TOPIC = get_topic(DevelopmentRecorded)
NAME_LINE = "# chronicle signing key for "


def read_secret_file(path: str, what: str) -> str:
    """A key file's text, refused unless only its owner can read it."""
    try:
        mode = Path(path).stat().st_mode
        text = Path(path).read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read {what} {path}: {getattr(error, 'strerror', None) or error}") from None
    if mode & 0o077:
        raise InvalidInput(f"{what} {path} is readable by others: chmod 600 {path}")
    return text


def load_signer(path: str) -> Signer:
    from chronicle.integrity.signatures import Signer, load_private

    text = read_secret_file(path, "signing key file")
    name = next((line[len(NAME_LINE) :].strip() for line in text.splitlines() if line.startswith(NAME_LINE)), "")
    return Signer(load_private(text, f"signing key file {path}"), as_name(name) if name else "")


def signing_key_text(name: str) -> tuple[str, str]:
    """A new signing key file's text (the name it is for on a comment line), and its fingerprint."""
    from chronicle.integrity.signatures import new_private_pem

    pem, fingerprint = new_private_pem()
    return f"{NAME_LINE}{check_name(name, '--name')}\n{pem}", fingerprint


def public_key_text(path: str) -> str:
    from chronicle.integrity.signatures import load_private, public_pem

    return public_pem(load_private(read_secret_file(path, "signing key file"), f"signing key file {path}"))


@dataclass
class Writer:
    """The analyst and key an append writes as; `analyst` None: found when writing (`Stamper.name`)."""

    analyst: str | None = None
    signer: Signer | None = None


def resolve_writer(analyst: str | None = None, signing_key: str | None = None) -> Writer:
    """`--as` and `--signing-key` as given, else from the environment; bad input before anything is opened."""
    name = analyst if analyst is not None else os.environ.get(ENV_ANALYST) or None
    if name is not None:
        check_name(name, "--as" if analyst is not None else ENV_ANALYST)
    key_file = signing_key if signing_key is not None else os.environ.get(ENV_SIGNING_KEY) or None
    return Writer(name, load_signer(key_file) if key_file else None)


class Stamper:
    """Sets `recorded_by` (and the signature) on the developments an append writes, in its transaction."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self._name: str | None = writer.analyst

    def name(self, session: Any) -> str:
        if self._name is None:
            if session.postgres:
                session.cursor.execute("SELECT current_user AS who")
                self._name = as_name(str(session.cursor.fetchone()["who"]))
            else:
                self._name = as_name(getpass.getuser())
        return self._name

    def __call__(self, events: Sequence[DomainEvent], session: Any) -> list[DomainEvent]:
        if not any(isinstance(e, DevelopmentRecorded) for e in events):
            return list(events)
        signer = self.writer.signer
        if signer is None and session.existing_streams([POLICY_STREAM]):
            raise InvalidInput(
                "this store requires signed appends: give --signing-key FILE or set CHRONICLE_SIGNING_KEY"
            )
        name = self.name(session)
        stamped: list[DomainEvent] = []
        for event in events:
            if isinstance(event, DevelopmentRecorded):
                event = event.model_copy(update={"recorded_by": name})
                if signer is not None:
                    event = sign(event, signer, session.mapper)
            stamped.append(event)
        return stamped


def sign(event: DomainEvent, signer: Signer, mapper: Any) -> DomainEvent:
    """The event with its signature over the seal it would have without one."""
    from chronicle.integrity.signatures import event_message
    from chronicle.service.mapper import event_digest

    payload = mapper.payload(event, without=frozenset({"signature"}))
    digest = event_digest(event.originator_id, event.originator_version, get_topic(type(event)), payload)
    signature = Signature(key=signer.fingerprint, value=signer.sign(event_message(digest)))
    return event.model_copy(update={"signature": signature})

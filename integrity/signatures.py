"""Ed25519 signatures over events' seals and published heads, and the registry of analysts' keys in log order.

A signed event's signature covers the SHA-256 the event would be sealed with if it had no signature (its
stream, version, topic and payload bytes, `recorded_by` included), so it can be checked from the stored
bytes alone: the signature is the payload's last field and is cut off exactly as it was written.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson

from chronicle.domain.errors import InvalidInput

EVENT_CONTEXT = b"chronicle-event-signature-v1\x00"
HEAD_CONTEXT = b"chronicle-head-signature-v1\x00"
SEAL_SUFFIX = len(b',"sha256":""}') + 64


def fingerprint(raw_public: bytes) -> str:
    """A key's short name: the first 32 hex digits of the SHA-256 of its raw 32 bytes."""
    return hashlib.sha256(raw_public).hexdigest()[:32]


class Signer:
    """A private Ed25519 key with the analyst name it was made for."""

    def __init__(self, key: Any, name: str) -> None:
        self.key, self.name = key, name
        self.raw_public = public_raw(key.public_key())
        self.fingerprint = fingerprint(self.raw_public)

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.key.sign(message)).decode()


def public_raw(public_key: Any) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return bytes(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def new_private_pem() -> tuple[str, str]:
    """A fresh key as PKCS#8 PEM text, and its fingerprint."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    return pem, fingerprint(public_raw(key.public_key()))


def load_private(text: str, where: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(_pem(text).encode(), password=None)
    except (ValueError, TypeError):
        raise InvalidInput(f"{where} is not a signing key (make one with `chronicle key new --signing`)") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput(f"{where} is not an Ed25519 signing key")
    return key


def public_pem(key: Any) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return str(key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode())


def load_public(text: str, where: str) -> bytes:
    """A public key file's raw Ed25519 key; anything else is one line of bad input."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(_pem(text).encode())
    except (ValueError, TypeError):
        raise InvalidInput(f"{where} is not a public key (make one with `chronicle key public`)") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput(f"{where} is not an Ed25519 public key")
    return public_raw(key)


def _pem(text: str) -> str:
    """The PEM block of a key file, past any comment lines before it."""
    start = text.find("-----BEGIN")
    return text[start:] if start >= 0 else text


def verifies(raw_public: bytes, message: bytes, signature: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(raw_public).verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def event_message(digest: str) -> bytes:
    return EVENT_CONTEXT + digest.encode()


def unsigned_payload(state: bytes) -> tuple[bytes, dict[str, Any]] | None:
    """A sealed state's payload as it was before its signature was added, and the signature; None if the
    state carries no signature or it is not the payload's last field."""
    payload = state[:-SEAL_SUFFIX] + b"}"
    fields = orjson.loads(payload)
    signature = fields.get("signature")
    if not isinstance(signature, dict):
        return None
    tail = b',"signature":' + orjson.dumps(signature) + b"}"
    if not payload.endswith(tail):
        return None
    return payload[: -len(tail)] + b"}", signature


@dataclass
class Key:
    name: str
    raw: bytes
    added: int
    revoked: int | None = None


@dataclass
class Registry:
    """Analysts' keys as the log registered and revoked them, read in log order."""

    keys: dict[str, Key] = field(default_factory=dict)  # by fingerprint

    def added(self, name: str, raw: bytes, position: int) -> None:
        self.keys[fingerprint(raw)] = Key(name, raw, position)

    def revoked(self, key: str, position: int) -> None:
        if key in self.keys and self.keys[key].revoked is None:
            self.keys[key].revoked = position

    def problem(self, key: str, position: int) -> str | None:
        """Why a signature by `key` at `position` does not count, or None if the key was valid then."""
        found = self.keys.get(key)
        if found is None or found.added > position:
            return f"signed by key {key[:12]}… that was not registered then"
        if found.revoked is not None and found.revoked < position:
            return f"signed by {found.name}'s key {key[:12]}…, revoked at position {found.revoked}"
        return None


def head_message(head: dict[str, Any]) -> bytes:
    """What a signed head's signature covers: every field but the signature, in a fixed order."""
    parts = (str(head.get(k, "")) for k in ("position", "hash", "time", "signer", "key"))
    return HEAD_CONTEXT + "\x00".join(parts).encode()

"""The one open store a server holds, used by one request at a time, and the server's settings."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from chronicle.service.store import Store

T = TypeVar("T")


@dataclass
class Served:
    """The store and how it is served: read-only or not, and the token every request must show."""

    store: Store
    read_only: bool = False
    token: str | None = None
    loopback: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)

    def use(self, fn: Callable[[Store], T]) -> T:
        """Run `fn` on the store, alone (a store is one set of connections), after catching the views up
        with whatever another process appended since the last request."""
        with self.lock:
            self.store.refreshed = False
            return fn(self.store)

    @property
    def session(self) -> str | None:
        """The session cookie's value: derived from the token, so the cookie never holds the token."""
        if self.token is None:
            return None
        return hmac.new(self.token.encode(), b"chronicle session", hashlib.sha256).hexdigest()

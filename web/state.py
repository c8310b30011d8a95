"""The one open store a server holds, used by one request at a time, and the server's settings."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from chronicle.service.store import Store
    from chronicle.service.watching import LogWatcher

T = TypeVar("T")
# The answers kept for a head, by their size in bytes: enough for the audit reads of several busy
# entities, and a bound on the server's memory whatever the store's size.
ANSWER_BUDGET = 64 * 1024 * 1024


@dataclass
class Served:
    """The store and how it is served: read-only or not, and the token every request must show."""

    store: Store
    read_only: bool = False
    token: str | None = None
    loopback: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)
    watcher: LogWatcher | None = None  # on PostgreSQL, woken by each append's NOTIFY
    answers: OrderedDict[tuple[Hashable, ...], bytes] = field(default_factory=OrderedDict)
    answers_size: int = 0

    def use(self, fn: Callable[[Store], T]) -> T:
        """Run `fn` on the store, alone (a store is one set of connections), after catching the views up
        with whatever another process appended since the last request."""
        with self.lock:
            self.store.refreshed = False
            return fn(self.store)

    def remembered(self, asked: Hashable, produce: Callable[[Store], Any]) -> bytes:
        """`produce`'s answer as JSON, kept while the log's head stays where it was: the history and blame
        of a busy entity walk every change it went through, and a page asks for them each time it opens.
        Any append moves the head, so a kept answer is never one the store would no longer give."""
        import orjson

        from chronicle.service import verifying

        with self.lock:
            self.store.refreshed = False
            key = (verifying.root(self.store), asked)
            body = self.answers.get(key)
            if body is not None:
                self.answers.move_to_end(key)
                return body
            body = orjson.dumps(produce(self.store))
            if len(body) <= ANSWER_BUDGET // 4:
                self.answers[key] = body
                self.answers_size += len(body)
                while self.answers_size > ANSWER_BUDGET:
                    _, dropped = self.answers.popitem(last=False)
                    self.answers_size -= len(dropped)
            return body

    @property
    def session(self) -> str | None:
        """The session cookie's value: derived from the token, so the cookie never holds the token."""
        if self.token is None:
            return None
        return hmac.new(self.token.encode(), b"chronicle session", hashlib.sha256).hexdigest()

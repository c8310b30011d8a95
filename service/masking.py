"""Passwords out of messages: only the password field of a URL or a connection string is masked.

Masking every occurrence of the password's text would garble the message around it (a password `5432`
turned `port 5432` into `port ***`) and so tell a reader what the password is."""

from __future__ import annotations

import re

_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^\s:/@]*:)(?P<password>[^\s@/]*)(?P<tail>@)", re.I)
_FIELD_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<password>'(?:[^'\\]|\\.)*'|\S+)", re.I)


def mask_passwords(text: str) -> str:
    """`text` with the password of every URL (`scheme://user:PASSWORD@`) and every `password=` field masked."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}***{m['tail']}", text)
    return _FIELD_PASSWORD.sub(lambda m: f"{m['head']}***", text)

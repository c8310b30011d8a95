"""Where the store lives: `--store URL` > `CHRONICLE_STORE` > the default SQLite file."""

from __future__ import annotations

import base64
import os
import re
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from chronicle.domain.errors import InvalidInput

ENV_STORE = "CHRONICLE_STORE"
_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,40}$")


def default_store_path() -> Path:
    """`$XDG_DATA_HOME/chronicle/chronicle.db`, i.e. `~/.local/share/chronicle/chronicle.db`."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "chronicle" / "chronicle.db"


@dataclass(frozen=True)
class StoreSettings:
    """A parsed store URL; `describe()` never shows a password."""

    backend: str  # "sqlite" or "postgres"
    path: Path | None = None
    host: str = ""
    port: int = 5432
    user: str = ""
    password: str = ""
    dbname: str = ""
    schema: str = ""
    key: str = ""  # base64 AES key of an encrypted store; never printed

    def __repr__(self) -> str:
        return f"StoreSettings({self.backend!r}, {self.describe()!r})"

    @property
    def is_postgres(self) -> bool:
        return self.backend == "postgres"

    def describe(self) -> str:
        if self.path is not None:
            return str(self.path)
        where = f"{self.host}:{self.port}/{self.dbname}"
        return f"{where} (schema {self.schema})" if self.schema else where

    def env(self, *, create_tables: bool) -> dict[str, str]:
        env = {
            "ORIGINATOR_ID_TYPE": "text",
            "CREATE_TABLE": "yes" if create_tables else "no",
        }
        if self.key:
            env |= {"CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher", "CIPHER_KEY": self.key}
        if self.path is not None:
            env |= {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.path),
                "SQLITE_LOCK_TIMEOUT": "60",
            }
        else:
            env |= {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": self.dbname,
                "POSTGRES_HOST": self.host,
                "POSTGRES_PORT": str(self.port),
                "POSTGRES_USER": self.user,
                "POSTGRES_PASSWORD": self.password,
                "POSTGRES_SCHEMA": self.schema,
                "POSTGRES_CONNECT_TIMEOUT": "5",
                "POSTGRES_POOL_SIZE": "2",
                "POSTGRES_MAX_OVERFLOW": "4",
                "POSTGRES_LOCK_TIMEOUT": "30",
            }
        return env


ENV_KEY = "CHRONICLE_KEY"
ENV_KEY_FILE = "CHRONICLE_KEY_FILE"


def resolve_store(flag: str | None, key_file: str | None = None) -> StoreSettings:
    """Flag > environment > default; the key from --key-file > CHRONICLE_KEY_FILE > CHRONICLE_KEY."""
    url = flag or os.environ.get(ENV_STORE) or ""
    settings = StoreSettings("sqlite", path=default_store_path()) if not url else parse_store_url(url)
    key = resolve_key(key_file)
    return replace(settings, key=key) if key else settings


def new_key() -> str:
    """A fresh 256-bit AES key, base64-encoded."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def resolve_key(key_file: str | None) -> str:
    path = key_file or os.environ.get(ENV_KEY_FILE)
    if path:
        key_path = Path(path)
        try:
            mode = key_path.stat().st_mode
            text = key_path.read_text().strip()
        except OSError as error:
            raise InvalidInput(f"cannot read key file {path}: {error.strerror}") from None
        if mode & 0o077:
            raise InvalidInput(f"key file {path} is readable by others: chmod 600 {path}")
    else:
        text = os.environ.get(ENV_KEY, "").strip()
    if not text:
        return ""
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raw = b""
    if len(raw) not in (16, 24, 32):
        raise InvalidInput("the key is not a base64 AES key (make one with `chronicle key new`)")
    return text


def parse_store_url(url: str) -> StoreSettings:
    if url.startswith(("postgresql://", "postgres://")):
        return _parse_postgres(url)
    if url.startswith("sqlite:"):
        rest = url[len("sqlite:") :]
        # sqlite:///relative.db and sqlite:////absolute.db, as SQLAlchemy spells them.
        path = rest[3:] if rest.startswith("///") else rest.removeprefix("//")
        if not path:
            raise InvalidInput(f"store URL {url!r} names no file")
        return StoreSettings("sqlite", path=Path(unquote(path)))
    if "://" in url:
        scheme = url.split("://", 1)[0]
        raise InvalidInput(f"unsupported store {scheme!r}: use sqlite:///FILE or postgresql://…")
    return StoreSettings("sqlite", path=Path(url))


def _parse_postgres(url: str) -> StoreSettings:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    schema = (query.get("schema") or [""])[0]
    if schema and not _SCHEMA.match(schema):
        raise InvalidInput(f"invalid schema name {schema!r}: use lower-case letters, digits, '_'")
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise InvalidInput("the PostgreSQL store URL names no database (postgresql://USER@HOST/DB)")
    host = parts.hostname or "localhost"
    try:
        port = parts.port or 5432
    except ValueError:
        given = parts.netloc.rpartition("@")[2].rpartition(":")[2]
        raise InvalidInput(
            f"the PostgreSQL store URL has an invalid port {given!r}: expected a number from 1 to 65535"
        ) from None
    user = unquote(parts.username or "") or os.environ.get("PGUSER", "") or _login()
    password = unquote(parts.password or "") or os.environ.get("PGPASSWORD", "")
    if not password:
        password = _pgpass(host, port, dbname, user)
    return StoreSettings(
        "postgres",
        host=host,
        port=port,
        user=user,
        password=password,
        dbname=dbname,
        schema=schema,
    )


def _login() -> str:
    try:
        return os.getlogin()
    except OSError:
        return os.environ.get("USER", "postgres")


def _pgpass(host: str, port: int, dbname: str, user: str) -> str:
    """The password from `PGPASSFILE` or `~/.pgpass` (host:port:database:user:password, `*` wildcards)."""
    path = Path(os.environ.get("PGPASSFILE") or Path.home() / ".pgpass")
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return ""
    wanted = (host, str(port), dbname, user)
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        fields = re.split(r"(?<!\\):", line, maxsplit=4)
        if len(fields) != 5:
            continue
        if all(f == "*" or f.replace("\\:", ":") == w for f, w in zip(fields[:4], wanted, strict=True)):
            return fields[4].replace("\\:", ":").replace("\\\\", "\\")
    return ""

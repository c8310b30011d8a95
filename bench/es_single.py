"""Baseline of one `chronicle append`: the same development appended with eventsourcing alone, in a
fresh process (run as a script, so it imports only the standard library, orjson and eventsourcing).

    python bench/es_single.py STORE_URL INDEX

Opens the eventsourcing application on an existing store (SQLite file or PostgreSQL schema), saves one
event carrying the development and its SHA-256, and exits. No pydantic, no rules, no CLI framework.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import orjson
from eventsourcing.application import Application
from eventsourcing.persistence import Transcoder


class OrjsonTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)


@dataclass(frozen=True)
class DevelopmentRecorded:
    originator_id: str
    originator_version: int
    timestamp: datetime
    development: dict[str, Any]
    digest: str


class Log(Application[str]):
    name = "chronicle"  # same table names as Chronicle's store

    def construct_transcoder(self) -> Transcoder:
        return OrjsonTranscoder()


def env_for(url: str) -> dict[str, str]:
    env = {"ORIGINATOR_ID_TYPE": "text", "CREATE_TABLE": "no"}
    if url.startswith("sqlite:"):
        path = url[len("sqlite:") :]
        path = path[3:] if path.startswith("///") else path.removeprefix("//")
        return env | {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path}
    parts = urlsplit(url)
    schema = (parse_qs(parts.query).get("schema") or [""])[0]
    return env | {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")),
        "POSTGRES_HOST": parts.hostname or "localhost",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or ""),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_POOL_SIZE": "1",
    }


def main() -> None:
    url, index = sys.argv[1], int(sys.argv[2])
    development = {
        "type": "statement",
        "id": f"es-single-{index:06d}",
        "occurred": "2025-01-15",
        "summary": f"Benchmark statement {index}",
        "by": "state-0001",
        "text": f"A statement made for benchmark run {index}.",
        "sources": [{"publisher": "Reuters"}],
    }
    digest = hashlib.sha256(orjson.dumps(development, option=orjson.OPT_SORT_KEYS)).hexdigest()
    app = Log(env=env_for(url))
    app.save(
        DevelopmentRecorded(
            originator_id=f"development:{development['id']}",
            originator_version=1,
            timestamp=datetime.now(UTC),
            development=development,
            digest=digest,
        )
    )
    app.close()


if __name__ == "__main__":
    main()

"""Database roles on a PostgreSQL store: readers that may read everything and write nothing, writers.

A reader may read every table of the store's schema (the log, the chain, the views, the source keys)
and write none: it cannot append, and it cannot catch the views up either, so it reads them as the last
writer or worker left them, told so (`Store.refresh`). A writer may also insert, update and delete rows
(append, project, redact). Replacing the views' tables (a rebuild) stays with the store's owner, since
PostgreSQL lets only a table's owner drop or rename it. Default privileges carry the grants over to the
tables a rebuild makes later.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chronicle.domain.errors import InvalidInput
from chronicle.service.failures import translate

if TYPE_CHECKING:
    from chronicle.service.settings import StoreSettings
    from chronicle.service.store import Store

_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def check_role(role: str, option: str) -> str:
    if not _ROLE.match(role):
        raise InvalidInput(f"{option} {role!r}: a role name is lower-case letters, digits and '_'")
    return role


def _statements(schema: str, role: str, *, write: bool) -> list[str]:
    s, r = f'"{schema}"', f'"{role}"'
    found = [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT SELECT ON TABLES TO {r}",
    ]
    if write:
        found += [
            f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT INSERT, UPDATE, DELETE ON TABLES TO {r}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {r}",
        ]
    return found


def require_postgres(settings: StoreSettings) -> None:
    if not settings.is_postgres:
        raise InvalidInput(
            "--grant-read and --grant-write are for PostgreSQL stores: a SQLite store is as readable "
            "and writable as its file (use the file's permissions)"
        )


def grant(store: Store, *, readers: list[str], writers: list[str]) -> list[str]:
    """Grant each role its access to the store's schema, in one transaction; what was granted, said."""
    require_postgres(store.settings)
    schema = store.settings.schema or "public"
    said = []
    with translate(store.settings), store.views.write() as c:
        for role, write in [*((r, False) for r in readers), *((w, True) for w in writers)]:
            c.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
            if c.fetchone() is None:
                raise InvalidInput(f"no PostgreSQL role {role!r}: create it first (CREATE ROLE {role} LOGIN ...)")
            for statement in _statements(schema, role, write=write):
                c.execute(statement)
            said.append(f"granted {'read and write' if write else 'read'} on schema {schema} to role {role}")
    return said

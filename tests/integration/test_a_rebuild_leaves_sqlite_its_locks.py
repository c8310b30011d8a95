"""A rebuild on SQLite locks the store's file against other rebuilds. Closing that lock's descriptor
would drop every POSIX lock the process holds on the file, SQLite's own included: another process
would then take this one's connections for gone, check the WAL into the file and remove it under
them ("database disk image is malformed" in a reader that started a rebuild beside others)."""

from __future__ import annotations

import subprocess
import sys

from helpers import Cli, StoreRef

from chronicle.service.settings import parse_store_url
from chronicle.service.store import Store

# Whether another process could take the range SQLite's readers lock shared (its SHARED_FIRST .. +510).
PROBE = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 510, 0x40000002)
    print("free")
except OSError:
    print("held")
"""


def _readers_lock(path: object) -> str:
    return subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=True).stdout


def test_a_rebuild_keeps_the_shared_lock_of_the_process_s_open_connections(tmp_path):
    path = tmp_path / "store.db"
    cli = Cli(StoreRef("sqlite", f"sqlite:///{path}", path=path))
    cli.ok("init")
    with Store.open(parse_store_url(f"sqlite:///{path}")) as store:
        store.query(lambda views, c: views.table_names(c))
        assert _readers_lock(path).strip() == "held"
        store.rebuild()
        store.rebuild()
        assert _readers_lock(path).strip() == "held"

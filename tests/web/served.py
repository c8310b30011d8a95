"""A `chronicle serve` app over a test's store, in-process (Starlette's TestClient), or as a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "service" / "stories" / "seed.jsonl"
LATER = ROOT / "service" / "stories" / "later.jsonl"
TOKEN = "a-test-token-of-some-length-0123456789"


@contextmanager
def client(url: str, *, read_only: bool = False, token: str | None = None, loopback: bool = True) -> Iterator[Any]:
    """A TestClient on an app over the store at `url`, addressed as http://127.0.0.1:8321."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from chronicle.service.settings import resolve_store
    from chronicle.service.store import Store
    from chronicle.web.app import create_app
    from chronicle.web.state import Served

    store = Store.open(resolve_store(url, None))
    try:
        app = create_app(Served(store, read_only=read_only, token=token, loopback=loopback))
        with TestClient(app, base_url="http://127.0.0.1:8321") as c:
            yield c
    finally:
        store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server(url: str, *args: str) -> Iterator[str]:
    """`chronicle serve` as a real process on a free port; yields its base URL once it answers."""
    port = free_port()
    env = dict(os.environ, CHRONICLE_STORE=url, NO_COLOR="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "chronicle.cli.main", "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/api/head", timeout=2).read()
                break
            except urllib.error.HTTPError:
                break  # it answers (with a token it answers 401)
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    err = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"serve did not start: {err}") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

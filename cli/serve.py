"""`chronicle serve`: the browser workspace over the same store, on 127.0.0.1 unless a token guards it."""

from __future__ import annotations

from typing import Annotated

import typer

from chronicle.cli.common import StoreOpt, errors, open_store, say

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def read_token(path: str) -> str:
    from chronicle.domain.errors import InvalidInput

    try:
        with open(path, encoding="utf-8") as stream:
            token = stream.read().strip()
    except OSError as error:
        raise InvalidInput(f"--token-file {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"--token-file {path}: not text") from None
    if len(token) < 16 or any(not ch.isprintable() or ch.isspace() for ch in token):
        raise InvalidInput(f"--token-file {path}: the token must be one word of 16 or more printable characters")
    return token


def check_port(host: str, port: int) -> None:
    """Fail in one line now if the address cannot be listened on, rather than in uvicorn's log later."""
    import socket

    from chronicle.domain.errors import ChronicleError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        raise ChronicleError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on; any but loopback needs --token-file.", metavar="ADDRESS")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535, metavar="PORT")] = 8321,
    read_only: Annotated[bool, typer.Option("--read-only", help="Refuse every write (405).")] = False,
    token_file: Annotated[
        str | None,
        typer.Option("--token-file", metavar="FILE", help="Every request must show the token in FILE."),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Serve the story in the browser: timeline and map, the as-of/known-at scrubber, blame, live updates.

    Examples:

    \b
      chronicle serve --store chronicle-demo.db
      chronicle serve --read-only --port 9000
      chronicle serve --host 0.0.0.0 --token-file ~/.config/chronicle/token
    """
    with errors():
        from chronicle.domain.errors import InvalidInput

        token = read_token(token_file) if token_file is not None else None
        loopback = host in LOOPBACK
        if not loopback and token is None:
            raise InvalidInput(f"--host {host} is not loopback: give --token-file so only its holders can read")
        check_port(host, port)
        opened = open_store(store)
        try:
            opened.refresh(say=say)  # an unreachable store, or damaged views, show now and not on a first page
            import uvicorn

            from chronicle.web.app import create_app
            from chronicle.web.state import Served

            app = create_app(Served(opened, read_only=read_only, token=token, loopback=loopback))
            shown = f"[{host}]" if ":" in host else host
            link = f"http://{shown}:{port}/" + ("?token=…(the token in the file)" if token else "")
            say(f"serving {opened.settings.describe()} at {link}{' (read-only)' if read_only else ''}; Ctrl-C stops")
            uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, timeout_graceful_shutdown=1)
        finally:
            opened.close()


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)

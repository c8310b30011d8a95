"""The ASGI app: the API, the pages, the static files, and one guard in front of them all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from chronicle.domain.errors import ChronicleError, IntegrityFailure, InvalidInput, NotFound, StoreError
from chronicle.web import api, live, pages, writes
from chronicle.web.security import guard
from chronicle.web.state import Served

STATIC = Path(__file__).parent / "static"
# The vendored libraries and the map live with the exports, which inline them in a page: one copy.
ASSETS = Path(str(files("chronicle.exports").joinpath("assets")))


def status_of(error: ChronicleError) -> int:
    from chronicle.service.submitting import TooLarge

    if isinstance(error, NotFound):
        return 404
    if isinstance(error, TooLarge):
        return 413
    if isinstance(error, InvalidInput):
        return 422
    if isinstance(error, StoreError):
        return 503
    if isinstance(error, IntegrityFailure):
        return 500
    return 400


def one_line(message: str, limit: int = 1000) -> str:
    text = " ".join(message.split())
    return text if len(text) <= limit else text[:limit] + "..."


def _validation_message(error: RequestValidationError) -> str:
    first: dict[str, Any] = error.errors()[0] if error.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body"))
    message = str(first.get("msg", "invalid request"))
    return f"{where}: {message}" if where else message


def create_app(served: Served) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        from chronicle.service.developments import log_position
        from chronicle.service.watching import watch

        served.watcher = watch(served.store, served.use(log_position))
        try:
            yield
        finally:
            if served.watcher is not None:
                served.watcher.stop()
                served.watcher = None

    app = FastAPI(
        lifespan=lifespan,
        title="Chronicle",
        summary="The story's developments, actors and negotiations, as the CLI's --json shows them.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the interactive docs load their scripts from a CDN: not under this CSP
        redoc_url=None,
    )

    @app.exception_handler(ChronicleError)
    async def chronicle_error(_: Request, error: ChronicleError) -> JSONResponse:
        return JSONResponse({"error": one_line(str(error))}, status_code=status_of(error))

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": one_line(_validation_message(error))}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, error: HTTPException) -> JSONResponse:
        return JSONResponse({"error": one_line(str(error.detail))}, status_code=error.status_code)

    app.middleware("http")(guard(served))
    app.include_router(live.router(served))
    app.include_router(writes.router(served))
    app.include_router(api.router(served))
    app.include_router(pages.router(served))
    app.mount("/static/exports", StaticFiles(directory=ASSETS), name="exports")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app

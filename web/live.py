"""Live updates: server-sent events carrying the log's position whenever it moves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from chronicle.service.developments import log_position
from chronicle.web.state import Served

POLL_SECONDS = 0.25  # every open page sees an append well within a second
KEEPALIVE_POLLS = 60  # a comment now and then, so proxies keep the stream open


def router(served: Served) -> APIRouter:
    api = APIRouter(prefix="/api")

    @api.get("/events", summary="Server-sent events: `position` whenever the log grows")
    async def events(request: Request) -> StreamingResponse:
        async def stream() -> AsyncIterator[bytes]:
            last = await run_in_threadpool(served.use, log_position)
            yield f"event: position\ndata: {last}\n\n".encode()
            quiet = 0
            while not await request.is_disconnected():
                await asyncio.sleep(POLL_SECONDS)
                now = await run_in_threadpool(served.use, log_position)
                if now != last:
                    last, quiet = now, 0
                    yield f"event: position\ndata: {now}\n\n".encode()
                else:
                    quiet += 1
                    if quiet >= KEEPALIVE_POLLS:
                        quiet = 0
                        yield b": still here\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    return api

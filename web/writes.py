"""Writing from the browser: the forms' descriptions, and `POST /api/developments`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from chronicle.service import submitting
from chronicle.web.forms import forms
from chronicle.web.security import refuse
from chronicle.web.state import Served


def router(served: Served) -> APIRouter:
    api = APIRouter(prefix="/api")

    @api.get("/forms", summary="The append form of each development type, from its model")
    def described() -> dict[str, Any]:
        return forms()

    @api.post(
        "/developments",
        status_code=201,
        summary="Record a development (a JSON object) or several (an array), all or nothing, as `chronicle append`",
        responses={422: {"description": "the one-line error, as the CLI prints it"}, 413: {"description": "too big"}},
    )
    async def append(request: Request) -> Any:
        if "json" not in request.headers.get("content-type", ""):
            return refuse(415, "send the developments as application/json")
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > submitting.MAX_BODY_BYTES:
            return refuse(413, f"body larger than {submitting.MAX_BODY_BYTES} bytes: use `chronicle append --file`")
        raw = bytearray()
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > submitting.MAX_BODY_BYTES:
                return refuse(413, f"body larger than {submitting.MAX_BODY_BYTES} bytes: use `chronicle append --file`")
        from starlette.concurrency import run_in_threadpool

        plan = await run_in_threadpool(served.use, lambda s: submitting.submit(s, bytes(raw)))
        return JSONResponse(
            {"recorded": plan.recorded, "unchanged": plan.unchanged, "notes": plan.notes}, status_code=201
        )

    return api

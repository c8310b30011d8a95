"""The pages: server-rendered shells (Jinja2, every text escaped) that their scripts fill from the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from chronicle.web.state import Served

HERE = Path(__file__).parent
PAGES = [("/", "Story"), ("/sources", "Sources"), ("/integrity", "Integrity"), ("/append", "Append")]


def templates() -> Jinja2Templates:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
    return Jinja2Templates(env=env)


def router(served: Served) -> APIRouter:
    pages = APIRouter(include_in_schema=False)
    views = templates()

    def render(request: Request, template: str, **context: Any) -> HTMLResponse:
        context.update(nav=PAGES, read_only=served.read_only, path=request.url.path)
        return views.TemplateResponse(request, template, context)

    @pages.get("/", response_class=HTMLResponse)
    def story(request: Request) -> HTMLResponse:
        return render(request, "story.html", title="Story")

    @pages.get("/actors/{name}", response_class=HTMLResponse)
    def actor(request: Request, name: str) -> HTMLResponse:
        return render(request, "entity.html", title=name, kind="actor", kinds="actors", name=name)

    @pages.get("/negotiations/{name}", response_class=HTMLResponse)
    def negotiation(request: Request, name: str) -> HTMLResponse:
        return render(request, "entity.html", title=name, kind="negotiation", kinds="negotiations", name=name)

    @pages.get("/developments/{dev_id}", response_class=HTMLResponse)
    def development(request: Request, dev_id: str) -> HTMLResponse:
        return render(request, "development.html", title=dev_id, dev_id=dev_id)

    @pages.get("/sources", response_class=HTMLResponse)
    def sources(request: Request) -> HTMLResponse:
        return render(request, "sources.html", title="Sources")

    @pages.get("/integrity", response_class=HTMLResponse)
    def integrity(request: Request) -> HTMLResponse:
        return render(request, "integrity.html", title="Integrity")

    @pages.get("/append", response_class=HTMLResponse)
    def append(request: Request) -> HTMLResponse:
        return render(request, "append.html", title="Append")

    return pages

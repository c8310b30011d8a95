"""Every request passes here: the token (or its session cookie), the host, cross-site writes, read-only
mode, and the headers that keep a page from running anything it did not ship."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from chronicle.web.state import Served

COOKIE = "chronicle_session"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Only what the server ships runs or loads: no inline script, no remote origin, no framing.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Writes that only read (a verify) are still refused across sites, but allowed on a read-only server.
READS_BY_POST = {"/api/verify"}


def refuse(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _token_shown(served: Served, request: Request) -> bool:
    assert served.token is not None and served.session is not None
    header = request.headers.get("authorization", "")
    if header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip().encode(), served.token.encode()):
        return True
    cookie = request.cookies.get(COOKIE, "")
    return hmac.compare_digest(cookie.encode(), served.session.encode())


def _cross_site(request: Request) -> str | None:
    """Why a write looks cross-site, or None: browsers send Sec-Fetch-Site and Origin on every POST."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return f"cross-site write refused (Sec-Fetch-Site: {site})"
    origin = request.headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin)
        if parts.netloc != request.headers.get("host", "") or parts.scheme not in ("http", "https"):
            return "cross-site write refused (Origin does not match the server)"
    return None


def guard(served: Served) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    async def middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await _checked(served, request, call_next)
        for name, value in HEADERS.items():
            response.headers[name] = value
        return response

    return middleware


async def _checked(served: Served, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    if served.loopback and _host_name(request.headers.get("host", "")) not in LOOPBACK_NAMES:
        # A page elsewhere that rebinds its name to 127.0.0.1 still sends its own name as the Host.
        return refuse(421, "this server answers only to a loopback address (127.0.0.1 or localhost)")
    if served.token is not None:
        offered = request.query_params.get("token")
        if offered is not None and request.method == "GET":
            if not hmac.compare_digest(offered.encode(), served.token.encode()):
                return refuse(401, "wrong token")
            assert served.session is not None
            kept = {k: v for k, v in request.query_params.items() if k != "token"}
            target = request.url.path + ("?" + urlencode(kept) if kept else "")
            redirect = RedirectResponse(target, status_code=303)
            redirect.set_cookie(COOKIE, served.session, httponly=True, samesite="strict", path="/")
            return redirect
        if not _token_shown(served, request):
            return refuse(401, "this server needs its token: open the link `chronicle serve` printed")
    if request.method in WRITES:
        why = _cross_site(request)
        if why:
            return refuse(403, why)
        if served.read_only and request.url.path not in READS_BY_POST:
            return refuse(405, "this server is read-only (started with --read-only)")
    return await call_next(request)

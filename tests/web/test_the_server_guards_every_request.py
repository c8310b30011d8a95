"""The server's guard: the token (or its cookie) on every request, no cross-site writes, read-only mode,
no answers to a name other than loopback, and a strict CSP on every response."""

from __future__ import annotations

from typing import Any

from served import TOKEN, client

FIGURE = {"type": "figure_reported", "occurred": "2024-01-08", "summary": "x", "actor": "us", "metric": "m", "value": 1}
PATHS = [
    "/",
    "/actors/us",
    "/negotiations/coalition-exit",
    "/developments/us-strike-baghdad",
    "/sources",
    "/integrity",
    "/append",
    "/api/actors",
    "/api/log",
    "/api/head",
    "/static/app.css",
    "/nowhere",
]


def test_without_the_token_every_request_gets_401(story: Any) -> None:
    with client(story.store.url, token=TOKEN) as c:
        for path in PATHS:
            assert c.get(path).status_code == 401, path
        assert c.get("/api/head", headers={"Authorization": "Bearer wrong-token-wrong-token"}).status_code == 401
        before = story.store.digest()
        assert c.post("/api/developments", json=FIGURE).status_code == 401
        assert story.store.digest() == before
        assert c.get("/api/head", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert c.get("/?token=not-the-token").status_code == 401


def test_the_token_in_a_link_becomes_a_strict_httponly_cookie(story: Any) -> None:
    with client(story.store.url, token=TOKEN) as c:
        first = c.get(f"/actors/us?token={TOKEN}&as_of=2024-01-05", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/actors/us?as_of=2024-01-05"
        cookie = first.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        assert TOKEN not in cookie
        assert c.get("/api/head").status_code == 200  # the client keeps the cookie
        made = c.post("/api/developments", json=FIGURE, headers={"Origin": "http://127.0.0.1:8321"})
        assert made.status_code == 201


def test_a_cross_site_write_is_refused(story: Any) -> None:
    with client(story.store.url) as c:
        before = story.store.digest()
        for headers in (
            {"Origin": "https://evil.example"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site"},
            {"Origin": "null"},
        ):
            refused = c.post("/api/developments", json=FIGURE, headers=headers)
            assert refused.status_code == 403, headers
            assert "cross-site" in refused.json()["error"]
        plain = c.post("/api/developments", content=b"type=strike", headers={"content-type": "text/plain"})
        assert plain.status_code == 415
        assert story.store.digest() == before
        assert (
            c.options("/api/developments", headers={"Origin": "https://evil.example"}).headers.get(
                "access-control-allow-origin"
            )
            is None
        )
        same = c.post(
            "/api/developments",
            json=FIGURE,
            headers={"Origin": "http://127.0.0.1:8321", "Sec-Fetch-Site": "same-origin"},
        )
        assert same.status_code == 201


def test_read_only_refuses_every_write(story: Any) -> None:
    with client(story.store.url, read_only=True) as c:
        before = story.store.digest()
        refused = c.post("/api/developments", json=FIGURE)
        assert refused.status_code == 405 and "read-only" in refused.json()["error"]
        assert story.store.digest() == before
        assert c.get("/api/actors").status_code == 200
        assert c.post("/api/verify").json()["ok"] is True


def test_a_rebound_name_gets_nothing(story: Any) -> None:
    with client(story.store.url) as c:
        assert c.get("/api/actors", headers={"Host": "evil.example:8321"}).status_code == 421
        assert c.get("/api/actors", headers={"Host": "localhost:8321"}).status_code == 200


def test_every_response_carries_a_strict_csp(story: Any) -> None:
    with client(story.store.url) as c:
        for path in PATHS:
            got = c.get(path)
            csp = got.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "default-src 'none'" in csp, path
            assert "unsafe-inline" not in csp and "http" not in csp, path
            assert got.headers["x-content-type-options"] == "nosniff"
        page = c.get("/").text
        assert "<script>" not in page and "onclick" not in page.lower()


def test_text_in_a_page_is_escaped(story: Any) -> None:
    with client(story.store.url) as c:
        page = c.get('/developments/"><script>alert(1)<script>').text
        assert "<script>alert(1)" not in page
        assert "&#34;&gt;&lt;script&gt;alert(1)&lt;script&gt;" in page

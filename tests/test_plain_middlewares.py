"""NiceGUI's three HTTP middlewares, run as plain ASGI (compat), still do what NiceGUI's do."""

import re
from collections.abc import Iterator

import httpx
import pytest
from nicegui.version import __version__ as nicegui_version
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.routing import Route

from chatkit_bridge.compat import RedirectWithPrefix
from tests.app_process import running_app
from tests.wire import call, start_thread

NICEGUI_CACHING = "public, max-age=31536000, immutable, stale-while-revalidate=31536000"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app."""
    with running_app(tmp_path_factory.mktemp("middlewares") / "data") as url:
        yield url


def test_nicegui_files_are_cached_and_answers_are_not(app_url: str) -> None:
    with httpx.Client(base_url=app_url, timeout=60) as browser:
        page = browser.get("/")
        assert page.status_code == 200
        assert page.headers.get("cache-control") != NICEGUI_CACHING
        assets = re.findall(rf'"(/_nicegui/{re.escape(nicegui_version)}/static/[^"]+)"', page.text)
        assert assets, "the page links NiceGUI's versioned files"
        asset = browser.get(assets[0])
        assert asset.status_code == 200
        assert asset.headers["cache-control"] == NICEGUI_CACHING
        assert "cache-control" not in browser.get("/healthz").headers


def test_a_first_chatkit_request_without_a_cookie_gets_its_own_session(app_url: str) -> None:
    with (
        httpx.Client(base_url=app_url, timeout=60) as alice,
        httpx.Client(base_url=app_url, timeout=60) as bob,
    ):
        thread_id, _ = start_thread(alice, "add water the plants")
        assert "session" in alice.cookies
        listed = call(alice, "threads.list", limit=10).json()["data"]
        assert [thread["id"] for thread in listed] == [thread_id]
        assert call(bob, "threads.list", limit=10).json()["data"] == []
        assert bob.cookies["session"] != alice.cookies["session"]


def redirecting_app() -> RedirectWithPrefix:
    """A tiny app whose routes redirect, behind the prefix middleware."""

    async def to_path(_: object) -> RedirectResponse:
        return RedirectResponse("/elsewhere")

    async def to_url(_: object) -> RedirectResponse:
        return RedirectResponse("https://example.com/elsewhere")

    async def plain(_: object) -> PlainTextResponse:
        return PlainTextResponse("here")

    routes = [Route("/path", to_path), Route("/url", to_url), Route("/plain", plain)]
    return RedirectWithPrefix(Starlette(routes=routes))


@pytest.mark.parametrize(
    ("route", "prefix", "location"),
    [
        ("/path", "/behind/proxy", "/behind/proxy/elsewhere"),
        ("/path", "", "/elsewhere"),
        ("/url", "/behind/proxy", "https://example.com/elsewhere"),
        ("/plain", "/behind/proxy", None),
    ],
)
async def test_a_redirect_behind_a_path_prefix_keeps_the_prefix(
    route: str, prefix: str, location: str | None
) -> None:
    transport = httpx.ASGITransport(app=redirecting_app())
    headers = {"X-Forwarded-Prefix": prefix} if prefix else {}
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        response = await client.get(route, headers=headers)
    assert response.headers.get("location") == location

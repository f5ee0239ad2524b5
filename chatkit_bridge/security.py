"""The edge of the app: cross-site and oversized requests are refused before any route runs.

- `/chatkit*` and `/api/*` answer 403 to a foreign `Origin` (or `Sec-Fetch-Site: cross-site` or
  `same-site`: another port of the same host is the same site) unless ALLOWED_ORIGINS lists it,
  415 to a body that is not JSON, and 400 to text that cannot be encoded (lone surrogates).
- Every body is read at most `max_body_bytes` far (declared or chunked): 413 beyond.
- NiceGUI's socket refuses a foreign `Origin`, so another site cannot drive a page.
- Every response says: no framing by other sites, no MIME sniffing, no referrer to other sites;
  cookies get `Secure` when the request came over HTTPS (directly or per `X-Forwarded-Proto`).
"""

import json
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chatkit_bridge.compat import (
    accept_page_events_only_from_their_socket,
    add_session_middleware,
    use_plain_asgi_middlewares,
)
from chatkit_bridge.settings import Settings, parse_origins

MAX_BODY_BYTES = 1_000_000
GUARDED_PREFIXES = ("/chatkit", "/api/")
SOCKET_PREFIX = "/_nicegui_ws/"
BODY_METHODS = {"POST", "PUT", "PATCH"}
FOREIGN_FETCH_SITES = {"cross-site", "same-site"}
DEFAULT_PORTS = {"http": ":80", "https": ":443"}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "frame-ancestors 'self'; base-uri 'self'; object-src 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
RENEW_SESSION_SECONDS = 24 * 3600
RENEWED_KEY = "renewed"

CROSS_SITE = (
    "Cross-site request refused: this route only answers pages of this app "
    "(a front end hosted elsewhere needs its origin in ALLOWED_ORIGINS)."
)
NOT_JSON = "Send the body as JSON (Content-Type: application/json)."
NOT_ENCODABLE = (
    "The text contains characters that cannot be stored (a lone UTF-16 surrogate or "
    "bytes that are not UTF-8); nothing was saved."
)


def too_large(limit: int) -> str:
    """Say how large a body may be."""
    return f"Request body is larger than {limit} bytes."


def origin_key(origin: str) -> str:
    """Normalise an origin for comparison: lower case, no default port, no trailing slash."""
    parts = urlsplit(origin.strip().lower())
    netloc = parts.netloc.removesuffix(DEFAULT_PORTS.get(parts.scheme, "\0"))
    return f"{parts.scheme}://{netloc}"


def host_key(host: str, scheme: str) -> str:
    """Normalise a Host header like an origin's `host[:port]`."""
    return host.strip().lower().removesuffix(DEFAULT_PORTS.get(scheme, "\0"))


class EdgeGuard:
    """ASGI middleware that applies the rules in this module's docstring."""

    def __init__(
        self,
        app: ASGIApp,
        allowed_origins: Iterable[str] = (),
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self.allowed = frozenset(origin_key(origin) for origin in allowed_origins)
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse what the rules forbid, otherwise pass the request on with the body capped."""
        if scope["type"] == "websocket":
            if scope["path"].startswith(SOCKET_PREFIX) and not self.same_or_allowed(scope):
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = with_security_headers(scope, send)
        refusal = self.refusal(scope)
        if refusal is None and scope["method"] in BODY_METHODS | {"DELETE"}:
            body, refusal = await self.read_body(scope, receive)
            if body is None and refusal is None:
                return  # the client went away while sending
            receive = replay(body or b"", receive)
        if refusal is not None:
            status, message = refusal
            await JSONResponse({"error": message}, status_code=status)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        """Return the status and message that refuse a request before its body, if any."""
        path: str = scope["path"]
        guarded = path.startswith(GUARDED_PREFIXES) or path == "/api"
        if (guarded or path.startswith(SOCKET_PREFIX)) and not self.same_or_allowed(scope):
            return 403, CROSS_SITE
        headers = Headers(scope=scope)
        if guarded and scope["method"] in BODY_METHODS and not is_json(headers):
            return 415, NOT_JSON
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            return 413, too_large(self.max_body_bytes)
        return None

    def same_or_allowed(self, scope: Scope) -> bool:
        """Tell whether a request comes from this app's own pages, a listed origin, or no page."""
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:
            # Browsers send Origin with every state-changing fetch and form; without it, only
            # a navigation or a non-browser client remains, and Sec-Fetch-Site names the former.
            return headers.get("sec-fetch-site", "").lower() not in FOREIGN_FETCH_SITES
        key = origin_key(origin)
        if key in self.allowed:
            return True
        scheme, _, netloc = key.partition("://")
        own_hosts = (headers.get("host", ""), headers.get("x-forwarded-host", ""))
        return netloc in {host_key(host, scheme) for host in own_hosts if host}

    async def read_body(
        self, scope: Scope, receive: Receive
    ) -> tuple[bytes | None, tuple[int, str] | None]:
        """Read the whole body up to the limit; refuse a larger or unencodable one."""
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None, None
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None, (413, too_large(self.max_body_bytes))
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        path: str = scope["path"]
        if path.startswith(GUARDED_PREFIXES) and not encodable(body):
            return body, (400, NOT_ENCODABLE)
        return body, None


def is_json(headers: Headers) -> bool:
    """Tell whether a request declares a JSON body."""
    media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
    return media_type == "application/json"


def encodable(body: bytes) -> bool:
    """Tell whether a body is UTF-8 whose JSON strings hold no lone surrogate."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    # Only a `\ud800`-`\udfff` escape can make a lone surrogate; the full check is for those rare
    # bodies, so a normal body is still parsed once, by its route.
    if "\\ud" not in text and "\\uD" not in text:
        return True
    try:
        json.dumps(json.loads(text), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    except (ValueError, RecursionError):
        return True  # not JSON, or nested too deep: the route refuses it with its own message
    return True


def replay(body: bytes, receive: Receive) -> Receive:
    """Hand the already read body to the app, then pass on what the client sends (disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


def with_security_headers(scope: Scope, send: Send) -> Send:
    """Add the security headers to a response, and `Secure` to its cookies over HTTPS."""
    secure = is_https(scope)

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in SECURITY_HEADERS.items():
                headers.setdefault(name, value)
            if secure:
                message["headers"] = [
                    (name, value + b"; secure")
                    if name == b"set-cookie" and not has_secure_flag(value)
                    else (name, value)
                    for name, value in message["headers"]
                ]
        await send(message)

    return sending


def has_secure_flag(cookie: bytes) -> bool:
    """Tell whether a Set-Cookie value already has the `Secure` attribute (not in its value)."""
    return any(part.strip().lower() == b"secure" for part in cookie.split(b";")[1:])


def is_https(scope: Scope) -> bool:
    """Tell whether the browser reached us over HTTPS, directly or through a TLS proxy."""
    if scope.get("scheme") == "https":
        return True
    forwarded = Headers(scope=scope).get("x-forwarded-proto", "")
    # A client that lies here only makes its own cookie stricter, so no proxy list is needed.
    return forwarded.split(",")[0].strip().lower() == "https"


class SessionRenewal:
    """Re-sign a browser session once a day, so the cookie lives SESSION_MAX_AGE_DAYS past use."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Mark a session older than a day as changed; the session middleware re-sends it."""
        if scope["type"] == "http" and "session" in scope:
            now = int(time.time())
            if scope["session"].get(RENEWED_KEY, 0) < now - RENEW_SESSION_SECONDS:
                scope["session"][RENEWED_KEY] = now
        await self.app(scope, receive, send)


def install_edge(app: FastAPI, settings: Settings) -> None:
    """Add, outermost first: CORS for listed origins, the edge guard, sessions, renewal."""
    allowed = sorted(origin_key(origin) for origin in parse_origins(settings.allowed_origins))
    app.add_middleware(SessionRenewal)
    add_session_middleware(app, settings.storage_secret, settings.session_max_age_days * 86400)
    app.add_middleware(EdgeGuard, allowed_origins=allowed)
    if allowed:
        # A front end on another origin sends JSON, so the browser asks first (preflight).
        app.add_middleware(
            CORSMiddleware,
            allow_origins=allowed,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["content-type", "authorization"],
        )
    accept_page_events_only_from_their_socket()
    use_plain_asgi_middlewares()

"""Who is calling: the signed browser session, or Azure Container Apps authentication."""

from starlette.requests import HTTPConnection

PRINCIPAL_HEADER = "X-MS-CLIENT-PRINCIPAL-ID"


class UnauthenticatedError(Exception):
    """The request carries no identity the app accepts."""


def user_id_of(connection: HTTPConnection, auth_mode: str) -> str:
    """Return the caller's user id, the same for pages, /chatkit and /api."""
    if auth_mode == "easyauth":
        principal = connection.headers.get(PRINCIPAL_HEADER, "").strip()
        if not principal:
            raise UnauthenticatedError(f"missing {PRINCIPAL_HEADER} header")
        return f"aad:{principal}"
    # NiceGUI's session middleware gives every browser a signed, random id.
    session_id = connection.session.get("id") if "session" in connection.scope else None
    if not session_id:
        raise UnauthenticatedError("no browser session")
    return f"browser:{session_id}"

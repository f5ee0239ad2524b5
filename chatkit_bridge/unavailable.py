"""Answer 503 with a clear message wherever the data cannot be read, pages included.

The JSON routes catch `StorageError` themselves. A page that fails while it is
built would otherwise get NiceGUI's 500 page; this handler turns that into a
503 page that says what happened and that nothing was lost.
"""

import html
import logging

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from chatkit_bridge.jsonfiles import StorageError

logger = logging.getLogger(__name__)

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="30">
<title>Data unavailable</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; color: #1f1f1f; background: #fff; }}
main {{ max-width: 36rem; margin: 15vh auto; padding: 0 1.5rem; line-height: 1.5; }}
a {{ color: #0b57d0; }}
@media (prefers-color-scheme: dark) {{
  body {{ color: #e8e8e8; background: #121212; }} a {{ color: #8ab4f8; }}
}}
</style>
</head>
<body>
<main role="alert">
<h1>Your data cannot be read right now</h1>
<p>{message}</p>
<p><a href="{path}">Try again</a> (this page also retries by itself every 30 seconds).</p>
</main>
</body>
</html>
"""


def storage_unavailable(request: Request, error: Exception) -> Response:
    """Answer a request that failed on storage: a 503 page for pages, 503 JSON otherwise."""
    assert isinstance(error, StorageError)
    # Imported here: the handler is registered before the chat stack loads (app.py).
    from chatkit_bridge.http import STORAGE_FAILED, storage_error_response

    if not request.scope.get("nicegui_page_path"):
        return storage_error_response(error)
    logger.error("storage failed while building %s: %s", request.url.path, error)
    page = _PAGE.format(message=html.escape(STORAGE_FAILED), path=html.escape(request.url.path))
    return HTMLResponse(page, status_code=503, headers={"Retry-After": "30"})


def register_storage_errors(app: FastAPI) -> None:
    """Make every route and page answer 503, never 500, when the data cannot be read."""
    app.add_exception_handler(StorageError, storage_unavailable)

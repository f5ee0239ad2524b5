"""A client that reuses an idle keep-alive connection is not cut off (bench paced failures)."""

import http.client
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.app_process import running_app

# Longer than uvicorn's default keep-alive (5 s) and httpx's pool expiry (5 s), under app.py's.
IDLE_SECONDS = 6


def test_a_connection_idle_longer_than_clients_keep_theirs_still_answers(tmp_path: Path) -> None:
    with running_app(tmp_path / "data") as url:
        address = urlsplit(url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        try:
            connection.request("GET", "/healthz")
            assert connection.getresponse().read() and connection.sock is not None
            socket = connection.sock
            time.sleep(IDLE_SECONDS)  # the idle time is what is tested, not a wait for a state
            connection.request("GET", "/healthz")  # a closed connection: RemoteDisconnected
            answer = connection.getresponse()
            assert answer.status == 200
            assert connection.sock is socket, "the same connection answered"
        finally:
            connection.close()

"""A threading HTTP server for tests that leaves nothing running once it is closed.

The standard library's ThreadingHTTPServer joins its handler threads on close, but a handler
waits for the next request on a keep-alive connection until the client hangs up: the app's
HTTP pool, or Chromium (shared by the whole session), which may also open a connection it
never sends a request on. Such a thread would outlive the test and fail its module in
tests/leftovers.py, or wait forever for the client. Closing this server ends those
connections first.
"""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import ThreadingHTTPServer
from typing import Any


class ClosingHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server whose close also ends its connections and their threads.

    `stopping` is set when the close begins: a handler that waits on purpose (a scripted
    delay) waits on it to end early.
    """

    daemon_threads = False  # server_close joins the handler threads

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Remember each connection until it is closed."""
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget a connection that is closed."""
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        """End waits and open connections, then wait for their threads."""
        self.stopping.set()
        with self._connections_lock:
            for connection in self._connections:
                with suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
        super().server_close()


@contextmanager
def serving(server: ClosingHTTPServer) -> Iterator[ClosingHTTPServer]:
    """Serve in a background thread for the duration of the block; leave no thread behind.

    :param server: the server to run, closed when the block ends
    """
    thread = threading.Thread(target=server.serve_forever, name=f"serving {server.server_port}")
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

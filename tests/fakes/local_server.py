"""The lifecycle every stand-in shares: a real HTTP server on 127.0.0.1 (a free
port) in a daemon thread, usable as a context manager. The request handler
reaches its stand-in as `self.server.fake`."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client hanging up mid-answer is part of the tests (timeouts), not noise


class LocalHTTPServer:
    handler: type[BaseHTTPRequestHandler]  # set by each stand-in
    _server: QuietHTTPServer | None = None
    _thread: threading.Thread | None = None

    def start(self):
        self._server = QuietHTTPServer(("127.0.0.1", 0), self.handler)
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, f"{type(self).__name__} is not started"
        return self._server.server_address[1]

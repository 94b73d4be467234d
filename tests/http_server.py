"""A scriptable HTTP server on 127.0.0.1 for fetcher tests: each path maps to a list of replies."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class LocalServer:
    """A threaded HTTP server on 127.0.0.1, on a free port, for the span of a ``with`` block."""

    def _listen(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


class ScriptedServer(LocalServer):
    """Serves ``routes[path]`` replies in order (the last one repeats); logs request times and headers."""

    def __init__(self, routes: dict[str, list[Reply]]):
        self.routes = routes
        self.hits: list[tuple[str, float]] = []
        self.requests: list[tuple[str, dict[str, str]]] = []  # path and request headers
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_GET(self):
                count = sum(1 for path, _ in owner.hits if path == self.path)
                owner.hits.append((self.path, time.monotonic()))
                owner.requests.append((self.path, dict(self.headers.items())))
                replies = owner.routes.get(self.path) or [Reply(404, b"not found")]
                reply = replies[min(count, len(replies) - 1)]
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in reply.headers:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                try:
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._listen(Handler)

    def count(self, path: str) -> int:
        return sum(1 for p, _ in self.hits if p == path)

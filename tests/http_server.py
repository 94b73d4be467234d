"""HTTP servers on 127.0.0.1 for tests: scripted replies per path, and faults per (host, path) behind a proxy."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HTML = "text/html; charset=utf-8"


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


# --- what a fault server can do, per (host, path) ----------------------------------------------

Behaviour = Callable[[BaseHTTPRequestHandler], None]


def send_head(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str]) -> None:
    handler.send_response(status)
    for key, value in headers.items():
        handler.send_header(key, value)
    handler.end_headers()


def page(body: bytes, content_type: str | None = HTML, status: int = 200, **headers: str) -> Behaviour:
    def reply(handler: BaseHTTPRequestHandler) -> None:
        typed = {"Content-Type": content_type} if content_type else {}
        send_head(handler, status, typed | {"Content-Length": str(len(body))} | headers)
        handler.wfile.write(body)

    return reply


def redirect(location: str | None) -> Behaviour:
    return page(b"moved", status=302, **({"Location": location} if location else {}))


class FaultServer(LocalServer):
    """Serves ``routes[(host, path)]`` on 127.0.0.1, directly (Host header) or as an HTTP proxy
    (absolute request targets); logs every (host, path) asked for."""

    def __init__(self, routes: dict[tuple[str, str], Behaviour]):
        self.requests: list[tuple[str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                target = urlsplit(self.path)
                host = (target.hostname or self.headers.get("Host", "").split(":")[0]).lower()
                owner.requests.append((host, target.path))
                behaviour = routes.get((host, target.path), page(b"<h1>404</h1>", status=404))
                try:
                    behaviour(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler hung up: a size limit or a timeout

        self._listen(Handler)

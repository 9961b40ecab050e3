"""A real HTTP server on 127.0.0.1 (ephemeral port) for the web source tests.

Each test sets `server.routes[path] = Route(...)` or a callable `(handler) -> Route`; every request
is logged in `server.requests` (path, headers), so tests can count fetches and check headers.
Nothing here touches any other address.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Union

import pytest


@dataclass
class Route:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a slow server)
    content_type: str = "text/html; charset=utf-8"
    no_length: bool = False  # no Content-Length: the body ends when the connection closes
    rate: float = 0.0  # bytes per second: a server that trickles its body (0: all at once)


Handler = Union[Route, Callable[["_Handler"], Route]]


@dataclass
class Request:
    path: str
    headers: dict[str, str]


class _Handler(BaseHTTPRequestHandler):
    server: "TestServer"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        self.server.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}))
        route = self.server.routes.get(self.path) or self.server.routes.get(self.path.split("?")[0])
        if route is None:
            route = Route(404, b"not found", content_type="text/plain")
        elif callable(route):
            route = route(self)
        if route.delay:
            time.sleep(route.delay)
        body = route.body.encode("utf-8") if isinstance(route.body, str) else route.body
        try:
            self.send_response(route.status)
            if route.content_type:
                self.send_header("Content-Type", route.content_type)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.no_length:
                self.send_header("Connection", "close")
                self.close_connection = True
            elif "Content-Length" not in route.headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if route.status != 304:
                self._write(body, route.rate)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (size limit, timeout): that is what some tests want

    def _write(self, body: bytes, rate: float) -> None:
        if not rate:
            self.wfile.write(body)
            return
        step = max(1, int(rate / 10))  # ten small writes a second
        for start in range(0, len(body), step):
            if self.server.closing:
                return
            self.wfile.write(body[start:start + step])
            self.wfile.flush()
            time.sleep(step / rate)

    def log_message(self, format: str, *args) -> None:  # keep test output quiet
        pass


class TestServer(ThreadingHTTPServer):
    __test__ = False  # not a test class, whatever its name
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self.closing = False  # set at teardown, so that a trickling handler stops

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hung up (size limit, timeout) is what some tests want

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)


@pytest.fixture
def server():
    srv = TestServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.closing = True
        srv.shutdown()
        srv.server_close()

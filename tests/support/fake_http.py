"""A real HTTP server on 127.0.0.1 in a thread, answering with a Python function."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    """What to answer: status, JSON (or text) body, headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, str]:
        if self.body is None:
            return b"", "text/plain"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return json.dumps(self.body).encode(), "application/json"


Handler = Callable[[Seen], Answer]


@dataclass
class FakeServer:
    """The running server: its base URL and every request it saw."""

    url: str
    seen: list[Seen]
    handler: list[Handler]

    def answer_with(self, handler: Handler) -> None:
        self.handler[0] = handler


@contextmanager
def fake_server(handler: Handler) -> Iterator[FakeServer]:
    """Serve ``handler`` on a free port of 127.0.0.1 until the block ends."""
    seen: list[Seen] = []
    current: list[Handler] = [handler]
    lock = threading.Lock()

    class Handle(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            request = Seen(
                self.command,
                parts.path,
                query,
                {k.lower(): v for k, v in self.headers.items()},
                body,
            )
            with lock:
                seen.append(request)
                answer = current[0](request)
            payload, content_type = answer.encoded()
            self.send_response(answer.status)
            headers = {"Content-Type": content_type, **answer.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield FakeServer(f"http://{host!s}:{port}", seen, current)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

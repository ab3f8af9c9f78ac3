"""The fault suite's own HTTP server: the replay's bienphong site on 127.0.0.1, with faults injected per path.

Every other path is the replay's answer, so crawls run the real bienphong profile and URL patterns; the server
counts the articles it served whole, which is what the suite holds `api.articles` against.
"""
from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawlers.replay import Replay
from sources import SOURCES_DIR

SOURCE = "bienphong"
HOST = "www.bienphong.com.vn"
# A hung handler must not outlive its test: sleeps are capped, and threads are daemons.
MAX_SLEEP_SECONDS = 30.0
CHALLENGE_PAGE = (SOURCES_DIR / "laodong/replay/recorded/laodong_challenge.html").read_bytes()
CHALLENGE_COOKIE = "D1N=6f1c0a9e2b7d4e3fa5c8b1d2e4f60718"  # what CHALLENGE_PAGE's script sets


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict | None = None


class Fault:
    """What the server does instead of answering a path. `times` bounds a transient fault: after that many
    hits the path is answered normally."""

    times: int | None = None

    def serve(self, handler: FaultHandler, path: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass
class Answer(Fault):
    """A fixed reply (a status, a body, headers), optionally for the first `times` requests only."""

    reply: Reply
    times: int | None = None

    def serve(self, handler, path):
        handler.write(self.reply)


@dataclass
class Reset(Fault):
    """The connection is reset (RST) before any byte of a response."""

    times: int | None = None

    def serve(self, handler, path):
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        handler.connection.close()


@dataclass
class Truncate(Fault):
    """The real page, announced whole, a third of it sent, then the connection closed."""

    times: int | None = None

    def serve(self, handler, path):
        body = handler.server.page(path)
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[: len(body) // 3])
        handler.wfile.flush()
        handler.close_connection = True


@dataclass
class Hang(Fault):
    """No answer for `seconds` (past the crawler's download timeout), then the real page."""

    seconds: float
    times: int | None = None

    def serve(self, handler, path):
        time.sleep(min(self.seconds, MAX_SLEEP_SECONDS))
        handler.write(Reply(200, handler.server.page(path)))


@dataclass
class Redirect(Fault):
    """A 302 to `location` (a path of the same host, or an absolute URL)."""

    location: str
    times: int | None = None

    def serve(self, handler, path):
        target = self.location if "://" in self.location else f"https://{HOST}{self.location}"
        handler.write(Reply(302, b"", headers={"Location": target}))


@dataclass
class Page(Fault):
    """The real page transformed by `edit` (bytes -> bytes), e.g. stray bytes spliced into it."""

    edit: Callable[[bytes], bytes]
    content_type: str = "text/html; charset=utf-8"
    times: int | None = None

    def serve(self, handler, path):
        handler.write(Reply(200, self.edit(handler.server.page(path)), self.content_type))


@dataclass
class CookieChallenge(Fault):
    """Lao Động's JS cookie challenge (vn-news-sites §3.11): the recorded challenge page, whose script sets
    `D1N=<value>` and reloads, until a request carries that cookie; then the real page."""

    times: int | None = None

    def serve(self, handler, path):
        if CHALLENGE_COOKIE in (handler.headers.get("Cookie") or ""):
            handler.write(Reply(200, handler.server.page(path)))
            handler.server.article_served(path)
        else:
            handler.write(Reply(200, CHALLENGE_PAGE))


_BOMB: bytes | None = None


def gzip_bomb(expanded_mib: int = 1000) -> bytes:
    """`expanded_mib` MiB of zeros, gzipped: about 1 MB on the wire for 1000 MiB (compressed once per process)."""
    global _BOMB
    if _BOMB is None:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip container
        chunk = bytes(1 << 20)
        _BOMB = b"".join(packer.compress(chunk) for _ in range(expanded_mib)) + packer.flush()
    return _BOMB


@dataclass
class Bomb(Fault):
    """A gzip bomb: a small body, Content-Encoding gzip, that expands to 1000 MiB."""

    times: int | None = None

    def serve(self, handler, path):
        handler.write(Reply(200, gzip_bomb(), headers={"Content-Encoding": "gzip"}))


class FaultHandler(BaseHTTPRequestHandler):
    server: FaultServer
    protocol_version = "HTTP/1.1"  # keep-alive, as real sites serve

    def do_GET(self) -> None:
        target = self.path.partition("?")[0]
        path = "/" + target.lstrip("/").partition("/")[2]
        fault = self.server.fault_for(path)
        try:
            if fault is not None:
                fault.serve(self, path)
                return
            reply = self.server.replay.handle(self.path)
            self.write(Reply(reply.status, reply.body, reply.content_type, reply.headers))
            if reply.status == 200 and path in self.server.site.by_path:
                self.server.article_served(path)
        except OSError:
            # The client gave up, or a Reset fault closed the socket: nothing left to answer.
            self.close_connection = True

    def write(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in (reply.headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args) -> None:  # the stdlib's signature
        pass


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The stdlib default of 5 drops connects under a crawler's 16 parallel requests (each retried after 1 s):
    # the server under test must never be the fault.
    request_queue_size = 128

    def __init__(self):
        super().__init__(("127.0.0.1", 0), FaultHandler)
        self.replay = Replay()
        self.site = self.replay.sites[HOST]
        # The replay's own deliberately bad pages stay out: each test injects exactly the faults it studies.
        self.site.cfg = {**self.site.cfg, "bad": []}
        self.faults: dict[str, Fault] = {}
        self.hits: Counter[str] = Counter()
        self.served: Counter[str] = Counter()
        self.on_article: Callable[[int], None] | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return "http://{}:{}".format(*self.server_address)

    def fault_for(self, path: str) -> Fault | None:
        with self._lock:
            fault = self.faults.get(path)
            if fault is None:
                return None
            self.hits[path] += 1
            if fault.times is not None and self.hits[path] > fault.times:
                return None
            return fault

    def article_served(self, path: str) -> None:
        with self._lock:
            self.served[path] += 1
            total = sum(self.served.values())
        if self.on_article is not None:
            self.on_article(total)

    def page(self, path: str) -> bytes:
        """The replay's article at `path`, as it serves it."""
        return self.replay.handle(f"/{HOST}{path}").body

    def articles(self, start, end) -> list[str]:
        """The URLs of the scheduled articles published in [start, end)."""
        return [a.url for a in self.site.between(start, end)]

    def path(self, url: str) -> str:
        return "/" + url.split("://", 1)[1].partition("/")[2]


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body, mtime=0)

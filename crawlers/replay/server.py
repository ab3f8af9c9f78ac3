"""The replay's HTTP server: stdlib ThreadingHTTPServer answering `/<host>/<path>?<query>` from the site map."""
from __future__ import annotations

import logging
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawlers.replay.site import Replay

log = logging.getLogger(__name__)

# The slow route must outlast the crawler's DOWNLOAD_TIMEOUT (same env variable, read by both), yet stay
# bounded so a stray client never pins a thread for long.
SLOW_MARGIN_SECONDS = 2.0
SLOW_CAP_SECONDS = 60.0


def slow_seconds() -> float:
    timeout = float(os.environ.get("BANTIN_DOWNLOAD_TIMEOUT") or 30)
    return min(timeout + SLOW_MARGIN_SECONDS, SLOW_CAP_SECONDS)


class ReplayServer(ThreadingHTTPServer):
    # Sleeping handler threads must not block shutdown.
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, replay: Replay):
        super().__init__(address, ReplayHandler)
        self.replay = replay
        self.slow_seconds = slow_seconds()


class ReplayHandler(BaseHTTPRequestHandler):
    server: ReplayServer
    server_version = "bantin-replay/1"

    def do_GET(self) -> None:
        reply = self.server.replay.handle(self.path)
        try:
            if reply.mode == "slow":
                time.sleep(self.server.slow_seconds)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            body = reply.body
            if reply.mode == "truncated":
                # Announce the whole body, send a third of it, then drop the connection.
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 3])
                self.wfile.flush()
                self.close_connection = True
                return
            self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (e.g. the timeout route); nothing left to answer.
            self.close_connection = True

    def log_message(self, format: str, *args) -> None:
        log.debug("%s %s", self.address_string(), format % args)


def make_server(host: str = "127.0.0.1", port: int = 0, anchor=None) -> ReplayServer:
    """A bound, not yet serving, replay server; port 0 picks a free port (see `server.server_address`)."""
    return ReplayServer((host, port), Replay(anchor))

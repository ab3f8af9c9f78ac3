"""The offline replay of the news sites: `serve(host, port, anchor)`, or `make_server` to run it in a thread."""
from __future__ import annotations

import json
import logging
import threading

from crawlers.replay.server import Replay, make_server, site_servers
from crawlers.replay.synthetic import DEFAULT_ANCHOR

log = logging.getLogger(__name__)


def serve(host: str = "127.0.0.1", port: int = 8765, anchor=None, archive=None, own_address: bool = False) -> None:
    """Serve until interrupted. `anchor` (ISO 8601) is the time the synthetic news is dated up to; `archive`
    (crawlers.replay.archive.Archive) serves that span and density for every source. `own_address` serves each
    site at the root of a port of its own instead, its links leading there (for a crawler without the rewrite
    middleware); its first line on stdout maps each site's host to its address, as JSON."""
    if own_address:
        servers = site_servers(host, anchor, archive)
        replay = next(iter(servers.values())).replay
        print(json.dumps(replay.own_address), flush=True)
        for server in servers.values():
            threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            threading.Event().wait()
        finally:
            for server in servers.values():
                server.shutdown()
                server.server_close()
        return
    server = make_server(host, port, anchor, archive)
    log.info("replay anchored at %s on http://%s:%s%s", server.replay.anchor.isoformat(), *server.server_address,
             f" ({archive.days:g} days x {archive.per_day} articles per source)" if archive else "")
    try:
        server.serve_forever()
    finally:
        server.server_close()


__all__ = ["DEFAULT_ANCHOR", "Replay", "make_server", "serve"]

"""The offline replay of the news sites: `serve(host, port, anchor)`, or `make_server` to run it in a thread."""
from __future__ import annotations

import logging

from crawlers.replay.server import Replay, make_server
from crawlers.replay.synthetic import DEFAULT_ANCHOR

log = logging.getLogger(__name__)


def serve(host: str = "127.0.0.1", port: int = 8765, anchor=None, archive=None, own_address: bool = False) -> None:
    """Serve until interrupted. `anchor` (ISO 8601) is the time the synthetic news is dated up to; `archive`
    (crawlers.replay.archive.Archive) serves that span and density for every source; `own_address` serves links
    that lead back to the replay (for a crawler without the rewrite middleware)."""
    server = make_server(host, port, anchor, archive, own_address)
    log.info("replay anchored at %s on http://%s:%s%s", server.replay.anchor.isoformat(), *server.server_address,
             f" ({archive.days:g} days x {archive.per_day} articles per source)" if archive else "")
    try:
        server.serve_forever()
    finally:
        server.server_close()


__all__ = ["DEFAULT_ANCHOR", "Replay", "make_server", "serve"]

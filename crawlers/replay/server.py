"""The replay's HTTP server: stdlib ThreadingHTTPServer answering `/<host>/<path>?<query>` from the site map."""
from __future__ import annotations

import dataclasses
import functools
import html
import logging
import re
import socket
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawlers.replay.archive import ARCHIVE_FIRST_BAND, BAND, Archive, ArchiveSite
from crawlers.replay.recorded import RecordedSite
from crawlers.replay.reply import Reply
from crawlers.replay.synthetic import DEFAULT_ANCHOR, Site
from sources import SOURCES_DIR, load_profile, source_names
from sources.dates import VN_TZ
from warehouse import settings

log = logging.getLogger(__name__)

# The slow route must outlast the crawler's DOWNLOAD_TIMEOUT (same env variable, read by both), yet stay
# bounded so a stray client never pins a thread for long.
SLOW_MARGIN_SECONDS = 2.0
SLOW_CAP_SECONDS = 60.0


def slow_seconds() -> float:
    timeout = settings.get("BANTIN_DOWNLOAD_TIMEOUT")
    return min(timeout + SLOW_MARGIN_SECONDS, SLOW_CAP_SECONDS)


class Replay:
    """Every source's site, routed by the request's first path segment (the original host)."""

    def __init__(self, anchor: str | datetime | None = None, archive: Archive | None = None):
        """The demo's replay by default: three synthetic sites and twelve serving their recorded pages. With an
        `archive`, every source serves that span and density of synthetic articles in its own layout."""
        if anchor is None:
            anchor = DEFAULT_ANCHOR
        if isinstance(anchor, str):
            anchor = datetime.fromisoformat(anchor)
        if anchor.tzinfo is None:
            anchor = anchor.replace(tzinfo=VN_TZ)
        self.anchor, self.archive = anchor, archive
        self.sites = {}
        names = source_names()
        synthetic = {n for n in names if (SOURCES_DIR / n / "replay" / "site.yaml").is_file()}
        # Body bands: the synthetic sites' own, then one per archive source, each reprinting (one article in
        # REPRINT_EVERY) from the source before it, so syndication runs across all fifteen outlets.
        bands = {n: ARCHIVE_FIRST_BAND + i for i, n in enumerate(n for n in names if n not in synthetic)}
        sites = {}
        for name in sorted(synthetic):
            sites[name] = Site(name, anchor) if archive is None else Site(
                name, anchor, history=timedelta(days=archive.days), slot_seconds=archive.slot_seconds,
                band_size=BAND, faults=True)
            bands[name] = sites[name].cfg["corpus_band"]
        for i, name in enumerate(names):
            if name not in synthetic:
                sites[name] = RecordedSite(name) if archive is None else ArchiveSite(
                    name, anchor, archive, bands[name], bands[names[i - 1]])
        for site in sites.values():
            for host in site.hosts:
                self.sites[host] = site
        # {host: base URL} when each host is a server of its own (`site_servers`): the links and redirects served
        # to a replayed site then lead back to the replay, `https://HOST/PATH` as `BASE/PATH`, for a crawler that
        # has no rewrite middleware, such as a peer's.
        self.own_address: dict[str, str] | None = None
        # Any scheme or none (`//HOST/`), and only where the host ends: `vnexpress.net` but not `vnexpress.net.vn`.
        # Longest first, so `www.bienphong.com.vn` is not taken for `bienphong.com.vn` preceded by `www.`.
        hosts = sorted(self.sites, key=len, reverse=True)
        self._links = re.compile(rb"(?:https?:)?//(" + b"|".join(re.escape(h.encode()) for h in hosts)
                                 + rb")(?![\w.-])", re.IGNORECASE)

    def handle(self, raw_path: str) -> Reply:
        """`raw_path` is `/<host>/<path>?<query>` as the rewrite middleware sends it."""
        target, _, query = raw_path.partition("?")
        host, _, rest = target.lstrip("/").partition("/")
        site = self.sites.get(host.lower())
        reply = site.route(host.lower(), "/" + rest, query) if site else None
        if reply is None and site and not rest and not query:
            reply = home_page(site.name)
        if reply is None:
            return Reply(404, b"<html><body><h1>404 Not Found</h1></body></html>")
        if self.own_address:
            bases = {h: b.rstrip("/").encode() for h, b in self.own_address.items()}
            relink = functools.partial(self._links.sub, lambda m: bases[m[1].decode().lower()])
            headers = {k: relink(v.encode()).decode() if k.lower() == "location" else v
                       for k, v in reply.headers.items()}
            reply = dataclasses.replace(reply, body=relink(reply.body), headers=headers)
        return reply


def home_page(source: str) -> Reply:
    """A site's home page where its replay has none of its own: the feeds it advertises (`<link
    rel="alternate">`, as real home pages do) and links to its listings, from its profile. A crawler that starts
    from a site's root (a peer's) needs it to answer."""
    discovery = load_profile(source).get("discovery") or {}
    feeds = "".join(f'<link rel="alternate" type="application/rss+xml" href="{html.escape(url)}">'
                    for url in discovery.get("feeds", []))
    listings = "".join(f'<li><a href="{html.escape(spec["url"])}">{html.escape(spec["url"])}</a></li>'
                       for spec in discovery.get("listings", []))
    return Reply(200, (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{source}</title>{feeds}'
                       f"</head><body><ul>{listings}</ul></body></html>").encode())


class ReplayServer(ThreadingHTTPServer):
    # Sleeping handler threads must not block shutdown.
    daemon_threads = True
    allow_reuse_address = True
    # The listen backlog. A crawler opens up to 16 connections per site at once, a benchmark many more; at
    # socketserver's default of 5 the kernel drops the rest and each client retries a second later, so the
    # replay, not the client, set the pace. 128 is the kernel's usual somaxconn floor.
    request_queue_size = 128

    def get_request(self):
        sock, address = super().get_request()
        # Headers and body are separate writes: without this, Nagle's algorithm holds the body back until the
        # client acknowledges the headers (a delayed ACK of up to 40 ms per response).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock, address

    def __init__(self, address, replay: Replay, site_host: str | None = None):
        super().__init__(address, ReplayHandler)
        self.replay = replay
        self.slow_seconds = slow_seconds()
        # A server of one site (`site_servers`) answers `/PATH` as that host's; else `/HOST/PATH`.
        self.site_host = site_host


class ReplayHandler(BaseHTTPRequestHandler):
    server: ReplayServer
    server_version = "bantin-replay/1"

    def do_GET(self) -> None:
        site = self.server.site_host
        reply = self.server.replay.handle(f"/{site}{self.path}" if site else self.path)
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


def make_server(host: str = "127.0.0.1", port: int = 0, anchor=None, archive: Archive | None = None) -> ReplayServer:
    """A bound, not yet serving, replay server; port 0 picks a free port (see `server.server_address`)."""
    return ReplayServer((host, port), Replay(anchor, archive))


def site_servers(host: str = "127.0.0.1", anchor=None, archive: Archive | None = None) -> dict[str, ReplayServer]:
    """One bound, not yet serving, server per replayed host, each on a free port and answering at its root, as
    the site itself does; their links and redirects lead to one another (`Replay`'s own_address). For a crawler
    without the rewrite middleware, which finds a site's robots.txt, feeds and sitemaps at the root of its host."""
    replay = Replay(anchor, archive)
    servers = {name: ReplayServer((host, 0), replay, site_host=name) for name in sorted(replay.sites)}
    replay.own_address = {name: "http://{}:{}".format(*server.server_address[:2]) for name, server in servers.items()}
    return servers

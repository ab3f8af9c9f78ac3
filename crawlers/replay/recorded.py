"""Replay for a source that has recorded pages but no synthetic `replay/site.yaml`: its profile's own feeds,
sitemaps and listing pages, generated to list exactly those pages, so the real spider code reaches them."""
from __future__ import annotations

import html
import json
from urllib.parse import urlsplit

from cssselect import parse
from cssselect.parser import Attrib, Class, CombinedSelector, Element, Hash

from crawlers.replay.reply import Reply
from sources import SOURCES_DIR, load_profile


def _chain(tree) -> list[tuple[str, dict]]:
    """The elements, outermost first, that a simple descendant/child selector describes; ValueError when the
    selector needs more than tags, classes, ids and attributes (pseudo-classes, siblings)."""
    if isinstance(tree, CombinedSelector):
        if tree.combinator not in (" ", ">"):
            raise ValueError(f"combinator {tree.combinator!r}")
        return _chain(tree.selector) + _chain(tree.subselector)
    attrs: dict[str, str] = {}
    classes: list[str] = []
    while not isinstance(tree, Element):
        if isinstance(tree, Class):
            classes.insert(0, tree.class_name)
        elif isinstance(tree, Hash):
            attrs["id"] = tree.id
        elif isinstance(tree, Attrib):
            value = tree.value.value if hasattr(tree.value, "value") else tree.value
            attrs[tree.attrib] = value or ""
        else:
            raise ValueError(f"unsupported selector part {tree!r}")
        tree = tree.selector
    if classes:
        attrs["class"] = " ".join(classes)
    return [(tree.element if tree.element not in (None, "*") else "div", attrs)]


def _wrap(chain: list[tuple[str, dict]], inner: str, leaf_attrs: dict | None = None) -> str:
    for depth, (tag, attrs) in enumerate(reversed(chain)):
        attrs = {**attrs, **(leaf_attrs or {})} if depth == 0 else attrs
        rendered = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())
        inner = f"<{tag}{rendered}>{inner}</{tag}>"
    return inner


def _selector_chain(css: str) -> list[tuple[str, dict]]:
    return _chain(parse(css.split(",")[0].strip())[0].parsed_tree)


class RecordedSite:
    """Serves a source's `pages/*.html` at their URLs, and lists them (undated, so every window's crawl
    fetches them) in every feed, sitemap and listing page its profile names."""

    def __init__(self, name: str):
        self.name = name
        self.profile = load_profile(name)
        self.pages: dict[str, tuple[str, bytes]] = {}
        for expected in sorted((SOURCES_DIR / name / "pages").glob("*.json")):
            page = expected.with_suffix(".html")
            if page.is_file():
                url = json.loads(expected.read_text(encoding="utf-8"))["url"]
                self.pages[self._key(url)] = (url, page.read_bytes())
        discovery = self.profile.get("discovery") or {}
        self.feeds = {self._key(u) for u in discovery.get("feeds", [])}
        self.sitemaps = {self._key(u) for u in discovery.get("sitemaps", [])}
        self.listings = {self._key(spec["url"]): spec for spec in discovery.get("listings", [])}
        self.hosts = sorted({urlsplit(u).hostname for u, _ in self.pages.values()}
                            | {k[0] for k in self.feeds | self.sitemaps | set(self.listings)})

    @staticmethod
    def _key(url: str) -> tuple[str, str]:
        parts = urlsplit(url)
        return parts.hostname, parts.path + (f"?{parts.query}" if parts.query else "")

    def _urls(self) -> list[str]:
        return [url for url, _ in self.pages.values()]

    def route(self, host: str, path: str, query: str) -> Reply | None:
        key = (host, path + (f"?{query}" if query else ""))
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nAllow: /\n", "text/plain; charset=utf-8")
        if key in self.pages:
            return Reply(200, self.pages[key][1])
        if key in self.feeds:
            items = "".join(f"<item><title>{html.escape(u)}</title><link>{html.escape(u)}</link></item>"
                            for u in self._urls())
            body = f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{items}</channel></rss>'
            return Reply(200, body.encode(), "application/rss+xml; charset=utf-8")
        if key in self.sitemaps:
            locs = "".join(f"<url><loc>{html.escape(u)}</loc></url>" for u in self._urls())
            body = ('<?xml version="1.0" encoding="UTF-8"?><urlset '
                    f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>')
            return Reply(200, body.encode(), "application/xml; charset=utf-8")
        if key in self.listings:
            return self._listing(self.listings[key])
        return None

    def _listing(self, spec: dict) -> Reply | None:
        try:
            link = _selector_chain(spec["link"])
            item = _selector_chain(spec["item"]) if spec.get("item") else []
        except (ValueError, KeyError, IndexError):
            return None  # a selector this generator cannot satisfy: the listing simply 404s
        entries = "".join(_wrap(item, _wrap(link, html.escape(u), {"href": u})) for u in self._urls())
        return Reply(200, f'<!DOCTYPE html><html lang="vi"><body>{entries}</body></html>'.encode())

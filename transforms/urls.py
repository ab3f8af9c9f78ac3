"""Canonical article URLs: tracking parameters, fragments and mobile/AMP variants folded onto the desktop URL."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Click and share trackers seen on Vietnamese news links (Zalo adds zarsrc/gidzl; Google Analytics _ga/_gl).
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "zarsrc", "gidzl", "_ga", "_gl", "igshid", "mc_cid",
    "mc_eid", "ref", "ref_src", "amp",
})
_MOBILE_HOST = re.compile(r"^(m|amp|mobile)\.")
_AMP_SEGMENT = re.compile(r"/amp(?=/|$)")


def canonical_url(url: str, desktop_host: str | None = None) -> str:
    """The URL two fetches of the same article share. `desktop_host` (a profile's `domain`) names the host
    a folded mobile host maps to when the desktop site lives on `www.`. Never raises: a URL urllib refuses (a
    port out of range, a bracket in the host) cannot be folded and comes back stripped; its host() is None,
    so extraction never keys an article on it."""
    try:
        return _fold(url.strip(), desktop_host)
    except ValueError:  # UnicodeError (IDNA) is one too
        return url.strip()


def host(url: str) -> str | None:
    """The URL's host, lower-cased, or None when it has none or urllib cannot parse it."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises on a port that is not a number in range
    except ValueError:
        return None
    return (parts.hostname or "").lower() or None


def _fold(url: str, desktop_host: str | None) -> str:
    drop = [k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)
            if k.lower().startswith("utm_") or k in TRACKING_PARAMS]
    if drop:
        url = url_query_cleaner(url, drop, remove=True, unique=False, keep_fragments=True)
    parts = urlsplit(canonicalize_url(url, keep_fragments=False))
    host = _MOBILE_HOST.sub("", (parts.hostname or "").lower())
    if desktop_host and host in (desktop_host, desktop_host.removeprefix("www.")):
        host = desktop_host
    netloc = f"{host}:{parts.port}" if parts.port else host
    path = _AMP_SEGMENT.sub("", parts.path).removesuffix(".amp") or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, ""))

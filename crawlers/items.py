"""Items the spider hands to the landing pipeline: one per HTTP response, one per request that got none."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class RawPage:
    """An article response exactly as received (raw.pages)."""

    url: str  # the URL discovery asked for (before redirects)
    final_url: str
    status: int
    headers: dict
    body: bytes = field(repr=False)  # logged items (a dropped one) must not print a whole page
    fetched_at: datetime
    discovered_via: str  # feed | sitemap | listing | archive | seed
    discovered_at: datetime | None


@dataclass
class FetchFailure:
    """An article request that got no response at all (raw.fetch_failures)."""

    url: str
    reason: str  # timeout | truncated | robots_disallowed | connection_error | dns_error | too_large |
    #              redirect_loop | too_many_redirects | offsite_redirect
    detail: str
    failed_at: datetime

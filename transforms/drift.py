"""Layout drift: the fields a source profile's rules stopped giving, read from one load's extraction methods.

When a site changes its markup, the profile's selectors stop matching and the JSON-LD, meta and generic
fallbacks take over without a word; the articles still load, a little worse. A load records, per source and
field, which method gave its articles each field (core.run_source_stats.field_methods); this names the fields
whose rule went quiet, so `check` can warn (or fail, per profile) and api.run_stats can show it.
"""
from __future__ import annotations

# Fields that are never a selector's: `seen_at` is recorded as the profile's even when absent, and `versions`
# holds the older layouts' rules, not a field.
_NOT_FIELDS = frozenset({"seen_at", "versions"})
# The text path (a plain-text page) has no selectors to drift.
_NOT_FALLBACKS = frozenset({"profile", "text"})


def layout_drift(source: str, profile: dict, field_methods: dict, articles: int) -> list[str]:
    """One warning per field the profile has a rule for that its rule gave to fewer than half of the load's
    `articles` while fallbacks gave it to more than half. Half, because a redesign moves every page at once,
    while the odd page the rule misses (a live blog, a photo story) leaves most of a load on the rule; and a
    rule that finds nothing where no fallback finds anything either (an unsigned article) is not drift."""
    warnings = []
    for field in sorted(set(profile.get("extract") or {}) - _NOT_FIELDS):
        methods = field_methods.get(field) or {}
        matched = methods.get("profile", 0)
        fallbacks = {m: n for m, n in methods.items() if m not in _NOT_FALLBACKS}
        if articles and 2 * matched < articles and 2 * sum(fallbacks.values()) > articles:
            top = max(sorted(fallbacks), key=fallbacks.get)
            warnings.append(f"{source}: {field} from {top} for {fallbacks[top]}/{articles} pages, profile rule "
                            f"matched {matched}: site redesign?")
    return warnings

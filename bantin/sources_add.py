"""`bantin source add`: a new source folder inferred from the site itself (discovery, article URL pattern, identity).

The inference is pure functions over a site's robots.txt, home page and sample article pages; gathering them
(saved files, or the network) and writing the folder are the edges. The profile starts with an empty `extract:`,
so the JSON-LD/meta/generic path extracts the samples, and the report says field by field which method did.
"""
from __future__ import annotations

import json
import re
import shutil
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from lxml import etree

# Polite defaults for a site not measured yet, the profiled sites' own: a request a second, two at a time. The live
# mode fetches at the same pace.
POLITE_CRAWL = {"download_delay": 1.0, "concurrency": 2}
# Three pages show whether a field's method holds across articles, for three seconds of the site's time.
DEFAULT_SAMPLES = 3
# Article ids on the profiled sites run 6 digits (Báo Đầu Tư's d538961, QĐND's 874512) to 18 (CafeF's and Thanh
# Niên's time-coded ones); the ids of topic, event and author pages on the same home pages run 3-5 (`-e592.htm`,
# `/tac-gia/nhat-xuan-20148.htm`). Five keeps the shortest article ids and leaves most of the rest out.
MIN_ID_DIGITS = 5
# A home page links dozens of stories (the recorded Tuổi Trẻ and VnExpress listings: 30-60); a shape seen fewer
# than five times is an author box, a topic strip or a footer, too few to learn an id length from.
MIN_ARTICLE_LINKS = 5
# Enough to show an article shape of a section with its own layout, without listing every footer link.
MAX_OTHER_SHAPES = 3
# The usual places of a sitemap and a feed, probed in live mode when robots.txt and the home page do not name them.
USUAL_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml")
USUAL_FEEDS = ("/rss", "/rss.xml", "/feed")
# A field value in the report: enough to recognise it, short enough that a line stays on the screen.
SHOWN_CHARS = 80
# The report's prose wraps where a terminal of 120 columns still shows it whole.
REPORT_WIDTH = 110
# Fields an operator must not leave to chance: what api.articles is searched, filtered and shown by. A missing
# dateline, source credit, modification time or caption is common on an honest page and asks for no rule.
CORE_FIELDS = ("title", "sapo", "authors", "published_at", "section", "tags", "image_url", "body")
# extract_page's output keys that are not fields read off the page: the input URL, the bookkeeping, the raw date
# string behind published_at, and seen_at (a page clock only a profile rule reads).
_NOT_FIELDS = frozenset({"url", "extracted_by", "published_at_raw", "seen_at", "canonical_refused"})
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_DOMAIN = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")
_DIR = re.compile(r"[a-z0-9-]+")
# The last path segment of an article URL: `<slug>-<prefix><id><.ext>`, the slug and the extension optional.
_LAST = re.compile(r"(?:(?P<slug>[a-z0-9-]+)-)?(?P<prefix>[a-z]*)(?P<id>\d+)(?P<ext>\.[a-z]+)?")
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})


class AddError(Exception):
    """Why the source cannot be added, in one line for the operator."""


@dataclass(frozen=True)
class Fetched:
    """A page of the site: the URL it was read at (after redirects), the HTTP status and the bytes."""

    url: str
    status: int
    body: bytes


@dataclass(frozen=True)
class ArticlePattern:
    """The `article_url` regex and what it rests on: it matches `matched` of the `total` same-site links found.
    Inferred, `shape` describes the dominant shape and `others` the runner-ups (`desc (n links)`); given by the
    operator, both are empty."""

    regex: str
    matched: int
    total: int
    shape: str = ""
    others: tuple[str, ...] = ()


@dataclass(frozen=True)
class Saved:
    """The offline mode's input: the home page, robots.txt and sample pages as saved files (label, bytes), and
    when given, the samples' URLs, one a page in the same order (else each page's canonical or og:url)."""

    home: bytes
    robots: str
    pages: list[tuple[str, bytes]]
    page_urls: list[str] | None = None


@dataclass(frozen=True)
class Site:
    """What `source add` learned about a site. Discovery URLs come with where they were found; `probes` says
    what each usual path answered, and is None offline, where nothing was probed."""

    domain: str
    home: Fetched
    display_name: str | None
    language: str
    robots: RobotFileParser
    pattern: ArticlePattern
    feeds: list[tuple[str, str]]
    sitemaps: list[tuple[str, str]]
    probes: dict[str, str] | None
    samples: list[Fetched]


# --- inference (pure) ------------------------------------------------------------------------------------------
def normalise_domain(given: str) -> str:
    """The bare host of `given` (a domain or a URL), lowercased and without `www.`; AddError when it is none."""
    text = given.strip().lower()
    host = urlsplit(text if "//" in text else "//" + text).hostname or ""
    host = host.removeprefix("www.")
    if not _DOMAIN.fullmatch(host):
        raise AddError(f"{given!r} is not a domain (e.g. tienphong.vn)")
    return host


def default_name(domain: str) -> str:
    """The source name for `domain`: its first label, `-` made `_` (the name is a folder, a DAG task id suffix
    and a pool name)."""
    return domain.split(".")[0].replace("-", "_")


def check_name(name: str) -> str:
    """`name` when it can be a source name: lowercase letters, digits and `_`, starting with a letter."""
    if not _NAME.fullmatch(name):
        raise AddError(f"--name {name!r}: a source name is lowercase letters, digits and _, starting with a letter")
    return name


def parse_html(body: bytes | str, what: str = "page"):
    """The lxml tree of a page, decoded as the extractor decodes it; AddError when it is not HTML."""
    from transforms.normalize import UndecodableError, decode_text

    try:
        text = decode_text(body) if isinstance(body, bytes) else body
        root = etree.fromstring(text.encode("utf-8", "replace"), parser=etree.HTMLParser(encoding="utf-8"))
    except (UndecodableError, etree.LxmlError) as exc:
        raise AddError(f"{what} is not an HTML page: {exc}") from None
    if root is None:
        raise AddError(f"{what} is not an HTML page: no elements")
    return root


def robots_sitemaps(text: str) -> list[str]:
    """The `Sitemap:` URLs of a robots.txt, in order, once each."""
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return list(dict.fromkeys(parser.site_maps() or []))


def robots_rules(text: str) -> RobotFileParser:
    """robots.txt as the crawler obeys it (an empty text allows everything)."""
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return parser


def home_feeds(doc, base_url: str) -> list[str]:
    """The RSS and Atom feeds a page advertises (`<link rel="alternate" type="application/rss+xml">`), absolute,
    once each; other alternates (a mobile site, a language) are not feeds."""
    feeds = []
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "alternate" in rels and (link.get("type") or "").strip().lower() in _FEED_TYPES and link.get("href"):
            feeds.append(urljoin(base_url, link.get("href").strip()))
    return list(dict.fromkeys(feeds))


def _meta(doc, key: str) -> str | None:
    for tag in doc.iter("meta"):
        if key in ((tag.get("property") or "").lower(), (tag.get("name") or "").lower()):
            value = " ".join((tag.get("content") or "").split())
            if value:
                return value
    return None


def identity(doc) -> dict:
    """`display_name` (og:site_name, else the <title>, else None) and `language` (the primary subtag of
    <html lang>, else vi: the sites bantin is for write Vietnamese)."""
    title = next(doc.iter("title"), None)
    title_text = " ".join("".join(title.itertext()).split()) if title is not None else ""
    lang = (doc.get("lang") or "").strip().lower().replace("_", "-").split("-")[0]
    return {"display_name": _meta(doc, "og:site_name") or title_text or None,
            "language": lang if re.fullmatch(r"[a-z]{2,3}", lang) else "vi"}


def page_url(doc) -> str | None:
    """The address a page gives itself: its canonical link, else og:url (absolute http(s) only)."""
    candidates = [link.get("href") for link in doc.iter("link")
                  if "canonical" in (link.get("rel") or "").lower().split()]
    candidates.append(_meta(doc, "og:url"))
    return next((c.strip() for c in candidates if c and urlsplit(c.strip()).scheme in ("http", "https")), None)


def page_links(doc, base_url: str) -> list[str]:
    """Every http(s) link of a page's anchors, absolute and without its fragment, once each, in page order."""
    links = []
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        try:
            url = urldefrag(urljoin(base_url, href)).url
        except ValueError:  # an href urllib cannot parse (a bad IPv6 literal) is no link to learn from
            continue
        if urlsplit(url).scheme in ("http", "https"):
            links.append(url)
    return list(dict.fromkeys(links))


def _same_site(url: str, domain: str) -> bool:
    # Only the site's own host: its other subdomains (sso., video., a magazine) are other sites or apps.
    return urlsplit(url).hostname in (domain, "www." + domain)


@dataclass(frozen=True)
class _Shape:
    sections: bool
    slug: bool
    prefix: str
    ext: str


def _shape(url: str) -> tuple[_Shape, int, int] | None:
    """(shape, section depth, id digits) of an article-like URL: a last segment ending in a numeric id of at least
    MIN_ID_DIGITS digits, lowercase ASCII directories, no query (the anchored pattern could not match it)."""
    parts = urlsplit(url)
    if parts.query:
        return None
    *dirs, last = parts.path.split("/")[1:] or [""]
    match = _LAST.fullmatch(last)
    if not match or len(match["id"]) < MIN_ID_DIGITS or not all(_DIR.fullmatch(d) for d in dirs):
        return None
    shape = _Shape(bool(dirs), match["slug"] is not None, match["prefix"], match["ext"] or "")
    return shape, len(dirs), len(match["id"])


def _span(values: set[int]) -> str:
    return f"{min(values)}" if min(values) == max(values) else f"{min(values)}-{max(values)}"


def _describe(shape: _Shape, depths: set[int], digits: set[int]) -> str:
    sections = ""
    if shape.sections:
        sections = "<section>/" if depths == {1} else f"<{_span(depths)} sections>/"
    return f"{sections}{'<slug>-' if shape.slug else ''}{shape.prefix}<{_span(digits)} digits>{shape.ext}"


def _regex(domain: str, www: bool, shape: _Shape, depths: set[int], digits: set[int]) -> str:
    host = (r"(www\.)?" if www else "") + domain.replace(".", r"\.")
    sections = ""
    if shape.sections:
        lo, hi = min(depths), max(depths)
        sections = "[a-z0-9-]+/" if lo == hi == 1 else rf"(?:[a-z0-9-]+/){{{_span(depths).replace('-', ',')}}}"
    slug = "[a-z0-9-]+-" if shape.slug else ""
    # The id's length is widened by a digit each way: a home page shows a few dozen ids, time-coded ids
    # (yyyymmddhhmmss + milliseconds, Tuổi Trẻ's 16-17 digits) lose a digit when the milliseconds start with a zero,
    # and counters gain one over the years. The slug, prefix and extension still anchor the pattern.
    lo, hi = max(MIN_ID_DIGITS, min(digits) - 1), max(digits) + 1
    ext = shape.ext.replace(".", r"\.")
    return rf"^https?://{host}/{sections}{slug}{shape.prefix}\d{{{lo},{hi}}}{ext}$"


def infer_article_url(urls: list[str], domain: str) -> ArticlePattern:
    """The article URL pattern of a site from its links (home page anchors, sample page URLs).

    Same-site links ending in a long numeric id are grouped by shape (section directories or not, slug or not,
    the id's letter prefix, the extension); the group with the most links, at least MIN_ARTICLE_LINKS, is
    generalised: `[a-z0-9-]+` for each directory and the slug, `\\d{m,n}` from the ids' lengths. AddError when
    no shape has enough links."""
    site = [u for u in dict.fromkeys(urls) if _same_site(u, domain)]
    groups: dict[_Shape, list[tuple[str, int, int]]] = {}
    for url in site:
        found = _shape(url)
        if found:
            groups.setdefault(found[0], []).append((url, found[1], found[2]))
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), -max(d for _, _, d in kv[1]), repr(kv[0])))
    if not ranked or len(ranked[0][1]) < MIN_ARTICLE_LINKS:
        best = f"; the most common has {len(ranked[0][1])}" if ranked else ""
        raise AddError(f"no article URL shape with {MIN_ARTICLE_LINKS} links or more among the {len(site)} links to "
                       f"{domain} found{best}: give the pattern with --article-url")
    (shape, members), rest = ranked[0], ranked[1:]
    depths, digits = {m[1] for m in members}, {m[2] for m in members}
    www = any(urlsplit(m[0]).hostname != domain for m in members)
    others = tuple(f"{_describe(s, {m[1] for m in ms}, {m[2] for m in ms})} ({len(ms)} links)"
                   for s, ms in rest[:MAX_OTHER_SHAPES])
    return ArticlePattern(_regex(domain, www, shape, depths, digits), len(members), len(site),
                          _describe(shape, depths, digits), others)


def given_article_url(regex: str, urls: list[str], domain: str) -> ArticlePattern:
    """The operator's own pattern, checked to compile, with what it matches of the same-site links."""
    try:
        compiled = re.compile(regex)
    except re.error as exc:
        raise AddError(f"--article-url {regex!r} is not a regular expression: {exc}") from None
    site = [u for u in dict.fromkeys(urls) if _same_site(u, domain)]
    return ArticlePattern(regex, sum(bool(compiled.match(u)) for u in site), len(site))


def _pattern(links: list[str], domain: str, article_url: str | None) -> ArticlePattern:
    return given_article_url(article_url, links, domain) if article_url else infer_article_url(links, domain)


# --- gathering: saved files, or the network ----------------------------------------------------------------------
def gather_offline(domain: str, saved: Saved, article_url: str | None = None) -> Site:
    """The site from saved files. Nothing is probed: only what robots.txt and the home page name is known."""
    doc = parse_html(saved.home, "--home")
    own = page_url(doc)
    base = own if own and _same_site(own, domain) else f"https://{domain}/"
    samples = []
    for i, (label, body) in enumerate(saved.pages):
        url = saved.page_urls[i] if saved.page_urls else page_url(parse_html(body, label))
        if not url:
            raise AddError(f"{label} names no URL of its own (no canonical link, no og:url): give --page-url")
        samples.append(Fetched(url, 200, body))
    links = page_links(doc, base) + [s.url for s in samples]
    return Site(domain, Fetched(base, 200, saved.home), **identity(doc), robots=robots_rules(saved.robots),
                pattern=_pattern(links, domain, article_url),
                feeds=[(u, "home page") for u in home_feeds(doc, base)],
                sitemaps=[(u, "robots.txt") for u in robots_sitemaps(saved.robots)], probes=None, samples=samples)


def _probe(fetched: Fetched, kind: str) -> tuple[bool, str]:
    """Whether a usual path holds a sitemap or a feed (`kind`), and what it answered, for the report."""
    from crawlers.discovery import parse_feed, parse_sitemap

    if fetched.status != 200:
        return False, str(fetched.status)
    try:
        if kind == "sitemap":
            children, pages = parse_sitemap(fetched.body, fetched.url)
            count = len(children) + len(pages)
        else:
            count = len(parse_feed(fetched.body, fetched.url))
    except ValueError:
        count = 0
    return (True, f"a {kind} of {count} entries") if count else (False, f"200 but not a {kind}")


def gather_live(domain: str, samples: int, get: Callable[[str], Fetched], article_url: str | None = None) -> Site:
    """The site from the network through `get`: robots.txt, the home page, the usual sitemap and feed paths that
    robots.txt and the home page do not name, then up to `samples` article links, in the home page's order, that
    robots.txt lets the crawler fetch. AddError when the home page or a sample does not answer 200."""
    from crawlers.settings import USER_AGENT

    root = f"https://{domain}/"
    robots_page = get(urljoin(root, "/robots.txt"))
    # No robots.txt (4xx) is no rule and no sitemap, as the crawler reads it.
    robots_text = robots_page.body.decode("utf-8", "replace") if robots_page.status == 200 else ""
    home = get(root)
    if home.status != 200:
        raise AddError(f"{root} answered {home.status}: save the pages and run offline (--home, --robots, --page)")
    doc = parse_html(home.body, root)
    links = page_links(doc, home.url)
    pattern = _pattern(links, domain, article_url)
    feeds = [(u, "home page") for u in home_feeds(doc, home.url)]
    sitemaps = [(u, "robots.txt") for u in robots_sitemaps(robots_text)]
    probes = {}
    for paths, kind, found in ((USUAL_SITEMAPS, "sitemap", sitemaps), (USUAL_FEEDS, "feed", feeds)):
        for path in paths:
            url = urljoin(home.url, path)
            if url in {u for u, _ in (*feeds, *sitemaps)}:
                continue
            fetched = get(url)
            ok, probes[path] = _probe(fetched, kind)
            if ok:
                found.append((fetched.url, "probed"))
    rules = robots_rules(robots_text)
    chosen = []
    for url in [u for u in links if re.match(pattern.regex, u) and rules.can_fetch(USER_AGENT, u)][:samples]:
        page = get(url)
        if page.status != 200:
            raise AddError(f"{url} answered {page.status}: save the pages and run offline (--home, --robots, --page)")
        chosen.append(page)
    return Site(domain, home, **identity(doc), robots=rules, pattern=pattern, feeds=feeds, sitemaps=sitemaps,
                probes=probes, samples=chosen)


class Http:
    """GET for the live mode, with the crawler's user agent, timeout and size cap, one request at a time and
    `delay` seconds apart; redirects followed. A transport failure is an AddError naming the URL."""

    def __init__(self, delay: float, log: Callable[[str], None] | None = None):
        import urllib3  # trafilatura's HTTP client, installed with it

        from crawlers.settings import DOWNLOAD_MAXSIZE, DOWNLOAD_TIMEOUT, USER_AGENT

        # One retry of a dropped connection; the operator is there to run the command again.
        retries = urllib3.Retry(connect=1, read=1, redirect=5, status=0, other=0)
        self._pool = urllib3.PoolManager(headers={"User-Agent": USER_AGENT}, retries=retries,
                                         timeout=urllib3.Timeout(total=DOWNLOAD_TIMEOUT))
        self._errors = urllib3.exceptions.HTTPError
        self._max_bytes, self._delay, self._log, self._last = DOWNLOAD_MAXSIZE, delay, log, 0.0

    def get(self, url: str) -> Fetched:
        time.sleep(max(0.0, self._last + self._delay - time.monotonic()))
        try:
            response = self._pool.request("GET", url, preload_content=False)
            body = response.read(self._max_bytes + 1)
            response.release_conn()
        except self._errors as exc:
            # urllib3 prefixes its reason with the connection object's repr: only the reason says anything.
            reason = re.sub(r"^<[^>]*>: ", "", str(getattr(exc, "reason", None) or exc))
            raise AddError(f"cannot fetch {url}: {reason}") from None
        finally:
            self._last = time.monotonic()
        if len(body) > self._max_bytes:
            raise AddError(f"{url} is over {self._max_bytes} bytes, the crawler's limit")
        if self._log:
            self._log(f"GET {url}: {response.status}")
        return Fetched(urljoin(url, response.geturl() or url), response.status, body)


# --- the profile, the pages and the report ------------------------------------------------------------------------
def _scalar(value) -> str:
    """`value` as a YAML scalar, quoted only where YAML needs it."""
    import yaml

    return yaml.safe_dump(value, allow_unicode=True, width=float("inf")).removesuffix("\n...\n").strip()


def profile_yaml(site: Site, name: str) -> str:
    """The profile.yaml text: the fields docs/profiles.md names, with comments saying where each came from."""
    how = "saved files" if site.probes is None else "the live site"
    discovery = []
    for key, found in (("feeds", site.feeds), ("sitemaps", site.sitemaps)):
        if found:
            discovery += [f"  {key}:", *(f"    - {_scalar(u)}   # {origin}" for u, origin in found)]
    if not discovery:
        # The spider refuses an empty discovery section: the home page, read as a listing of undated links, finds
        # the latest stories until a feed or a sitemap is known.
        discovery = ["  listings:", f"    - url: {_scalar(site.home.url)}", "      link: a"]
    p = site.pattern
    lines = [
        f"# {site.display_name or site.domain} ({site.domain}), written by `bantin source add` from {how}.",
        "# Inferred, not documented: review every line before the first crawl (the schema: docs/profiles.md).",
        *(["# Offline, the usual feed and sitemap paths were not checked: " + ", ".join(USUAL_SITEMAPS + USUAL_FEEDS)]
          if site.probes is None else []),
        f"name: {_scalar(name)}",
        f"display_name: {_scalar(site.display_name or site.domain)}",
        f"domain: {_scalar(site.domain)}",
        f"allowed_domains: [{_scalar(site.domain)}]",
        f"# Inferred: {p.shape} is the shape of {p.matched} of the {p.total} same-site links (the home page's and\n"
        "# the samples'); the id's length is widened by a digit each way." if p.shape else
        f"# Given with --article-url; it matches {p.matched} of the {p.total} same-site links found.",
        "article_url: '" + p.regex.replace("'", "''") + "'",
        "dateline: null                # the lead's agency prefix (\"TTO\", \"Biên phòng\"), if the site puts one",
        f"language: {_scalar(site.language)}",
        "",
        "# --- discovery (read by crawlers/) ---",
        "discovery:",
        *(["  # Each URL's comment says where it was found."] if site.feeds or site.sitemaps else []),
        *discovery,
        f"crawl: {{download_delay: {POLITE_CRAWL['download_delay']}, concurrency: {POLITE_CRAWL['concurrency']}}}"
        "   # polite defaults until the site is measured",
        "",
        "# --- extraction (read by transforms/) ---",
        "# Empty on purpose: JSON-LD NewsArticle, then OpenGraph/meta, then the generic extractor read every field",
        "# until a page shows one they get wrong (each pages/*.json records the method in `extracted_by`). Add a",
        "# rule for a field that came from `generic` or is missing; the rule schema is in docs/profiles.md.",
        "extract: {}",
    ]
    return "\n".join(lines) + "\n"


def _file_stem(url: str, taken: set[str]) -> str:
    path = PurePosixPath(urlsplit(url).path)
    stem = re.sub(r"[^a-z0-9-]+", "-", (path.stem or path.parent.name).lower()).strip("-") or "page"
    unique, n = stem, 2
    while unique in taken:
        unique, n = f"{stem}-{n}", n + 1
    taken.add(unique)
    return unique


def _shown(value) -> str:
    text = "; ".join(value) if isinstance(value, list) else str(value)
    text = " ¶ ".join(" ".join(part.split()) for part in text.split("\n\n"))
    if len(text) <= SHOWN_CHARS:
        return text
    suffix = f"… ({len(text)} chars)"
    return text[:SHOWN_CHARS - len(suffix)] + suffix


@dataclass(frozen=True)
class _Sample:
    page: Fetched
    stem: str | None          # the file stem under pages/, None when the page was rejected
    article: dict | None
    rejected: str | None


def _extract(site: Site, profile: dict) -> list[_Sample]:
    from transforms.extract import Rejected, extract_page

    taken, out = set(), []
    for page in site.samples:
        try:
            article = extract_page(page.body, page.url, profile=profile)
        except Rejected as exc:
            out.append(_Sample(page, None, None, str(exc)))
            continue
        out.append(_Sample(page, _file_stem(page.url, taken), article, None))
    return out


def _write(folder: Path, profile_text: str, samples: list[_Sample]) -> None:
    """The folder, written beside its place and moved there once whole; an existing one is replaced."""
    staging = folder.with_name(f".{folder.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        (staging / "pages").mkdir(parents=True)
        (staging / "profile.yaml").write_text(profile_text, encoding="utf-8")
        for s in samples:
            if s.article is not None:
                (staging / "pages" / f"{s.stem}.html").write_bytes(s.page.body)
                (staging / "pages" / f"{s.stem}.json").write_text(
                    json.dumps(s.article, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _report(site: Site, folder: Path, samples: list[_Sample]) -> str:
    from crawlers.settings import USER_AGENT
    from transforms.extract import OUTPUT_KEYS

    fields = [k for k in OUTPUT_KEYS if k not in _NOT_FIELDS]
    width = max(map(len, fields)) + 1
    p = site.pattern
    mode = "offline, from saved files" if site.probes is None else "live"
    yes = {True: "yes", False: "NO"}
    lines = [f"wrote {folder} ({mode}): profile.yaml and {sum(s.article is not None for s in samples)} of "
             f"{len(samples)} sample pages"]
    weak: dict[str, set[str]] = {}
    for s in samples:
        lines += ["", s.page.url,
                  f"  article_url matches it: {yes[bool(re.match(p.regex, s.page.url))]}; "
                  f"robots.txt lets the crawler fetch it: {yes[site.robots.can_fetch(USER_AGENT, s.page.url)]}"]
        if s.article is None:
            lines.append(f"  rejected ({s.rejected}): not saved")
            continue
        lines.append(f"  saved pages/{s.stem}.html + .json")
        for field in fields:
            method = s.article["extracted_by"].get(field, "missing")
            value = s.article[field]
            lines.append(f"  {field:<{width}} {method:<8} {_shown(value) if method != 'missing' else ''}".rstrip())
            if field in CORE_FIELDS and method in ("generic", "missing"):
                weak.setdefault(field, set()).add(method)
    lines += ["", "discovery"]
    lines += [f"  feed     {u}  ({origin})" for u, origin in site.feeds]
    lines += [f"  sitemap  {u}  ({origin})" for u, origin in site.sitemaps]
    if not site.feeds and not site.sitemaps:
        lines.append("  no feed or sitemap found: the profile reads the home page as a listing")
    if site.probes is None:
        lines.append(f"  not checked (offline): {', '.join(USUAL_SITEMAPS + USUAL_FEEDS)}")
    else:
        lines += [f"  probed {path}: {answer}" for path, answer in site.probes.items()]
    lines += ["", f"article_url  {p.regex}",
              f"  {p.shape or 'given with --article-url'}: matches {p.matched} of {p.total} same-site links (the home "
              "page's, the samples')"]
    if p.others:
        lines.append(f"  other shapes: {'; '.join(p.others)}")
    steps = []
    if weak:
        named = ", ".join(f"{f} ({'/'.join(sorted(weak[f]))})" for f in CORE_FIELDS if f in weak)
        steps.append(f"add extract: rules (docs/profiles.md) for the fields from the generic extractor or missing: "
                     f"{named}")
    if any(s.article is not None for s in samples):
        steps.append("check each JSON by hand against its page: tests/unit/test_profiles.py holds every recorded page "
                     "to its JSON (after a rule changes, run the command again with --force)")
    else:
        steps.append("no sample page was saved: record an article page and its JSON (tests/unit/test_profiles.py "
                     "wants one per source)")
    steps.append("add discovery.archives (dated sitemaps or listings) so a backfill reaches past days, and replay/ if "
                 "the source should be crawled offline")
    lines += ["", "next steps"]
    lines += [textwrap.fill(step, REPORT_WIDTH, initial_indent="  - ", subsequent_indent="    ") for step in steps]
    return "\n".join(lines)


def add_source(domain: str, *, directory: Path, name: str | None = None, force: bool = False,
               saved: Saved | None = None, samples: int = DEFAULT_SAMPLES, article_url: str | None = None,
               log: Callable[[str], None] | None = None) -> str:
    """Write `<directory>/<name>/` (profile.yaml, pages/<slug>.html + .json) for `domain`, from `saved` files or,
    without them, from the live site; return the report. The sample pages are extracted with the profile as
    read back from the written YAML, so each JSON is what the source's page test will find.

    AddError, before anything is fetched or written, when the folder exists and `force` is not set, when the name
    is not one, or when another folder of the source registry already covers the domain."""
    import yaml

    import sources

    domain = normalise_domain(domain)
    name = check_name(name) if name else default_name(domain)
    folder = Path(directory) / name
    if folder.exists() and not force:
        raise AddError(f"{folder} exists: pass --force to replace it (its pages and replay material too)")
    if Path(directory).resolve() == Path(sources.SOURCES_DIR).resolve():
        covering = sources.profile_for_url(f"https://{domain}/")
        if covering and covering.get("name") != name:
            raise AddError(f"{domain} is already covered by the source {covering.get('name')}: add to its profile")
    site = (gather_offline(domain, saved, article_url) if saved is not None
            else gather_live(domain, samples, Http(POLITE_CRAWL["download_delay"], log).get, article_url))
    text = profile_yaml(site, name)
    results = _extract(site, yaml.safe_load(text))
    _write(folder, text, results)
    return _report(site, folder, results)

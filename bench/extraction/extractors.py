"""The extractors behind one signature: a labelled page -> {title, published_at, authors, body}."""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

from sources import SOURCES_DIR, load_profile
from transforms.extract import Rejected, extract_page


@dataclass(frozen=True)
class Page:
    source: str
    path: Path
    url: str
    raw: bytes           # what bantin gets: its byte decoding is part of its job
    html: str            # what the peers get, decoded once outside the timed loop (they want str)
    expected: dict
    profile: dict

    @property
    def is_text(self) -> bool:
        return self.path.suffix == ".txt"


def load_pages(paths=None) -> list[Page]:
    """Every recorded page with an expected JSON beside it (default: all of sources/*/pages)."""
    from trafilatura.utils import decode_file

    if paths is None:
        paths = sorted(p for ext in ("html", "txt") for p in SOURCES_DIR.glob(f"*/pages/*.{ext}"))
    pages = []
    for path in map(Path, paths):
        label = path.with_suffix(".json")
        if not label.is_file():
            continue
        expected = json.loads(label.read_text(encoding="utf-8"))
        source = path.parent.parent.name
        raw = path.read_bytes()
        pages.append(Page(source, path, expected["url"], raw, decode_file(raw), expected, load_profile(source)))
    return pages


def bantin(page: Page, profile: dict | None = None) -> dict:
    try:
        out = extract_page(page.raw, page.url, profile=page.profile if profile is None else profile)
    except Rejected as exc:
        return {"error": exc.reason}
    return {k: out[k] for k in ("title", "published_at", "authors", "body")}


def bantin_no_profile(page: Page) -> dict:
    """The same page with its profile removed: what bantin does for a site it has no profile for (JSON-LD, meta,
    then the generic path)."""
    return bantin(page, profile={})


def trafilatura(page: Page) -> dict:
    import trafilatura as tf
    from trafilatura.settings import set_date_params

    # The default date format is day-only, which can never be right to the minute; asking htmldate for the
    # time and offset scores trafilatura on what it can find. The params replace the defaults wholesale
    # (then original_date is off and the modified date wins), hence set_date_params() underneath.
    doc = tf.bare_extraction(page.html, url=page.url, with_metadata=True,
                             date_extraction_params={**set_date_params(), "outputformat": "%Y-%m-%dT%H:%M:%S%z"})
    if doc is None:
        return {"error": "none"}
    return {"title": doc.title, "published_at": doc.date, "authors": doc.author or "", "body": doc.text}


def newspaper4k(page: Page) -> dict:
    with warnings.catch_warnings():  # its "nltk is not installed" warning, once per import
        warnings.simplefilter("ignore")
        import newspaper

    # fetch_images=False: by default parse() downloads candidate top images to measure them (10 s of DNS
    # timeouts per page offline); with input_html and no images it never touches the network.
    article = newspaper.Article(page.url, language="vi", fetch_images=False)
    article.download(input_html=page.html)
    article.parse()
    return {"title": article.title, "published_at": article.publish_date, "authors": article.authors,
            "body": article.text}


NO_PROFILE = "bantin, no profile"
EXTRACTORS = {"bantin": bantin, NO_PROFILE: bantin_no_profile, "trafilatura": trafilatura, "newspaper4k": newspaper4k}

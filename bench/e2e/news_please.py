"""news-please 1.6.16 end to end: crawl local sites over HTTP, extract, store as JSON files, timed.

The peer runs in a virtualenv of its own (its dependencies clash with the project's locked ones) and through its
own CLI, `news-please -c CONFIG_DIR`, as an operator starts it. Nothing is imported from it here: this module is
stdlib only; it writes news-please's config, starts it, watches its processes and reads what it left on disk.

`bench.e2e.e2e` runs it on the replay (`bantin replay --own-address`: each site at the root of a port of its own).
"""
from __future__ import annotations

import collections
import configparser
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
# Every package of the peer's venv at a locked version (compiled by uv from news-please.in, which says why each
# direct pin is there), so its figures do not move with its dependencies' releases.
LOCK = Path(__file__).with_name("news-please.txt")
# Seconds between looks at the process table: the crawl's end is known to 0.1 s, and a look (~4 ms of CPU on
# this machine) takes under 4% of a core from the crawl.
POLL = 0.1
# news-please's launcher looks at its crawler threads every 10 s (time.sleep(10) in manage_crawlers), so it exits
# on its own at most 10 s after the last site's crawler: it gets that and 5 s more before it is stopped.
LAUNCHER_GRACE = 15.0


def ensure_venv(folder: Path) -> Path:
    """The venv's python, creating the venv and installing the locked news-please the first time only.

    A stamp file holds the lock the venv was built from: a venv built from another is rebuilt rather than
    trusted, since a wrong version shows only at crawl time."""
    python, stamp = folder / "bin" / "python", folder / "bantin-news-please.txt"
    want = LOCK.read_text(encoding="utf-8")
    if stamp.exists() and stamp.read_text(encoding="utf-8") == want and python.exists():
        return python
    shutil.rmtree(folder, ignore_errors=True)
    # The interpreter running this (the project's 3.11) is the venv's base, so both sides run the same Python.
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps", "-r",
                    str(LOCK)], check=True)
    stamp.write_text(want, encoding="utf-8")
    return python


def _children(pid: int) -> set[int]:
    """The ids of the live processes whose parent is `pid` (news-please's one crawler process per site)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, ppid = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except OSError:  # gone meanwhile
            continue
        if int(ppid) == pid and state != "Z":
            out.add(int(stat.parent.name))
    return out


# news-please sets a spider's allowed_domains to the start URL's host *with its port* ("127.0.0.1:8001"), and
# Scrapy's OffsiteMiddleware matches them against the bare host name: every request of the Sitemap and Recursive
# crawlers but the first is dropped as off-site on any port but 80. This one matches host:port too, keeping what
# news-please meant (stay on the start URL's site) on a local server.
OFFSITE = """from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.utils.httpobj import urlparse_cached


class PortAwareOffsite(OffsiteMiddleware):
    def should_follow(self, request, spider):
        url, allowed = urlparse_cached(request), getattr(spider, "allowed_domains", None) or []
        return not allowed or any(name == d or name.endswith("." + d) for d in allowed
                                  for name in (url.netloc.lower(), (url.hostname or "").lower()))
"""


def _config(python: Path, sites: list[dict], workdir: Path) -> Path:
    """news-please's own default config.cfg with the benchmark's settings, and its sitelist.hjson."""
    found = list(python.parent.parent.glob("lib/python3*/site-packages/newsplease/config/config.cfg"))
    if not found:  # a venv's bin/python is a symlink: resolved, it no longer leads to the venv
        raise FileNotFoundError(f"{python} is not the python of a venv with news-please (as ensure_venv returns it)")
    cfg = configparser.RawConfigParser()
    cfg.read(found[0])
    cfg["Files"]["working_path"] = str(workdir / "repo") + "/"  # not ~/news-please-repo/
    # news-please reads sitemaps off the host's robots.txt; only where there is none does it try these paths:
    # those of the Sitemap sites' start URLs.
    paths = {urlsplit(s["url"]).path for s in sites if "Sitemap" in s["crawler"]} - {"", "/"}
    cfg["Crawler"]["sitemap_patterns"] = json.dumps(sorted(paths))
    cfg["Scrapy"].update({
        "CONCURRENT_REQUESTS": "16", "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "ROBOTSTXT_OBEY": "True",  # news-please's default, and bantin's: both pay one robots.txt fetch per site
        "LOG_FORMAT": "%(asctime)s [%(name)s:%(lineno)d|%(levelname)s] %(message)s",  # its own, timestamped
        "DOWNLOADER_MIDDLEWARES": repr({"scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
                                        "bantin_offsite.PortAwareOffsite": 50})})
    folder = workdir / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bantin_offsite.py").write_text(OFFSITE, encoding="utf-8")
    with open(folder / "config.cfg", "w", encoding="utf-8") as fh:
        cfg.write(fh)
    base_urls = [{"url": s["url"], "crawler": s["crawler"]} for s in sites]
    (folder / "sitelist.hjson").write_text(json.dumps({"base_urls": base_urls}, indent=1), encoding="utf-8")
    return folder


def run(python: Path, sites: list[dict], workdir: Path, timeout: float) -> dict:
    """Crawl `sites` ({name, url, crawler}) with news-please's CLI, in a `workdir` wiped first, and wait for it to end.

    news-please starts Rss and Recursive crawlers at the root of the url's host:port (an RssCrawler needs a page
    there with a <link type="application/rss+xml">), and finds sitemaps in that host's robots.txt.
    seconds: from the launch to the exit of the last site's crawler process (the launcher lingers up to 10 s
    more before it notices; `exit_seconds` says when it exited). stopped: None when it exited on its own, else
    "timeout" (seconds is then the time to the kill) or "lingering". articles: the JSON files it stored.
    responses: the sum of Scrapy's `downloader/response_count` over the sites (news-please's own pre-checks, done
    with urllib before Scrapy starts, are not in it)."""
    python, workdir = Path(os.path.abspath(python)), Path(os.path.abspath(workdir))
    shutil.rmtree(workdir, ignore_errors=True)
    folder = _config(python, sites, workdir)
    venv = python.parent.parent
    # Off 127.0.0.1 nothing may be reached, and trying must fail at once rather than wait on DNS: every HTTP
    # client in there (Scrapy, requests for newspaper4k's image sizing and tldextract's suffix list, urllib for
    # news-please's own pre-checks) honours these, and port 9 (discard) refuses the connection.
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(folder),  # for bantin_offsite
           **dict.fromkeys(("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"), "http://127.0.0.1:9"),
           "no_proxy": "127.0.0.1,localhost", "NO_PROXY": "127.0.0.1,localhost",
           "TLDEXTRACT_CACHE": str(venv / "cache" / "tldextract"), "TLDEXTRACT_CACHE_TIMEOUT": "3"}
    log = workdir / "news-please.log"
    with open(log, "wb") as out:
        start = time.monotonic()
        proc = subprocess.Popen([str(venv / "bin" / "news-please"), "-c", str(folder), "-no-confirm"],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
                                cwd=workdir, start_new_session=True)
        seen, peak, last_exit, stopped = set(), 0, None, None
        while proc.poll() is None:
            now = time.monotonic()
            live = _children(proc.pid)
            seen |= live
            peak = max(peak, len(live))
            if live:
                last_exit = None
            elif seen and last_exit is None:
                last_exit = now
            if now - start > timeout or (last_exit and now - last_exit > LAUNCHER_GRACE):
                stopped = "timeout" if now - start > timeout else "lingering"
                # news-please's graceful stop (Scrapy closes its spiders); its launcher only acts on it after its
                # 10 s sleep, so 5 s on, it and whatever is left are killed.
                os.killpg(proc.pid, signal.SIGINT)
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                break
            time.sleep(POLL)
        end = time.monotonic()
    text = log.read_text(encoding="utf-8", errors="replace")
    counts = [int(n) for n in re.findall(r"'downloader/response_count': (\d+)", text)]
    data = workdir / "repo" / "data"
    stored = list(data.rglob("*.json")) if data.exists() else []
    return {"seconds": round((last_exit or end) - start, 2), "exit_seconds": round(end - start, 2),
            "articles": len(stored), "by_site": dict(collections.Counter(p.parent.name for p in stored)),
            "responses": sum(counts) if counts else None, "output": str(data),
            "crawler_processes": len(seen), "parallel_peak": peak, "stopped": stopped, "log": str(log)}

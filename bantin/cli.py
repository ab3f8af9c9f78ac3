"""The `bantin` command: operator-facing entry points. Each subcommand is a thin call into a module."""
from __future__ import annotations

import argparse
import json
import sys


class UserError(Exception):
    """A problem the operator can fix; printed as one line, exit status 2."""


def _when(text: str | None, flag: str):
    """An ISO 8601 date or time of the news; without an offset it is Vietnam time, the news's own."""
    from datetime import datetime

    from sources.dates import VN_TZ

    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"{flag} {text!r} is not an ISO 8601 date or time (e.g. 2026-03-07 or "
                        "2026-03-07T11:00:00+07:00)") from None
    return value if value.tzinfo else value.replace(tzinfo=VN_TZ)


def _unreachable(exc: BaseException) -> BaseException | None:
    """The psycopg2 error behind `exc` (SQLAlchemy and alembic wrap it), if the database could not be reached:
    no SQLSTATE (the client could not connect, or lost the connection), class 08 (connection exception) or 57P
    (shutting down, starting up). A deadlock or a timeout is an OperationalError too, and no such thing."""
    import psycopg2

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, psycopg2.OperationalError) and (exc.pgcode or "08").startswith(("08", "57P")):
            return exc
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return None


def _cmd_extract(args: argparse.Namespace) -> int:
    from transforms.extract import extract_file

    article = extract_file(args.path, url=args.url)
    json.dump(article, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _cmd_db(args: argparse.Namespace) -> int:
    from warehouse import db

    if args.action == "url":
        print(db.reader_url() if args.reader else db.database_url())
    elif args.action == "migrate":
        from warehouse.migrate import migrate

        migrate(db.database_url())
        print("warehouse migrated; views re-applied")
    elif args.action == "rekey":
        from transforms.stories import rekey

        counts = rekey(db.database_url())
        short = counts["read"] - counts["signed"] - counts["templates"]
        print(f"rekey: {counts['resigned']} signatures of the previous scheme signed again; "
              f"{counts['signed']} of {counts['read']} unsigned articles signed ({short} too short to sign, "
              f"{counts['templates']} page templates); {counts['joined']} joined an older story")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from bantin.report import latest_run_id, print_report
    from warehouse import db

    if args.latest_run_id:
        run_id = latest_run_id(db.database_url())
        if run_id is None:
            raise UserError("no run has loaded yet")
        print(run_id)
        return 0
    print_report(run_id=args.run_id)
    _print_backfills()
    return 0


def _print_backfills() -> None:
    """The running backfills' progress and the latest one's, from Airflow's metadata database: runs done out
    of runs. The report is the warehouse's; a metadata database not there (yet) is one line, not a failure."""
    import psycopg2

    from bantin.backfill import progress

    try:
        lines = [p.line() for p in progress()]
    except psycopg2.Error as exc:
        lines = [f"backfills: Airflow's metadata database cannot tell ({str(exc).strip().splitlines()[0]})"]
    print("\n".join(lines) or "backfills: none")


def _cmd_replay(args: argparse.Namespace) -> int:
    from crawlers.replay import serve
    from crawlers.replay.archive import Archive

    archive = None
    if args.days is not None or args.per_day is not None:
        try:
            archive = Archive(**{k: v for k, v in (("days", args.days), ("per_day", args.per_day)) if v is not None})
        except ValueError as exc:
            raise UserError(str(exc)) from None
    serve(host=args.host, port=args.port, anchor=args.anchor, archive=archive, own_address=args.own_address)
    return 0


def _cmd_reprocess(args: argparse.Namespace) -> int:
    from bantin.reprocess import reprocess
    from warehouse import db

    since, until = _when(args.since, "--since"), _when(args.until, "--until")
    if not (args.run_id or since or until or args.all):
        raise UserError("nothing chosen: give --run-id, a --since/--until range of news dates, or --all to "
                        "reprocess every run")
    summary = reprocess(db.database_url(), run_ids=args.run_id, since=since, until=until)
    print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    return 0


def _cmd_backfill(args: argparse.Namespace) -> int:
    from datetime import datetime

    from bantin.airflow_env import airflow_env
    from bantin.backfill import BackfillError, backfill, days_window
    from sources.dates import VN_TZ

    if args.days is None and args.since is None:
        raise UserError("no days chosen: give --days N (the N full days before today) or --since [--until]")
    # News days are Vietnam's: a time with another offset is first moved to Vietnam time.
    since, until = (_when(d, flag).astimezone(VN_TZ).date() if d else None
                    for d, flag in ((args.since, "--since"), (args.until, "--until")))
    since, until = days_window(args.days, since, until, today=datetime.now(VN_TZ).date())
    try:
        return backfill(airflow_env(), since, until, max_active_runs=args.max_active_runs,
                        reprocess_failed=args.reprocess_failed, follow=not args.no_wait)
    except BackfillError as exc:
        raise UserError(str(exc)) from exc


def _cmd_airflow_env(args: argparse.Namespace) -> int:
    import shlex

    from bantin.airflow_env import airflow_env

    # Only what airflow_env adds or resolves, as shell exports: `eval "$(bantin airflow-env)"`.
    for key, value in airflow_env(base={}).items():
        print(f"export {key}={shlex.quote(value)}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from bantin.stack import demo

    return demo()


def _cmd_run(args: argparse.Namespace) -> int:
    from bantin.stack import OFFLINE_ARCHIVE, run

    if (args.days is not None or args.per_day is not None) and not args.offline:
        raise UserError("--days and --per-day size the offline replay: add --offline")
    if (args.days is not None and args.days <= 0) or (args.per_day is not None and args.per_day <= 0):
        raise UserError("--days and --per-day must be positive")
    days, per_day = OFFLINE_ARCHIVE
    return run(offline=args.offline, workers=args.workers,
               archive=(args.days or days, args.per_day or per_day))


def _read(path: str, flag: str) -> bytes:
    from pathlib import Path

    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UserError(f"{flag} {path}: {exc.strerror or exc}") from None


def _cmd_source(args: argparse.Namespace) -> int:
    from bantin import sources_add
    from sources import SOURCES_DIR

    # --home switches to the offline mode, which reads robots.txt and the sample pages from files too.
    files = {"--home": args.home, "--robots": args.robots, "--page": args.page}
    if any(files.values()) and not all(files.values()):
        missing = ", ".join(flag for flag, given in files.items() if not given)
        raise UserError(f"offline mode reads saved files: give --home, --robots and --page (missing {missing})")
    if args.page_url and len(args.page_url) != len(args.page or []):
        raise UserError(f"--page-url given {len(args.page_url)} times for {len(args.page or [])} --page: one URL a "
                        "page, in the same order")
    samples = sources_add.DEFAULT_SAMPLES if args.samples is None else args.samples
    if samples < 1:
        raise UserError("--samples must be at least 1")
    saved = None
    if args.home:
        saved = sources_add.Saved(home=_read(args.home, "--home"),
                                  robots=_read(args.robots, "--robots").decode("utf-8", "replace"),
                                  pages=[(path, _read(path, "--page")) for path in args.page],
                                  page_urls=args.page_url)
    try:
        report = sources_add.add_source(args.domain, directory=args.dir or SOURCES_DIR, name=args.name,
                                        force=args.force, saved=saved, samples=samples,
                                        article_url=args.article_url,
                                        log=lambda line: print(line, file=sys.stderr))
    except sources_add.AddError as exc:
        raise UserError(str(exc)) from exc
    print(report)
    return 0


def _story_text(path: str, url: str | None):
    """(body, publication date or None, how it was read) of a file given to `stories compare`: an HTML page is
    extracted first, as a crawl's page would be; anything else is the body itself."""
    from datetime import datetime

    from transforms.extract import Rejected, extract_page

    raw = _read(path, "file")
    head = raw[:4096].lower()
    if b"<html" in head or b"<!doctype html" in head or b"<body" in head:
        try:
            article = extract_page(raw, url or "https://unknown.invalid/")
        except Rejected as exc:
            raise UserError(f"{path}: not an article page ({exc})") from exc
        published = article.get("published_at")
        day = datetime.fromisoformat(published).date() if published else None
        return article["body"], day, f"HTML, extracted{' with the profile for ' + url if url else ''}"
    try:
        return raw.decode("utf-8"), None, "text"
    except UnicodeDecodeError:
        raise UserError(f"{path}: neither an HTML page nor UTF-8 text") from None


def _cmd_stories(args: argparse.Namespace) -> int:
    from transforms.matching import compare

    (a, day_a, how_a), (b, day_b, how_b) = _story_text(args.a, args.url_a), _story_text(args.b, args.url_b)
    for name, text in (("A", a), ("B", b)):
        if not text.strip():
            raise UserError(f"{name} has no text")
    result = compare(a, b, (day_a, day_b))
    for name, path, how, day, count in (("A", args.a, how_a, day_a, result.syllables[0]),
                                         ("B", args.b, how_b, day_b, result.syllables[1])):
        print(f"{name}: {path} ({how}; {count} syllables{', published ' + str(day) if day else ''})")
    if result.estimated is not None:
        from transforms import minhash

        print(f"estimated containment {result.estimated:.2f} (exact, over the shingles: {result.exact:.2f}); "
              f"threshold {minhash.threshold()}")
        print(f"bands shared: {result.shared_bands} of {minhash.layout()[0]} (LSH {minhash.layout_name()}, "
              f"estimated Jaccard {result.jaccard:.2f})")
    print(f"{'one story' if result.same_story else 'not one story'}: {result.reason}")
    # As cmp(1) does: 0 when they would be one story, 1 when not (2, bad input, is main's).
    return 0 if result.same_story else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bantin", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="print one page's cleaned article as JSON (no network)")
    p.add_argument("path", help="an HTML page or a plain-text dump")
    p.add_argument("--url", required=True, help="the page's URL: picks the source profile")
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser("db", help="warehouse housekeeping")
    p.add_argument("action", choices=["url", "migrate", "rekey"],
                   help="url: print the warehouse URI; migrate: apply migrations and views; rekey: sign again "
                        "the signatures of a previous scheme (after an upgrade), then sign and cluster articles "
                        "stored without one (before migration 0003)")
    p.add_argument("--reader", action="store_true",
                   help="with url: the read-only consumer's URI (bantin_reader: the api schema only)")
    p.set_defaults(func=_cmd_db)

    p = sub.add_parser("report", help="what landed, read back through the api views")
    p.add_argument("--run-id", default=None, help="only this Airflow run")
    p.add_argument("--latest-run-id", action="store_true", help="print only the id of the latest run loaded")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("replay", help="serve the offline replay of the sources over HTTP")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--anchor", default=None,
                   help="ISO time the synthetic news is dated up to (default: the replay's fixed anchor)")
    p.add_argument("--days", type=float, default=None,
                   help="serve an archive of every source over this many days before the anchor (default 2 "
                        "with --per-day; without either, the demo's small replay)")
    p.add_argument("--per-day", type=int, default=None,
                   help="archive articles per source per day (default 48 with --days)")
    p.add_argument("--own-address", action="store_true",
                   help="serve each site at the root of a port of its own (a JSON map of them on the first line) with "
                        "links leading there, for a crawler without bantin's rewrite middleware")
    p.set_defaults(func=_cmd_replay)

    p = sub.add_parser("reprocess", help="clean, dedupe and load again from raw pages already landed")
    p.add_argument("--run-id", action="append", default=None, help="a run to reprocess (repeatable)")
    p.add_argument("--since", default=None,
                   help="ISO date or time of the news (published, else first seen; Vietnam time without an "
                        "offset): the runs that landed news from then on, or whose crawl window reaches it")
    p.add_argument("--until", default=None, help="... up to then (exclusive)")
    p.add_argument("--all", action="store_true", help="every run whose raw pages are still kept")
    p.set_defaults(func=_cmd_reprocess)

    p = sub.add_parser("backfill", help="backfill whole news days through news_backfill, newest first, and follow "
                                        "it to the end (needs `make run` up)")
    p.add_argument("--days", type=int, default=None, help="the N full news days before today (Vietnam time)")
    p.add_argument("--since", default=None, help="the first news day (ISO date), with --until or up to today")
    p.add_argument("--until", default=None, help="the day after the last (exclusive; default today)")
    p.add_argument("--max-active-runs", type=int, default=2,
                   help="days crawled side by side (default 2: a site's crawls still take turns in its pool)")
    p.add_argument("--reprocess-failed", action="store_true", help="run again the days whose run failed")
    p.add_argument("--no-wait", action="store_true", help="create the backfill and return")
    p.set_defaults(func=_cmd_backfill)

    p = sub.add_parser("source", help="manage source folders (sources/<name>/)")
    actions = p.add_subparsers(dest="action", required=True)
    add = actions.add_parser(
        "add", help="write a new source folder inferred from the site: discovery, article_url, identity, sample pages",
        description="Live (network) unless --home is given; offline it reads --home, --robots and --page files.")
    add.add_argument("domain", help="the site's domain, e.g. tienphong.vn")
    add.add_argument("--name", default=None, help="the source name (default: the domain's first label)")
    add.add_argument("--dir", default=None, help="the folder to write <name>/ into (default: the repo's sources/)")
    add.add_argument("--force", action="store_true", help="replace an existing folder (its pages and replay too)")
    add.add_argument("--home", default=None, help="offline: the saved home page")
    add.add_argument("--robots", default=None, help="offline: the saved robots.txt")
    add.add_argument("--page", action="append", default=None, help="offline: a saved article page (repeatable)")
    add.add_argument("--page-url", action="append", default=None,
                     help="offline: the URL of each --page, in the same order (default: its canonical or og:url)")
    add.add_argument("--samples", type=int, default=None, help="live: article pages to fetch and record (default 3)")
    add.add_argument("--article-url", default=None, help="use this article URL regex instead of inferring one")
    add.set_defaults(func=_cmd_source)

    p = sub.add_parser("stories", help="story clustering, explained")
    actions = p.add_subparsers(dest="action", required=True)
    cmp = actions.add_parser("compare", help="would these two texts be one story, and why? Exit 0 if so, 1 if "
                                             "not, 2 on bad input")
    cmp.add_argument("a", help="a text file, or an HTML page (extracted first)")
    cmp.add_argument("b", help="the other one")
    cmp.add_argument("--url-a", help="A's URL, when it is a page: picks its source profile")
    cmp.add_argument("--url-b", help="B's URL, when it is a page")
    cmp.set_defaults(func=_cmd_stories)

    p = sub.add_parser("airflow-env", help="print the Airflow environment of this checkout as shell exports")
    p.set_defaults(func=_cmd_airflow_env)

    p = sub.add_parser("demo", help="bootstrap, run news_ingest once against the offline replay, report")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("run", help="bootstrap and start Airflow's components (UI on 127.0.0.1:8080, see "
                                   "BANTIN_BIND_HOST)")
    p.add_argument("--offline", action="store_true", help="crawl a replay anchored at now, not the live sites")
    p.add_argument("--workers", type=int, default=0,
                   help="run tasks on this many Celery workers (CeleryExecutor, with an embedded broker) instead "
                        "of the LocalExecutor")
    p.add_argument("--days", type=float, default=None,
                   help="with --offline: days of news the replay serves before now (default 2; 31 for a "
                        "backfill of the 30 full days before today)")
    p.add_argument("--per-day", type=int, default=None,
                   help="with --offline: articles per source per day (default 48)")
    p.set_defaults(func=_cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def fail(message) -> int:
        # Operators get one line, not a traceback.
        first = str(message).strip().splitlines()[0] if str(message).strip() else type(message).__name__
        print(f"bantin {args.command}: error: {first}", file=sys.stderr)
        return 2

    try:
        from warehouse import settings

        settings.validate()
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `bantin report | head`: the reader left. Point stdout at /dev/null so the interpreter's final flush
        # does not raise again.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return fail("output closed before it was all written (broken pipe)")
    except (UserError, FileNotFoundError, IsADirectoryError, PermissionError, ValueError, KeyError) as exc:
        return fail(exc.args[0] if isinstance(exc, KeyError) and exc.args else exc)
    except Exception as exc:
        lost = _unreachable(exc)
        if lost is None:
            raise
        from warehouse import db

        return fail(f"cannot reach the warehouse at {db.redacted(db.database_url_hint())}: {lost}")


if __name__ == "__main__":
    sys.exit(main())

"""The `bantin` command: operator-facing entry points. Each subcommand is a thin call into a module."""
from __future__ import annotations

import argparse
import json
import sys


class UserError(Exception):
    """A problem the operator can fix; printed as one line, exit status 2."""


def _cmd_extract(args: argparse.Namespace) -> int:
    from transforms.extract import extract_file

    article = extract_file(args.path, url=args.url)
    json.dump(article, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _cmd_db(args: argparse.Namespace) -> int:
    from bantin import db

    if args.action == "url":
        print(db.database_url())
    elif args.action == "migrate":
        from bantin.migrate import migrate

        migrate(db.database_url())
        print("warehouse migrated; views re-applied")
    elif args.action == "rekey":
        from transforms.stories import rekey

        counts = rekey(db.database_url())
        short = counts["read"] - counts["signed"] - counts["templates"]
        print(f"rekey: {counts['signed']} of {counts['read']} unsigned articles signed ({short} too short to sign, "
              f"{counts['templates']} page templates); {counts['joined']} joined an older story")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from bantin.report import print_report

    print_report(run_id=args.run_id)
    return 0


def _cmd_replay(args: argparse.Namespace) -> int:
    from crawlers.replay import serve

    serve(host=args.host, port=args.port, anchor=args.anchor)
    return 0


def _cmd_reprocess(args: argparse.Namespace) -> int:
    from transforms.stages import reprocess

    summary = reprocess(run_ids=args.run_id, since=args.since, until=args.until)
    print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    return 0


def _cmd_airflow_env(args: argparse.Namespace) -> int:
    import shlex

    from bantin.airflow_env import airflow_env

    # Only what airflow_env adds or resolves, as shell exports: `eval "$(bantin airflow-env)"`.
    for key, value in airflow_env(base={}).items():
        print(f"export {key}={shlex.quote(value)}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from bantin.demo import demo

    return demo()


def _cmd_run(args: argparse.Namespace) -> int:
    from bantin.demo import run

    return run(offline=args.offline)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bantin", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="print one page's cleaned article as JSON (no network)")
    p.add_argument("path", help="an HTML page or a plain-text dump")
    p.add_argument("--url", required=True, help="the page's URL: picks the source profile")
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser("db", help="warehouse housekeeping")
    p.add_argument("action", choices=["url", "migrate", "rekey"],
                   help="url: print the warehouse URI; migrate: apply migrations and views; rekey: sign and "
                        "cluster articles stored without a MinHash signature (before migration 0003)")
    p.set_defaults(func=_cmd_db)

    p = sub.add_parser("report", help="what landed, read back through the api views")
    p.add_argument("--run-id", default=None, help="only this Airflow run")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("replay", help="serve the offline replay of the sources over HTTP")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--anchor", default=None,
                   help="ISO time the synthetic news is dated up to (default: the replay's fixed anchor)")
    p.set_defaults(func=_cmd_replay)

    p = sub.add_parser("reprocess", help="clean, dedupe and load again from raw pages already landed")
    p.add_argument("--run-id", action="append", default=None, help="a run to reprocess (repeatable)")
    p.add_argument("--since", default=None, help="ISO time: runs whose pages were fetched from then on")
    p.add_argument("--until", default=None, help="ISO time: ... up to then")
    p.set_defaults(func=_cmd_reprocess)

    p = sub.add_parser("airflow-env", help="print the Airflow environment of this checkout as shell exports")
    p.set_defaults(func=_cmd_airflow_env)

    p = sub.add_parser("demo", help="bootstrap, run news_ingest once against the offline replay, report")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("run", help="bootstrap and start airflow standalone (UI on localhost:8080)")
    p.add_argument("--offline", action="store_true", help="crawl a replay anchored at now, not the live sites")
    p.set_defaults(func=_cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except (UserError, FileNotFoundError, IsADirectoryError, PermissionError, ValueError, KeyError) as exc:
        # Operators get one line, not a traceback; the exception type tells what kind of problem it is.
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"bantin {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

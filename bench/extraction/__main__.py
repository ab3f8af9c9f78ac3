"""python -m bench.extraction [--repeats N] [--write] [PAGE ...]: print the table; --write updates the docs."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.extraction.extractors import load_pages
from bench.extraction.harness import run
from bench.extraction.report import DOCS, markdown, write_docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="timing passes over the page set (median)")
    parser.add_argument("--write", action="store_true", help=f"replace the extraction section of {DOCS.name}")
    parser.add_argument("pages", nargs="*", help="pages to run (default: every labelled page)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.write and args.pages:  # the docs' table stands for every labelled page
        parser.error("--write runs on every labelled page; drop the PAGE arguments")
    pages = load_pages(args.pages or None)
    if not any(not p.is_text for p in pages):
        parser.error("no labelled HTML page (a .html with its .json beside it)")
    python = Path(sys.executable)
    python = python.relative_to(Path.cwd()) if python.is_relative_to(Path.cwd()) else Path("python")
    command = " ".join([str(python), "-m", "bench.extraction", *(sys.argv[1:] if argv is None else argv)])
    section = markdown(run(pages, args.repeats), command)
    print(section)
    if args.write:
        write_docs(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())

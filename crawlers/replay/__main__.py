"""`python -m crawlers.replay [--host H] [--port P] [--anchor ISO]`: serve the offline replay."""
from __future__ import annotations

import argparse
import logging

from crawlers.replay import serve


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m crawlers.replay", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--anchor", default=None, help="ISO time the synthetic news is dated up to")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        serve(args.host, args.port, args.anchor)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

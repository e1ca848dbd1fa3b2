"""``python -m helpers.checks``: every editorial check over the course; exit 1 on any hit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers import notebooks
from helpers.checks import CHECKS, run
from helpers.data import REPO_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.checks", description=__doc__.split(":", 1)[1].strip()
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=CHECKS,
        metavar="CHECK",
        help=f"run only this check (repeatable): {', '.join(CHECKS)}",
    )
    parser.add_argument(
        "--notebooks",
        type=Path,
        default=notebooks.NOTEBOOK_DIR,
        help="the folder of notebooks to check (default: notebooks/)",
    )
    parser.add_argument(
        "--executed",
        type=Path,
        default=REPO_DIR / "build" / "notebooks" / "instructor",
        help="the build's executed copies, for the output checks",
    )
    args = parser.parse_args(argv)
    notebooks.skip_iri_grammars()
    paths = notebooks.discover(args.notebooks)
    if not paths:
        print(f"error: no notebooks in {args.notebooks}", file=sys.stderr)
        return 2
    hits = run(paths, args.executed, args.only or CHECKS, log=print)
    for hit in hits:
        print(hit.line())
    checked = ", ".join(args.only or CHECKS)
    print(f"{len(hits)} problem(s) in {len(paths)} notebook(s) ({checked})")
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())

"""Count the fact base's rows by topic and by the origin of their source.

    python tools/source_mix.py            # print the table
    python tools/source_mix.py --write    # put it into data/README.md (between the markers)
    python tools/source_mix.py --check    # exit 1 if data/README.md shows an outdated table

Origins come from data/outlets.csv (see helpers.checks.sources). The script also lists each
topic of data/topic_parties.csv where a state that is a party has none of its own sources.
``python -m helpers.checks`` runs the same --check with the course's other editorial checks.
"""

from __future__ import annotations

import argparse
import sys

from helpers.checks import sources
from helpers.data import DATA_DIR

README = DATA_DIR / "README.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="update data/README.md")
    group.add_argument("--check", action="store_true", help="fail if data/README.md is stale")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    if args.write:
        README.write_text(sources.readme_updated(text), encoding="utf-8")
    elif args.check:
        if sources.readme_updated(text) != text:
            print(f"{README} shows an outdated source mix; run tools/source_mix.py --write")
            return 1
    else:
        print(sources.readme_section())
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Count the fact base's rows by topic and by the origin of their source.

    python tools/source_mix.py            # print the table
    python tools/source_mix.py --write    # put it into data/README.md (between the markers)
    python tools/source_mix.py --check    # exit 1 if data/README.md shows an outdated table

Origins come from data/outlets.csv (see helpers.publish.sources). The script also lists each
topic of data/topic_parties.csv where a state that is a party has none of its own sources.
"""

from __future__ import annotations

import argparse
import sys

from helpers.publish import sources
from helpers.data import DATA_DIR

README = DATA_DIR / "README.md"
START, END = "<!-- source-mix:start -->", "<!-- source-mix:end -->"


def section() -> str:
    """The README's generated block: the table and the topics lacking a party's own sources."""
    mix = sources.source_mix()
    missing = sources.missing_own_sources()
    gaps = "; ".join(f"{topic} ({state})" for topic, state in missing) or "none"
    return (
        f"{START}\n{sources.markdown(mix)}\n\n"
        f"Topics where a state that is a party has none of its own outlets' pages: {gaps}.\n{END}"
    )


def updated(text: str) -> str:
    """``text`` (the README) with its generated block replaced by a fresh one."""
    if START not in text or END not in text:
        raise SystemExit(f"{README}: markers {START} ... {END} not found")
    before, rest = text.split(START, 1)
    return before + section() + rest.split(END, 1)[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="update data/README.md")
    group.add_argument("--check", action="store_true", help="fail if data/README.md is stale")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    if args.write:
        README.write_text(updated(text), encoding="utf-8")
    elif args.check:
        if updated(text) != text:
            print(f"{README} shows an outdated source mix; run tools/source_mix.py --write")
            return 1
    else:
        print(section())
    return 0


if __name__ == "__main__":
    sys.exit(main())

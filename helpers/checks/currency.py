"""How current is the course? Every "now" in the data with the date a source last confirmed it.

    python -m helpers.checks.currency            # the report (``make currency``)
    python -m helpers.checks.currency --strict   # also exit 1 if anything is flagged
    python -m helpers.checks.currency --months 3 # flag what is older than 3 months

The facts run to a horizon (``data.facts_run_to()``), the last dated row, but no single
office or actor is known up to that day: each current office holder carries the date of
the latest page that names them (``last_confirmed`` in ``data/offices.csv``) and each
actor's "later" the date of the latest source it rests on (``later_as_of`` in
``data/actors.csv``). This report lists them all and flags every one confirmed more than
six months before the horizon: what a maintainer must re-check before moving the
horizon on (``docs/updating.md``). A death is final and is never flagged; a post the
sources leave without a named holder is listed as such, and flagged when stale like any
other.

Not imported by the notebooks: a maintainer's tool, like the build.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from helpers import data

if TYPE_CHECKING:
    import pandas as pd

MONTHS = 6
# an actor whose "later" records a death: nothing more can become of them
_DIED = re.compile(r"\b(killed|died|dead)\b", re.I)


@dataclass(frozen=True)
class Item:
    """One "now" in the data: what it says, when a source last confirmed it, and the verdict."""

    kind: str  # "office" or "actor"
    subject: str  # "Iran's Foreign Minister", "Jaish al-Adl"
    current: str  # the holder, or the actor's latest "later" item
    confirmed: str  # ISO date (may be partial) of the latest confirming source
    source: str  # that source's outlet, or "" for an actor
    flag: str  # "" (within the window), "stale", "final" (a death)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day if it has fewer).

    >>> months_before(dt.date(2026, 8, 31), 6)
    datetime.date(2026, 2, 28)
    """
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _stale(confirmed: str, cutoff: dt.date) -> bool:
    # a partial date ("2024-01") counts from its last possible day, to flag no more than needed
    first, precision = data.parse_date(confirmed)
    if precision == "year":
        last = dt.date(first.year, 12, 31)
    elif precision == "month":
        last = dt.date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    else:
        last = first
    return last < cutoff


def report(
    offices_rows: pd.DataFrame | None = None,
    actors_rows: pd.DataFrame | None = None,
    horizon: str | None = None,
    months: int = MONTHS,
) -> list[Item]:
    """Every current office holder and every actor's "later", with its date and flag.

    Defaults read ``data/``; tests pass their own frames and horizon.
    """
    from helpers import offices

    horizon = horizon or data.facts_run_to()
    cutoff = months_before(data.parse_date(horizon)[0], months)
    table = offices.table() if offices_rows is None else offices_rows
    current = offices.holders(horizon, table)
    by_id = table.set_index("id")
    items = []
    for line in current.itertuples(index=False):
        row = by_id.loc[line.id]
        confirmed = row["last_confirmed"] or row["start"]
        holder = line.holder + (f" (caveat: {line.caveat})" if line.caveat else "")
        items.append(
            Item(
                kind="office",
                subject=f"{line.country}'s {line.office}",
                current=holder,
                confirmed=confirmed,
                source=row["confirmed_outlet"] or row["source_outlet"],
                flag="stale" if _stale(confirmed, cutoff) else "",
            )
        )
    people = data.load_actors() if actors_rows is None else actors_rows
    for row in people.itertuples(index=False):
        if not row.later:
            continue
        # only a person's own death is final (an institution's "later" may record others' deaths)
        final = row.kind == "person" and bool(_DIED.search(row.later))
        items.append(
            Item(
                kind="actor",
                subject=row.name,
                current=row.later.split(";")[-1].strip(),
                confirmed=row.later_as_of,
                source="",
                flag="final" if final else ("stale" if _stale(row.later_as_of, cutoff) else ""),
            )
        )
    return items


def render(items: list[Item], horizon: str, months: int = MONTHS) -> str:
    """The report as plain text: a header with the horizon and cutoff, one line per item."""
    cutoff = months_before(data.parse_date(horizon)[0], months)
    stale = [i for i in items if i.flag == "stale"]
    lines = [
        f"The facts run to {data.format_date(horizon)}. Flagged: confirmed before "
        f"{data.format_date(cutoff.isoformat())} ({months} months earlier).",
        "",
    ]
    for kind, heading in (("office", "Current office holders"), ("actor", 'Actors\' "later"')):
        lines.append(f"{heading}:")
        for item in (i for i in items if i.kind == kind):
            mark = {"stale": "STALE", "final": "final", "": "ok"}[item.flag]
            source = f", {item.source}" if item.source else ""
            lines.append(
                f"  [{mark:>5}] {item.subject}: {item.current} "
                f"(last confirmed {data.format_date(item.confirmed)}{source})"
            )
        lines.append("")
    lines.append(
        f"{len(stale)} of {len(items)} confirmed more than {months} months before the horizon"
        + (": re-check them (docs/updating.md)." if stale else ".")
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=MONTHS, help="flag older than this")
    parser.add_argument("--strict", action="store_true", help="exit 1 if anything is flagged")
    args = parser.parse_args(argv)
    horizon = data.facts_run_to()
    items = report(horizon=horizon, months=args.months)
    print(render(items, horizon, args.months))
    return 1 if args.strict and any(i.flag == "stale" for i in items) else 0


if __name__ == "__main__":
    sys.exit(main())

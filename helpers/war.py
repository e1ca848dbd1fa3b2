"""The 2026 war on Iran and Pakistan's mediation, read from ``data/`` (notebooks 06, 08, 09).

The rows are named by id below, in the order the story is told, each with a
short label for a chart; their dates, wording, sources and claimants come
from ``events.csv`` and ``facts.csv``. :func:`accounts` gives each party's
account of the war as its own claim, :func:`mediators` who mediated between
whom in 2025 and 2026, and :func:`searched` says "no report found" (never
"nothing happened") when the data hold no row for something a reader may
expect.

>>> [party for party, _ in ACCOUNTS][:2]
['United States', 'Israel']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpers import data, markup, offices, timeline

if TYPE_CHECKING:
    import pandas as pd

# The war and the mediation in brief: (event id, label for the chart).
WAR_EVENTS: tuple[tuple[str, str], ...] = (
    ("E265", "strikes begin"),
    ("E277", "new Supreme Leader"),
    ("E271", "Hormuz closed"),
    ("E283", "ceasefire"),
    ("E284", "Islamabad talks"),
    ("E285", "US blockade"),
    ("E289", "Munir in Tehran"),
    ("E292", "Islamabad MoU"),
    ("E294", "Bürgenstock"),
    ("E296", "Doha talks"),
)

# Each party's account of the war, as its own claim: (party, fact id).
ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("United States", "F602"),
    ("Israel", "F603"),
    ("Iran", "F605"),
    ("Iran", "F606"),
    ("Pakistan", "F622"),
    ("Pakistan", "F623"),
    ("Qatar and Pakistan", "F645"),
)

# Who mediated between whom: (year, mediator, between, fact ids).
MEDIATIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("2025", "Iran (offered)", "India and Pakistan", ("F431",)),
    ("2025", "Qatar", "Pakistan and Afghanistan", ("F442",)),
    ("2025", "Iran (offered)", "Pakistan and Afghanistan", ("F443", "F444")),
    ("2026", "Pakistan", "the United States and Iran", ("F633", "F634")),
    ("2026", "Pakistan and Qatar", "the United States and Iran", ("F643", "F645", "F647")),
    (
        "2026",
        "Saudi Arabia, Qatar and Türkiye (a pause asked for)",
        "Pakistan and Afghanistan",
        ("F653",),
    ),
)

START = "2026-02-28"  # the first day of the strikes (the war's first row)


@data.cached_on_data
def war_events() -> pd.DataFrame:
    """The rows of :data:`WAR_EVENTS` from ``events.csv``, in date order, with timeline details."""
    ids = [event_id for event_id, _ in WAR_EVENTS]
    rows = timeline.with_details()
    found = rows[rows["id"].isin(ids)]
    missing = sorted(set(ids) - set(found["id"]))
    if missing:
        raise data.DataError(f"data/events.csv has no row {', '.join(missing)}; war.py needs it")
    return found.sort_values(["when", "id"], kind="stable").reset_index(drop=True)


def labels() -> dict[str, str]:
    """Chart labels for :data:`WAR_EVENTS`, by event id."""
    return dict(WAR_EVENTS)


def draw(on: str | None = None):
    """The war's timeline figure, optionally only the rows known on ``on``: ``(fig, ax)``."""
    rows = war_events()
    if on is not None:
        rows = rows[rows["when"] <= on]
    return timeline.draw_timeline(rows, labels={i: labels()[i] for i in rows["id"]}, mark=None)


def accounts() -> pd.DataFrame:
    """Each party's account of the war: party, what it said (as its claim), date, source, fact."""
    import pandas as pd

    facts = data.load_facts().set_index("id")
    ids = [fact_id for _, fact_id in ACCOUNTS]
    rows = data.rows_by_id(facts, ids, "fact")
    unclaimed = [i for i in ids if not facts.at[i, "claimed_by"]]
    if unclaimed:
        raise data.DataError(f"{', '.join(unclaimed)} must name who claims it (claimed_by)")
    return pd.DataFrame(
        {
            "party": [party for party, _ in ACCOUNTS],
            "account": data.with_claimants(rows)["claim"].to_numpy(),
            "date": [data.format_date(d) for d in rows["date"]],
            "source": [
                f"{o}, {data.format_date(d)}" if d else o
                for o, d in zip(rows["source_outlet"], rows["source_date"], strict=True)
            ],
            "fact": ids,
        }
    )


def mediators() -> pd.DataFrame:
    """Who mediated (or offered to) between whom, 2025 and 2026, each with its fact ids."""
    import pandas as pd

    facts = data.load_facts().set_index("id")
    for _, _, _, ids in MEDIATIONS:
        data.rows_by_id(facts, list(ids), "fact")  # every id must be a row
    return pd.DataFrame(
        [
            {"year": year, "mediator": who, "between": between, "facts": ", ".join(ids)}
            for year, who, between, ids in MEDIATIONS
        ]
    )


def swapped() -> list[str]:
    """States that were mediated between in one year of :data:`MEDIATIONS` and mediators in
    another (Pakistan: mediated in 2025, mediator in 2026; Iran the reverse)."""
    roles: dict[str, set[str]] = {}
    for year, who, between, _ in MEDIATIONS:
        for state in ("Pakistan", "Iran"):
            if state in who:
                roles.setdefault(state, set()).add(f"mediator {year}")
            if state in between:
                roles.setdefault(state, set()).add(f"party {year}")
    return sorted(
        state
        for state, seen in roles.items()
        if any(r.startswith("mediator") for r in seen) and any(r.startswith("party") for r in seen)
    )


def searched(rows: pd.DataFrame, what: str, since: str = START) -> str:
    """A sentence for a search of the data: the rows found, or "no report found".

    ``rows`` are the events or facts that matched; ``what`` says what was looked for.
    An empty search is reported as the absence of a report in the course's sources,
    up to the date the facts run to, never as proof that nothing happened.
    """
    until = data.format_date(data.facts_run_to())
    span = f"from {data.format_date(since)} to {until}"
    if rows.empty:
        return (
            f"No report found in the course's data of {markup.text(what)} {span}. "
            "That is what the sources read for the course say, not proof that nothing happened."
        )
    ids = ", ".join(rows["id"])
    return f"{len(rows)} report(s) of {markup.text(what)} {span}: {ids}."


def after(events: pd.DataFrame, since: str = START) -> pd.DataFrame:
    """The rows of ``events`` (from ``timeline.filter_events``) on or after ``since``."""
    return events[events["when"] >= since]


# Days before the war that the "as of" explorer offers too: the article, the second visit,
# and the eve of the strikes.
BEFORE: tuple[str, ...] = ("2023-07-16", "2025-05-27", "2026-02-27")
OFFICES: tuple[str, ...] = ("Supreme Leader", "Chief of General Staff", "IRGC commander")


def milestones() -> list[str]:
    """The days the "as of" explorer offers ("16 Jul 2023"): :data:`BEFORE`, then the war's rows."""
    return [data.format_date(d) for d in dict.fromkeys([*BEFORE, *war_events()["date"]])]


@data.cached_on_data
def as_of_view(day: str) -> str:
    """Explorer callback: what a reader could know on ``day`` (Markdown).

    The war's events known by that day, who held three of Iran's offices that
    day (``offices.holders``), and how many of Munir's July 2023 hosts were alive.
    """
    import pandas as pd

    from helpers import visits

    try:
        day = pd.Timestamp(day).date().isoformat()  # "16 Jul 2023" or "2023-07-16"
    except ValueError:
        raise ValueError(f"{day!r} is not a date; try '1 Mar 2026' or '2026-03-01'") from None
    rows = war_events()
    known = rows[rows["when"] <= day]
    lines = [f"**As of {data.format_date(day)}**", ""]
    if known.empty:
        lines.append(f"- No war yet in the data: its first row is dated {data.format_date(START)}.")
    for row in known.itertuples():
        event = data.attributed(row.event, row.claimed_by)
        lines.append(f"- {data.format_date(row.date)}: {markup.text(event)} ({row.id})")
    held = offices.holders(day)
    held = held[held["country"] == "Iran"].set_index("office")
    lines.append("")
    for office in OFFICES:
        holder = (
            f"{markup.text(held.at[office, 'holder'])} ({held.at[office, 'id']})"
            if office in held.index
            else "no holder named in data/offices.csv"
        )
        lines.append(f"- Iran's {office}: {holder}")
    hosts = visits.host_fates("Jul 2023", on=day)
    alive = hosts[hosts["status"] != "died"]
    names = f": {markup.text(', '.join(alive['person']))}" if len(alive) else ""
    lines += [
        "",
        f"Officials who met Munir in July 2023 and were alive: {len(alive)} of "
        f"{len(hosts)}{names}.",
    ]
    return "\n".join(lines)

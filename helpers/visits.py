"""Munir's visits to Tehran side by side, and what became of the people he met.

Three trips are compared: July 2023 (the article's visit), May 2025 (beside
the prime minister) and May 2026 (as a mediator between the United States and
Iran). Each :class:`Visit` names, by row id, the facts that say why he went,
whom he met, what was announced and by whom; the text of every cell is read
from those rows, so a corrected row corrects the table. What became of each
host is computed as of the date the facts run to: a dated death from
``facts.csv`` (:data:`DEATHS`), or else the office ``offices.csv`` says the
host held on that date.

>>> [v.key for v in VISITS]
['Jul 2023', 'May 2025', 'May 2026']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from helpers import actors, data, offices, people

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Visit:
    """One trip to Tehran: the timeline row, and the fact rows for each question asked of it."""

    key: str
    event: str  # the visit's row in events.csv
    why: tuple[str, ...]  # facts: why he went, as the sources give it
    met: tuple[tuple[str, str], ...]  # (host, fact id that reports the meeting)
    announced: tuple[str, ...]  # facts: what was announced, and by whom (claimed_by)
    role: str  # Munir's role on the trip, in the course's words


VISITS: tuple[Visit, ...] = (
    Visit(
        "Jul 2023",
        "E031",
        ("F001",),
        tuple((person, fact) for person, fact in people.MEETINGS),
        ("F014", "F018"),
        "army chief, on his first visit to Iran in the post",
    ),
    Visit(
        "May 2025",
        "E049",
        ("F133",),
        (
            ("Ali Khamenei", "F133"),
            ("Masoud Pezeshkian", "F133"),
            ("Mohammad Bagheri", "F050"),
        ),
        ("F050",),
        "Field Marshal, beside the prime minister",
    ),
    Visit(
        "May 2026",
        "E289",
        ("F639",),
        (
            ("Masoud Pezeshkian", "F638"),
            ("Mohammad Bagher Qalibaf", "F638"),
            ("Abbas Araghchi", "F638"),
        ),
        ("F638",),
        "Field Marshal and Chief of Defence Forces, as a mediator",
    ),
)

# Deaths of people Munir met on these trips, beyond people.FATES: (person, fact id).
DEATHS: tuple[tuple[str, str], ...] = (("Ali Khamenei", "F604"),)

ASPECTS = (
    "when",
    "his role",
    "why he went",
    "whom he met",
    "what was announced, and by whom",
    "how it was reported",
    "what became of the hosts",
)

_DIED = re.compile(r"\b(killed|died|dead)\b", re.I)


def visit(key: str) -> Visit:
    """The visit called ``key`` ("Jul 2023", "May 2025", "May 2026"); a clear error otherwise."""
    for found in VISITS:
        if found.key == key:
            return found
    known = ", ".join(v.key for v in VISITS)
    raise KeyError(f"no visit {key!r}; the visits are {known}")


def _name(person: str) -> str:
    return actors.known(person) or person


def _how(claim: str) -> str:
    """ "killed" or "died", as the fact's claim words it."""
    first = re.search(r"\b(killed|died)\b", claim, re.I)
    return first.group(1).lower() if first else "died"


@data.cached_on_data
def deaths() -> pd.DataFrame:
    """Every dated death of a host in the data: person, date, fact, source, how (killed, died).

    Read from the "died" rows of ``people.fates()`` and from :data:`DEATHS`; a fact
    in :data:`DEATHS` whose claim does not say killed or died is a DataError.
    """
    import pandas as pd

    fates = people.fates()
    rows = fates[fates["outcome"] == "died"][["person", "date", "fact", "source", "what_happened"]]
    rows = rows.assign(how=[_how(claim) for claim in rows.pop("what_happened")])
    facts = data.load_facts().set_index("id")
    extra = []
    for person, fact_id in DEATHS:
        row = data.rows_by_id(facts, [fact_id], "fact").iloc[0]
        if not _DIED.search(row["claim"]):
            raise data.DataError(f"{fact_id} does not say that {person} died: {row['claim']!r}")
        extra.append(
            {
                "person": _name(person),
                "date": row["date"],
                "fact": fact_id,
                "source": row["source_outlet"],
                "how": _how(row["claim"]),
            }
        )
    found = pd.concat([rows, pd.DataFrame(extra)], ignore_index=True)
    return found.drop_duplicates("person").sort_values(["date", "person"]).reset_index(drop=True)


@data.cached_on_data
def host_fates(key: str, on: str | None = None) -> pd.DataFrame:
    """What had become of one visit's hosts on ``on`` (default: the date the facts run to).

    One row per host: person, status ("died" or "in office" or "no later row"),
    what (a sentence with its row id), date. A death after ``on`` does not count. A host
    in office on the date the facts run to is given with the date of the latest report
    that confirms them ("last confirmed 23 Jun 2026"), not with the global date.
    """
    import pandas as pd

    when = on or data.facts_run_to()
    dead = deaths()
    dead = dead[dead["date"] <= when].set_index("person")
    held = offices.holders(when)
    rows = []
    for person in dict.fromkeys(_name(p) for p, _ in visit(key).met):
        if person in dead.index:
            row = dead.loc[person]
            rows.append(
                {
                    "person": person,
                    "status": "died",
                    "date": row["date"],
                    "what": f"{row['how']} {data.format_date(row['date'])} ({row['fact']})",
                }
            )
            continue
        posts = held[held["holder"] == person]
        if not posts.empty:
            post = posts.iloc[0]
            rows.append(
                {
                    "person": person,
                    "status": "in office",
                    "date": when,
                    "what": f"{post['country']}'s {post['office'].lower()}, "
                    + (
                        f"last confirmed {post['last_confirmed']}"
                        if on is None and post.get("last_confirmed")
                        else f"as of {data.format_date(when)}"
                    )
                    + f" ({post['id']})",
                }
            )
            continue
        rows.append(
            {
                "person": person,
                "status": "no later row",
                "date": "",
                "what": "no later row in data/: the post is not among the offices the course "
                "follows, and no report of a death was found",
            }
        )
    return pd.DataFrame(rows)


def _cell(ids: tuple[str, ...]) -> str:
    """The facts' claims, each naming its claimant and ending with its id (and a low rating)."""
    facts = data.load_facts().set_index("id")
    rows = data.rows_by_id(facts, list(dict.fromkeys(ids)), "fact")
    return " ".join(
        f"{data.attributed(row['claim'], row['claimed_by'])} ({fact_id}"
        + (", low confidence" if row["confidence"] == "low" else "")
        + ")."
        for fact_id, row in rows.iterrows()
    )


def _reported(item: Visit) -> str:
    facts = data.load_facts().set_index("id")
    ids = list(dict.fromkeys([*item.why, *(f for _, f in item.met), *item.announced]))
    outlets = list(dict.fromkeys(data.rows_by_id(facts, ids, "fact")["source_outlet"]))
    if item.key == VISITS[0].key:
        reports = data.load_outlet_reports()
        countries = sorted(set(reports["outlet_country"]))
        return (
            f"{reports['outlet'].nunique()} outlets from {len(countries)} countries "
            f"({', '.join(countries)}) in data/outlet_reports.csv, compared in notebook 07; "
            f"the facts here cite {', '.join(outlets)}."
        )
    return f"The facts here cite {', '.join(outlets)}."


def _met(item: Visit) -> str:
    names = list(dict.fromkeys(_name(person) for person, _ in item.met))
    ids = list(dict.fromkeys(fact for _, fact in item.met))
    return f"{', '.join(names)} ({', '.join(ids)})."


def _fates(item: Visit) -> str:
    fates = host_fates(item.key)
    dead = fates[fates["status"] == "died"]
    head = f"{len(dead)} of {len(fates)} dead by {data.format_date(data.facts_run_to())}"
    return head + ": " + "; ".join(f"{r.person}: {r.what}" for r in fates.itertuples()) + "."


@data.cached_on_data
def side_by_side() -> pd.DataFrame:
    """The visits as columns and the questions of :data:`ASPECTS` as rows, every cell from rows.

    A party's claim names the party ("ISPR said: ..."); every sentence ends with its row id.
    """
    import pandas as pd

    events = data.load_events().set_index("id")
    columns = {}
    for item in VISITS:
        event = data.rows_by_id(events, [item.event], "event").iloc[0]
        columns[item.key] = [
            f"{data.format_date(event['date'])}: {event['event']} ({item.event}).",
            item.role,
            _cell(item.why),
            _met(item),
            _cell(item.announced),
            _reported(item),
            _fates(item),
        ]
    return pd.DataFrame(columns, index=pd.Index(ASPECTS, name="question"))


def hosts_table(on: str | None = None) -> pd.DataFrame:
    """:func:`host_fates` for every visit, one row per host: visit, person, status, what."""
    import pandas as pd

    frames = [host_fates(item.key, on).assign(visit=item.key) for item in VISITS]
    return pd.concat(frames, ignore_index=True)[["visit", "person", "status", "what"]]

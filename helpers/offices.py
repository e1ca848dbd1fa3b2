"""Offices then and now: who held each post on 16 July 2023, and who holds it as of the data.

Everything is read from ``data/offices.csv`` (one sourced row per holder and
tenure). An office's rows form a *chain*: each tenure starts when (or the day
after) the previous one ends. A gap or an overlap is allowed only when the
later row's ``chain_note`` explains it. A row whose ``alternative_to`` names
another row is a disputed report of the same succession (Sayyari or Mousavi):
it stays in the data, with its confidence, but outside the chain.

"Now" is never written by hand: :func:`holders` and :func:`now_sentence` read
the holder on the date the facts run to (``data.facts_run_to()``), so a new
row changes them. Each current holder also carries the date of the latest page that
confirms them (``last_confirmed``): the course says "last confirmed 20 Jun 2026", not
that every office is known up to the horizon. A post whose holder the sources do not
name after a death is a row of its own whose holder is :data:`NOT_NAMED`.

>>> then = holders("2023-07-16").set_index(["country", "office"])
>>> then.at[("Iran", "President"), "holder"]
'Ebrahim Raisi'
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import TYPE_CHECKING

from helpers import data

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

VISIT_DATE = "2023-07-16"  # the day ISPR announced the pledge; "then" in this module
# the ``holder`` of a row that records an office left without a named holder in the sources
# (Mousavi killed, no successor found): an explicit state, not a silent blank
NOT_NAMED = "not named in the sources"


def _day(text: str) -> dt.date:
    """The first day an ISO (possibly partial) date can mean."""
    return data.parse_date(text)[0]


def table(path: str | None = None) -> pd.DataFrame:
    """``data/offices.csv`` with ``start_day`` and ``end_day`` (dates; ``end_day`` None if open)."""
    return _table(path) if path is not None else _table_of_data()


@data.cached_on_data
def _table_of_data() -> pd.DataFrame:
    return _table(None)


def _table(path: str | None) -> pd.DataFrame:
    rows = data.load_offices(path)
    rows["start_day"] = [_day(s) for s in rows["start"]]
    rows["end_day"] = [_day(e) if e else None for e in rows["end"]]
    return rows


def office_names(rows: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """``(country, office)`` pairs in the order the data file lists them."""
    rows = table() if rows is None else rows
    return list(dict.fromkeys(zip(rows["country"], rows["office"], strict=True)))


def _office_rows(office: str, country: str | None, rows: pd.DataFrame) -> pd.DataFrame:
    mask = rows["office"] == office
    if country is not None:
        mask &= rows["country"] == country
    if not mask.any():
        known = sorted(set(rows["office"]))
        close = difflib.get_close_matches(office, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise KeyError(f"no office {office!r}{hint} (known: {', '.join(known)})")
    if country is None and rows.loc[mask, "country"].nunique() > 1:
        raise KeyError(f"two countries have an office {office!r}; say which: country='Iran'")
    return rows[mask]


def chain(
    office: str, country: str | None = None, rows: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The office's holders in order of start, disputed alternatives left out."""
    rows = table() if rows is None else rows
    found = _office_rows(office, country, rows)
    return found[found["alternative_to"] == ""].sort_values("start_day")


def alternatives(rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows that dispute another row's holder (kept, with their confidence, outside the chain)."""
    rows = table() if rows is None else rows
    return rows[rows["alternative_to"] != ""]


def link_problem(before: pd.Series, after: pd.Series) -> str | None:
    """What is wrong between two consecutive tenures, or None if one follows the other.

    A handover on the same day, or on the next day, is a clean link. A gap or an
    overlap is a problem unless ``after['chain_note']`` explains it.
    """
    if after["chain_note"]:
        return None
    name = f"{after['office']} ({after['country']})"
    if before["end_day"] is None:
        return f"{name}: {before['holder']} ({before['id']}) has no end, but {after['id']} follows"
    days = (after["start_day"] - before["end_day"]).days
    if days > 1:
        return (
            f"{name}: gap of {days} days between {before['id']} (ends {before['end']}) "
            f"and {after['id']} (starts {after['start']}); explain it in chain_note"
        )
    if days < 0:
        return (
            f"{name}: {after['id']} starts {after['start']}, before {before['id']} ends "
            f"{before['end']}; explain the overlap in chain_note"
        )
    return None


def chain_problems(rows: pd.DataFrame | None = None) -> list[str]:
    """Every unexplained gap or overlap, and every broken ``alternative_to`` or ``fact_id``.

    An empty list means each office's chain of holders runs without a break.
    """
    rows = table() if rows is None else rows
    problems: list[str] = []
    for country, office in office_names(rows):
        held = chain(office, country, rows)
        for (_, before), (_, after) in zip(
            held.iloc[:-1].iterrows(), held.iloc[1:].iterrows(), strict=True
        ):
            problem = link_problem(before, after)
            if problem:
                problems.append(problem)
    by_id = rows.set_index("id")
    for _, alt in alternatives(rows).iterrows():
        target = alt["alternative_to"]
        if target not in by_id.index:
            problems.append(f"{alt['id']}: alternative_to {target!r} is not a row")
        elif by_id.at[target, "office"] != alt["office"] or (
            by_id.at[target, "start"] != alt["start"]
            and by_id.at[target, "holder"] != alt["holder"]
        ):
            # a dispute is over who (same start) or over when (same holder), in one office
            problems.append(
                f"{alt['id']}: disputes {target}, a different office, or a different start "
                "and a different holder"
            )
    fact_ids = set(data.load_facts()["id"])
    for _, row in rows[(rows["fact_id"] != "") & ~rows["fact_id"].isin(fact_ids)].iterrows():
        problems.append(f"{row['id']}: fact_id {row['fact_id']} is not in data/facts.csv")
    return problems


def _also(alt: pd.Series, row: pd.Series) -> str:
    """How a disputed report reads beside the row it disputes: another holder, or another day."""
    said = f"{alt['confidence']} confidence, {alt['id']}"
    if alt["holder"] == row["holder"]:
        return f"{alt['holder']} named on {data.format_date(alt['start'])} ({said})"
    return f"{alt['holder']} ({said})"


def _confirmed(row: pd.Series) -> tuple[str, str]:
    """``(date, Markdown link)`` of the latest page confirming an open tenure ("" if closed)."""
    if not row["last_confirmed"]:
        return "", ""
    return (
        data.format_date(row["last_confirmed"]),
        f"[{row['confirmed_outlet']}]({row['confirmed_url']})",
    )


def holders(on: str | None = None, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Who held each office on date ``on`` (ISO; default: the date the facts run to).

    One row per office: country, office, holder, since, source, confidence,
    ``also_reported`` (a disputed alternative's holder or day and confidence, if any),
    ``last_confirmed`` and ``confirmed_by`` (the latest page confirming a holder still
    in office; blank for a tenure that had ended by ``on``), and ``caveat``.
    A holder whose tenure ends on ``on`` has handed over that day.
    """
    if rows is None:  # the course's own table: computed once per day and data version
        return _holders_of_the_data(on or data.facts_run_to())
    return _holders(on or data.facts_run_to(), rows)


@data.cached_on_data
def _holders_of_the_data(on: str) -> pd.DataFrame:
    return _holders(on, table())


def _holders(on: str, rows: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    day = _day(on)
    alts = alternatives(rows)
    in_chains = rows[rows["alternative_to"] == ""].sort_values("start_day", kind="stable")
    chains = {key: held for key, held in in_chains.groupby(["country", "office"], sort=False)}
    found = []
    for country, office in office_names(rows):
        held = chains.get((country, office))
        if held is None:
            continue
        current = held[
            (held["start_day"] <= day) & held["end_day"].map(lambda e: e is None or e > day)
        ]
        if current.empty:
            continue
        row = current.iloc[-1]
        disputed = alts[(alts["alternative_to"] == row["id"]) & (alts["start_day"] <= day)]
        also = "; ".join(_also(a, row) for _, a in disputed.iterrows())
        still_open = row["end_day"] is None
        confirmed, confirmed_by = _confirmed(row) if still_open else ("", "")
        found.append(
            {
                "country": country,
                "office": office,
                "holder": row["holder"],
                "since": data.format_date(row["start"]),
                "source": f"[{row['source_outlet']}]({row['source_url']})",
                "confidence": row["confidence"],
                "also_reported": also,
                "last_confirmed": confirmed,
                "confirmed_by": confirmed_by,
                "caveat": row["caveat"] if still_open else "",
                "id": row["id"],
            }
        )
    return pd.DataFrame(found)


def then_and_now(then: str = VISIT_DATE, now: str | None = None) -> pd.DataFrame:
    """Each office's holder on ``then`` and on ``now`` (default: the date the facts run to).

    Columns: country, office, then, now, changes (how many new tenures began
    after ``then``, up to ``now``), also_reported, last_confirmed (the date of the
    latest page confirming the holder ``now``) and caveat (what the sources leave open
    about that holder; show it in a table of its own, it is long).
    """
    import pandas as pd

    rows = table()
    now = now or data.facts_run_to()
    before = holders(then, rows).set_index(["country", "office"])
    after = holders(now, rows).set_index(["country", "office"])
    start, end = _day(then), _day(now)
    out = []
    for key in after.index:
        held = chain(key[1], key[0], rows)
        changes = int(((held["start_day"] > start) & (held["start_day"] <= end)).sum())
        out.append(
            {
                "country": key[0],
                "office": key[1],
                "then": before.at[key, "holder"] if key in before.index else "(no such post)",
                "now": after.at[key, "holder"],
                "changes": changes,
                "also_reported": after.at[key, "also_reported"],
                "last_confirmed": after.at[key, "last_confirmed"],
                "caveat": after.at[key, "caveat"],
            }
        )
    return pd.DataFrame(out)


def changes(after: str = VISIT_DATE, until: str | None = None) -> pd.DataFrame:
    """Every tenure that began after ``after`` (up to ``until``), with how and its source.

    Disputed alternatives are included and marked, so the disagreement shows.
    """
    rows = table()
    start, end = _day(after), _day(until or data.facts_run_to())
    found = rows[(rows["start_day"] > start) & (rows["start_day"] <= end)].sort_values(
        ["start_day", "id"]
    )
    found = found.assign(
        date=[data.format_date(s) for s in found["start"]],
        source=found["source_outlet"],
        disputed=[f"disputes {a}" if a else "" for a in found["alternative_to"]],
    )
    return found[
        [
            "date",
            "country",
            "office",
            "holder",
            "how_started",
            "confidence",
            "source",
            "source_url",
            "disputed",
            "id",
        ]
    ]


def now_sentence(office: str, country: str | None = None, on: str | None = None) -> str:
    """A sentence naming an office's holder, dated by its sources.

    With ``on`` it says who held the post "as of" that date. Without it, it names the
    current holder with the date of the latest page that confirms them ("last confirmed
    20 Jun 2026"), not the date the facts run to, which no single office is known up to;
    a post the sources leave without a named holder says so, with the last holder.

    >>> now_sentence("Foreign Minister", country="Pakistan").startswith("Pakistan's Foreign ")
    True
    """
    rows = table()
    when = on or data.facts_run_to()
    found = _office_rows(office, country, rows)
    country = found["country"].iloc[0]
    current = holders(when, rows).set_index(["country", "office"])
    key = (country, office)
    if key not in current.index:
        return f"As of {data.format_date(when)}, the data name no holder of {country}'s {office}."
    row = current.loc[key]
    also = f" (also reported: {row['also_reported']})" if row["also_reported"] else ""
    caveat = f" Caveat: {row['caveat']}." if row["caveat"] else ""
    if on is not None or not row["last_confirmed"]:
        return (
            f"As of {data.format_date(when)}, {country}'s {office} is {row['holder']}, "
            f"in office since {row['since']}{also}; source: {row['source']}.{caveat}"
        )
    if row["holder"] == NOT_NAMED:
        held = chain(office, country, rows)
        before = held[held["id"] != row["id"]].iloc[-1]
        return (
            f"{country}'s {office}: no holder named in the sources up to "
            f"{data.format_date(data.facts_run_to())} since {before['holder']} "
            f"(to {data.format_date(before['end'])}): no report found "
            f"({row['confirmed_by']}, {row['last_confirmed']})."
        )
    return (
        f"{country}'s {office}: {row['holder']}, in office since {row['since']}{also}, "
        f"last confirmed {row['last_confirmed']} ({row['confirmed_by']}).{caveat}"
    )


# surnames of two words, for labels (otherwise the last word is the surname)
_SURNAMES = {"Ali Bagheri Kani": "Bagheri Kani"}


def surname(name: str) -> str:
    """The name a chart label uses: the last word, or the two-word surname ("Bagheri Kani")."""
    return _SURNAMES.get(name, name.split()[-1])


def _outlined(ax: Axes, at: float, span: tuple, height: float, **style: str) -> None:
    """A white bar drawn by its edge: a disputed report, or a post left without a named holder."""
    left, right = span
    ax.barh(at, right - left, left=left, height=height, color="white", **style)


def draw_chains(ax: Axes, start: str = VISIT_DATE, end: str | None = None) -> None:
    """Draw each office's holders as bars from ``start`` to ``end`` (default: the facts' date).

    One row per office, coloured by country. A long tenure is labelled inside
    its bar; the surnames of a run of short ones are written above it ("Sharif,
    Kakar"). A disputed alternative is a thin hatched bar under the main one,
    labelled with its confidence, so the disagreement stays on the chart.
    """
    import pandas as pd

    from helpers import plotting

    rows = table()
    begin, finish = pd.Timestamp(start), pd.Timestamp(end or data.facts_run_to())
    names = office_names(rows)
    for y, (country, office) in enumerate(names):
        colour = plotting.COUNTRY_COLOURS.get(country, plotting.COUNTRY_COLOURS["other"])
        short: list[tuple[pd.Timestamp, str]] = []  # a run of short tenures, labelled together
        previous = ""
        for _, row in _office_rows(office, country, rows).sort_values("start_day").iterrows():
            left = max(pd.Timestamp(row["start_day"]), begin)
            right = min(pd.Timestamp(row["end_day"]) if row["end_day"] else finish, finish)
            if right < left:
                continue

            if row["alternative_to"]:
                _outlined(ax, y + 0.4, (left, right), 0.15, edgecolor=colour, hatch="//")
                main = rows.set_index("id").loc[row["alternative_to"]]
                named = (
                    f" named {data.format_date(row['start'])}"
                    if main["holder"] == row["holder"]
                    else ""
                )
                ax.annotate(
                    f"{row['holder']}{named} ({row['confidence']} confidence)",
                    (left, y + 0.4),
                    xytext=(-4, 0),
                    textcoords="offset points",
                    ha="right",
                    va="center",
                    fontsize=9,
                )
                continue
            if row["holder"] == NOT_NAMED:
                # no holder named in the sources: an outlined gap, labelled, not a silent blank
                _outlined(ax, y, (left, right), 0.6, edgecolor=colour, linestyle="--")
                short.append((left, "no holder named"))
                previous = row["holder"]
                continue
            ax.barh(y, right - left, left=left, height=0.6, color=colour, edgecolor="white")
            if (right - left).days >= 240:
                ax.annotate(
                    row["holder"],
                    (left, y),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=10,
                    color="white",
                )
            elif row["holder"] != previous:
                short.append((left, surname(row["holder"])))
            previous = row["holder"]
        if short:
            ax.annotate(
                ", ".join(name for _, name in short),
                (short[0][0], y - 0.44),
                xytext=(2, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
            )
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels([f"{office} ({country})" for country, office in names])
    ax.set_ylim(len(names) - 0.4, -0.8)
    ax.set_xlim(begin, finish)
    ticks = pd.date_range(begin.to_period("Y").start_time, finish, freq="6MS")
    ticks = [t for t in ticks if t >= begin]
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{t:%b %Y}" for t in ticks])


def chains_alt(start: str = VISIT_DATE, end: str | None = None) -> str:
    """Alt text for :func:`draw_chains`: each office's holders from ``start`` to ``end``."""
    rows = table()
    end = end or data.facts_run_to()
    parts = []
    for country, office in office_names(rows):
        held = chain(office, country, rows)
        held = held[(held["end_day"].isna() | (held["end"] >= start)) & (held["start"] <= end)]
        parts.append(f"{country}'s {office}: " + ", then ".join(held["holder"]))
    span = f"from {data.format_date(start)} to {data.format_date(end)}"
    return f"Bars for {len(parts)} offices {span}. " + "; ".join(parts) + "."

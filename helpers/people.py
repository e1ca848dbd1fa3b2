"""People and the press: who met whom in Tehran, what became of them, and who reported what.

Everything here is read from ``data/``: posts and later careers from
``actors.csv``, the meetings and the officials' fates from dated rows of
``facts.csv`` (named by id below, so every statement keeps its source), and
the outlets' claims from ``outlet_reports.csv``.

>>> actor_card("Raeisi").splitlines()[0]
'### Ebrahim Raisi'
>>> attribution_phrases("The army said the talks went well.")
['The army said']
"""

from __future__ import annotations

import difflib
import re
import textwrap
from typing import TYPE_CHECKING

from helpers import actors, data, markup, timeline

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

# The meetings of 14-16 July 2023: (host, fact id). Day, outlet and link come from the fact row.
MEETINGS: tuple[tuple[str, str], ...] = (
    ("Abdolrahim Mousavi", "F008"),
    ("Mohammad Bagheri", "F005"),
    ("Hossein Salami", "F009"),
    ("Ebrahim Raisi", "F011"),
    ("Hossein Amir-Abdollahian", "F011"),
)
ARRIVAL_EVENT = "E031"

# What became of the officials: (person, fact id), dated and sourced by the fact row.
FATES: tuple[tuple[str, str], ...] = (
    ("Asim Munir", "F030"),
    ("Asim Munir", "F035"),
    ("Ebrahim Raisi", "F040"),
    ("Hossein Amir-Abdollahian", "F040"),
    ("Mohammad Bagheri", "F044"),
    ("Hossein Salami", "F048"),
    ("Abdolrahim Mousavi", "F046"),
    ("Abdolrahim Mousavi", "F610"),
)

_DIED = re.compile(r"\b(killed|died|dead)\b", re.I)


def _fact_rows(ids: list[str]) -> pd.DataFrame:
    facts = data.load_facts().set_index("id")
    missing = [i for i in ids if i not in facts.index]
    if missing:
        raise data.DataError(f"data/facts.csv has no row {', '.join(missing)}; people.py needs it")
    return facts.loc[ids]


def post_in_july_2023(name: str) -> str:
    """An actor's post at the time of the visit: ``role_july_2023`` up to its first ';'."""
    return actors.lookup(name)["role_july_2023"].split(";")[0].strip()


@data.cached_on_data
def meetings() -> pd.DataFrame:
    """The officials Munir met during the visit, one row each, in the order of ``MEETINGS``.

    Columns: date (ISO), day ("Sat 15 Jul 2023"), person, post, reported_by,
    confidence, fact, source_url, on_arrival (the fact says "on arrival"), note.
    Raises DataError if a fact id is missing.
    """
    import pandas as pd

    rows = _fact_rows([fact for _, fact in MEETINGS])
    table = pd.DataFrame(
        {
            "date": rows["date"].to_numpy(),
            "day": [
                f"{w:%a} {data.format_date(d)}"
                for w, d in zip(rows["when"], rows["date"], strict=True)
            ],
            "person": [actors.resolve(person) for person, _ in MEETINGS],
            "post": [post_in_july_2023(person) for person, _ in MEETINGS],
            "reported_by": rows["source_outlet"].to_numpy(),
            "confidence": rows["confidence"].to_numpy(),
            "fact": rows.index.to_numpy(),
            "source_url": rows["source_url"].to_numpy(),
            "on_arrival": ["arriv" in claim.lower() for claim in rows["claim"]],
            "note": rows["note"].to_numpy(),
        }
    )
    return table.sort_values("date", kind="stable").reset_index(drop=True)


def arrival() -> pd.Series:
    """The timeline row for Munir's arrival in Tehran (``ARRIVAL_EVENT``)."""
    events = data.load_events().set_index("id")
    return events.loc[ARRIVAL_EVENT]


@data.cached_on_data
def fates() -> pd.DataFrame:
    """What became of the officials after the visit, one dated and sourced row per fact.

    ``outcome`` is "died" when the fact's claim says killed or died, else "new post".
    """
    import pandas as pd

    rows = _fact_rows([fact for _, fact in FATES])
    people = [actors.resolve(person) for person, _ in FATES]
    table = pd.DataFrame(
        {
            "person": people,
            "country": [actors.lookup(p)["country"] for p in people],
            "post_july_2023": [post_in_july_2023(p) for p in people],
            "what_happened": rows["claim"].to_numpy(),
            "outcome": ["died" if _DIED.search(c) else "new post" for c in rows["claim"]],
            "date": rows["date"].to_numpy(),
            "source": rows["source_outlet"].to_numpy(),
            "fact": rows.index.to_numpy(),
            "source_url": rows["source_url"].to_numpy(),
        }
    )
    return table.sort_values(["date", "person"], kind="stable").reset_index(drop=True)


def later_meetings(name: str = "Asim Munir") -> pd.DataFrame:
    """Timeline events after the visit in which ``name`` appears with one of his July 2023 hosts."""
    person = actors.resolve(name)
    hosts = {actors.resolve(host) for host, _ in MEETINGS}
    events = data.load_events()
    after = events[events["when"] > "2023-07-16"]

    def together(cell: str) -> bool:
        named = {part.strip() for part in cell.split(";")}
        return person in named and bool(named & hosts)

    found = after[after["actors"].map(together)]
    return found.sort_values("when")[["date", "event", "place", "source_url"]].reset_index(
        drop=True
    )


def actor_card(name: str) -> str:
    """A Markdown card for any spelling of an actor: kind, post in July 2023, what followed.

    Raises UnknownActorError (a KeyError) with close matches for a name it does not know.
    """
    row = actors.lookup(name)
    canonical = row["name"]
    text = markup.text  # every value below comes from data: shown as text, never as markup
    spellings = [s for s in actors.aliases(canonical) if s != canonical]
    also = ", ".join(f"*{text(s)}*" for s in spellings) or "no other spelling recorded"
    # as of the latest source the text rests on, not the horizon (data/actors.csv, later_as_of)
    as_of = data.format_date(row["later_as_of"] or data.facts_run_to())
    later = text(row["later"]) or "nothing recorded in the course's data"
    lines = [
        f"### {text(canonical)}",
        "",
        f"{text(row['kind'])} · {text(row['country'])} · also written: {also}",
        "",
        "| | |",
        "| --- | --- |",
        f"| **In July 2023** | {text(row['role_july_2023'])} |",
        f"| **What followed** (as of {as_of}) | {later} |",
    ]
    met = meetings()
    for visit in met[met["person"] == canonical].itertuples():
        lines.append(
            f"| **Met Munir during the visit** | {text(visit.day)} "
            f"({markup.link(visit.reported_by, visit.source_url)}) |"
        )
    dated = fates()
    for fate in dated[dated["person"] == canonical].itertuples():
        lines.append(
            f"| **{data.format_date(fate.date)}** | {text(fate.what_happened)} "
            f"({markup.link(fate.source, fate.source_url)}) |"
        )
    if row["banned_by"]:
        lines.append(f"| **Banned by** | {row['banned_by']} |")
    site = timeline.source_site(row["source_url"])
    lines.append(f"| **Source of this row** | {markup.link(site, row['source_url'])} |")
    return "\n".join(lines)


def explore_actor(name: str) -> str:
    """The Explorer's callback: an actor card, or a hint (never an exception) for a bad name."""
    if not isinstance(name, str) or not name.strip():
        return "*Type a name, in any spelling: for example* `Raeisi`, `Baqeri` *or* `BLA`."
    try:
        return actor_card(name)
    except actors.UnknownActorError as err:
        return (
            f"**{markup.text(err)}**\n\n"
            "Check the spelling, or list every actor with `actors.names()`."
        )


# ---- who reported what (data/outlet_reports.csv) -------------------------------------

# Colours for whom an outlet credits; the two governments keep their country colours.
ATTRIBUTION_LABELS = {
    "pakistan-official": "Pakistani officials (ISPR, the army)",
    "iran-official": "Iranian officials or state agencies",
    "both-sides": "Both governments",
    "other-media": "Another outlet or unnamed 'reports'",
    "unattributed": "No source named",
    "mixed": "Its reports credit different sources",
}


def attribution_colours() -> dict[str, str]:
    """A colour for each ``attribution_kind`` (and "mixed"), colour-blind safe."""
    from helpers import plotting

    palette = plotting.OKABE_ITO
    return {
        "pakistan-official": plotting.COUNTRY_COLOURS["Pakistan"],
        "iran-official": plotting.COUNTRY_COLOURS["Iran"],
        "both-sides": palette["reddish purple"],
        "other-media": palette["orange"],
        "unattributed": palette["vermillion"],
        "mixed": plotting.COUNTRY_COLOURS["other"],
    }


def outlets(reports: pd.DataFrame | None = None) -> list[str]:
    """Outlet names in ``outlet_reports.csv``, grouped by country, then alphabetically."""
    frame = data.load_outlet_reports() if reports is None else reports
    size = frame.groupby("outlet_country")["outlet"].nunique()
    ordered = frame.assign(size=frame["outlet_country"].map(size))
    ordered = ordered.sort_values(
        ["size", "outlet_country", "outlet"], ascending=[False, True, True]
    )
    return list(dict.fromkeys(ordered["outlet"]))


def _resolve_outlet(name: str, reports: pd.DataFrame) -> str:
    known = outlets(reports)
    by_key = {o.casefold(): o for o in known}
    key = name.strip().casefold() if isinstance(name, str) else ""
    if key in by_key:
        return by_key[key]
    close = difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.5)
    hint = "; did you mean " + " or ".join(repr(by_key[c]) for c in close) + "?" if close else ""
    raise KeyError(f"no outlet {name!r} in data/outlet_reports.csv{hint}")


def outlet_claims(outlet: str, reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """One outlet's claims about the visit (any capitalisation of its name).

    Raises KeyError suggesting close names for an outlet not in the data.
    """
    frame = data.load_outlet_reports() if reports is None else reports
    name = _resolve_outlet(outlet, frame)
    rows = frame[frame["outlet"] == name]
    columns = ["report_date", "dateline", "claim", "value", "wording", "attribution"]
    return rows[columns].reset_index(drop=True)


def explore_outlet(outlet: str) -> pd.DataFrame:
    """The Explorer's callback: an outlet's claims, with who it credits for each."""
    table = outlet_claims(outlet)
    return table.rename(
        columns={
            "report_date": "date",
            "wording": "wording (short quote)",
            "attribution": "the outlet credits",
        }
    )


def compare_claim(claim: str, reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every outlet's version of one claim (e.g. "arrival day"), side by side.

    Raises KeyError suggesting close claim names for a claim not in the data.
    """
    frame = data.load_outlet_reports() if reports is None else reports
    if claim not in set(frame["claim"]):
        close = difflib.get_close_matches(claim, sorted(set(frame["claim"])), n=3, cutoff=0.4)
        hint = "; did you mean " + " or ".join(map(repr, close)) + "?" if close else ""
        raise KeyError(f"no claim {claim!r} in data/outlet_reports.csv{hint}")
    rows = frame[frame["claim"] == claim]
    # a month-only date ("2023-07": day not shown) sorts after the dated reports of that month
    rows = rows.assign(order=rows["report_date"].str.pad(10, side="right", fillchar="~"))
    rows = rows.sort_values(["order", "outlet"], kind="stable")
    columns = ["outlet", "outlet_country", "report_date", "value", "wording", "attribution"]
    return rows[columns].reset_index(drop=True)


def claims_matrix(
    reports: pd.DataFrame | None = None, min_outlets: int = 2, claims: list[str] | None = None
) -> pd.DataFrame:
    """Outlets (rows) by claims (columns): whom the outlet credits, or "" if it is silent.

    Keeps claims reported by at least ``min_outlets`` outlets unless ``claims``
    names them. A cell where one outlet's reports credit different kinds of
    source reads "mixed".
    """
    frame = data.load_outlet_reports() if reports is None else reports
    if claims is None:
        spread = frame.groupby("claim")["outlet"].nunique()
        claims = spread[spread >= min_outlets].sort_values(ascending=False, kind="stable").index
        claims = list(claims)
    unknown = sorted(set(claims) - set(frame["claim"]))
    if unknown:
        raise KeyError(f"no claim {', '.join(map(repr, unknown))} in data/outlet_reports.csv")

    def kind(values: pd.Series) -> str:
        distinct = set(values)
        return distinct.pop() if len(distinct) == 1 else "mixed"

    chosen = frame[frame["claim"].isin(claims)]
    matrix = chosen.pivot_table(
        index="outlet", columns="claim", values="attribution_kind", aggfunc=kind
    )
    order = [o for o in outlets(frame) if o in matrix.index]
    return matrix.reindex(index=order, columns=claims).fillna("")


def draw_claims_matrix(ax: Axes, matrix: pd.DataFrame, countries: dict[str, str]) -> None:
    """Draw ``claims_matrix()`` as coloured cells on ``ax``: outlets down, claims across the top.

    ``countries`` maps outlet to country, shown after each outlet's name; a thin
    line separates the countries.
    """
    from matplotlib.patches import Patch

    colours = attribution_colours()
    for y, outlet in enumerate(matrix.index):
        for x, claim in enumerate(matrix.columns):
            cell = matrix.loc[outlet, claim]
            if cell:
                ax.add_patch(_cell(x, y, colours[cell]))
    labels = [countries.get(o, "?") for o in matrix.index]
    for y in range(1, len(labels)):
        if labels[y] != labels[y - 1]:
            ax.axhline(y - 0.5, color="#555555", lw=0.8)
    ax.set_xlim(-0.5, len(matrix.columns) - 0.5)
    ax.set_ylim(len(matrix.index) - 0.5, -0.5)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xticks(range(len(matrix.columns)))
    ax.set_xticklabels(matrix.columns, rotation=40, ha="left", rotation_mode="anchor")
    ax.set_yticks(range(len(matrix.index)))
    ax.set_yticklabels([f"{o} ({c})" for o, c in zip(matrix.index, labels, strict=True)])
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    used = sorted({c for c in matrix.to_numpy().ravel() if c}, key=list(colours).index)
    handles = [Patch(color=colours[k], label=ATTRIBUTION_LABELS[k]) for k in used]
    ax.legend(
        handles=handles,
        title="The outlet credits",
        loc="upper left",
        bbox_to_anchor=(1.02, 1),
        frameon=False,
    )


def _cell(x: float, y: float, colour: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x - 0.45, y - 0.45), 0.9, 0.9, color=colour)


def draw_meetings(ax: Axes, table: pd.DataFrame, arrived: str | None = None) -> None:
    """Draw ``meetings()`` on ``ax``: one row per host, placed on the day reported.

    Filled markers are facts rated ``high`` confidence (several reliable outlets
    agree), hollow ones ``medium`` (the fact base rests on one reliable outlet).
    ``arrived`` (ISO date) shades the arrival day.
    """
    import pandas as pd
    from matplotlib.lines import Line2D

    from helpers import plotting

    colour = plotting.COUNTRY_COLOURS["Iran"]
    days = pd.to_datetime(table["date"])
    first = min(days.min(), pd.Timestamp(arrived)) if arrived else days.min()
    for y, (row, when) in enumerate(zip(table.itertuples(), days, strict=True)):
        filled = row.confidence == "high"
        ax.plot(when, y, "o", ms=14, color=colour, mfc=colour if filled else "white", mew=2.5)
        label = textwrap.shorten(row.post, 48, placeholder="…")
        if row.on_arrival:
            label += "\non arrival (a day the sources dispute)"
        ax.annotate(
            f"{label}\nreported by {row.reported_by}",
            (when, y),
            # a third line goes up into the room above the first row, not into the next row
            xytext=(14, 10 if row.on_arrival else 0),
            textcoords="offset points",
            va="center",
            fontsize=11,
        )
    if arrived:
        start = pd.Timestamp(arrived)
        ax.axvspan(
            start - pd.Timedelta(hours=12),
            start + pd.Timedelta(hours=12),
            color="#dddddd",
            zorder=0,
        )
        ax.text(
            start,
            len(table) - 0.5,
            "Arrives in\nTehran (ISPR)",
            ha="center",
            va="bottom",
            fontsize=11,
        )
    ticks = pd.date_range(first, days.max(), freq="D")
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{d:%a %d %b}" for d in ticks])
    # room right of the last day for its labels, and above the first row for a third line
    ax.set_xlim(first - pd.Timedelta(hours=12), days.max() + pd.Timedelta(days=2.4))
    ax.set_yticks(range(len(table)))
    ax.set_yticklabels(table["person"])
    ax.set_ylim(len(table) - 0.3, -1.0 if table["on_arrival"].iloc[0] else -0.7)
    ax.legend(
        handles=[
            Line2D([], [], marker="o", ls="", ms=12, color=colour, label="high confidence"),
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                ms=12,
                color=colour,
                mfc="white",
                mew=2.5,
                label="medium confidence",
            ),
        ],
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncol=2,
        frameon=False,
    )


def draw_fates(ax: Axes, table: pd.DataFrame, start: str, end: str) -> None:
    """Draw ``fates()`` as lines from ``start`` (the visit) to each fate, up to ``end`` (as of).

    A line stops with an x where the person died; a diamond marks a new post.
    """
    import pandas as pd
    from matplotlib.lines import Line2D

    from helpers import plotting

    begin, finish = pd.Timestamp(start), pd.Timestamp(end)
    names = list(dict.fromkeys(table["person"]))
    for y, name in enumerate(names):
        rows = table[table["person"] == name]
        colour = plotting.COUNTRY_COLOURS.get(
            rows["country"].iloc[0], plotting.COUNTRY_COLOURS["other"]
        )
        dates = pd.to_datetime(rows["date"])
        died = rows["outcome"] == "died"
        stop = dates[died].min() if died.any() else finish
        ax.plot([begin, stop], [y, y], color=colour, lw=4, solid_capstyle="butt")
        for when, iso, outcome in zip(dates, rows["date"], rows["outcome"], strict=True):
            marker = "X" if outcome == "died" else "D"
            ax.plot(when, y, marker, ms=14, color="black" if outcome == "died" else colour)
            ax.annotate(
                data.format_date(iso),
                (when, y),
                xytext=(0, 12),
                textcoords="offset points",
                ha="center",
                fontsize=11,
            )
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names)
    ax.set_ylim(len(names) - 0.4, -0.8)
    ax.set_xlim(begin - pd.Timedelta(days=30), finish + pd.Timedelta(days=30))
    ticks = pd.date_range(begin.to_period("Y").start_time, finish, freq="6MS")
    ticks = [t for t in ticks if begin - pd.Timedelta(days=30) <= t]
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{t:%b %Y}" for t in ticks])
    ax.legend(
        handles=[
            Line2D([], [], marker="X", ls="", ms=12, color="black", label="died"),
            Line2D([], [], marker="D", ls="", ms=11, color="#777777", label="new post"),
        ],
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncol=2,
        frameon=False,
    )


# ---- attribution in a text ---------------------------------------------------------------

_SPEECH = r"(?:said|says|told|reported|reports|announced|stated|added|quoted|wrote|tweeted)"
_ATTRIBUTION = re.compile(
    r"\baccording to [^,.;:“”\"]+"
    rf"|\b(?:{_SPEECH}|cited) by [^,.;:“”\"]+"
    rf"|(?:\b[\w'’-]+ ){{0,4}}{_SPEECH}\b(?! by)"
    r"|\bin a (?:statement|press release|post|tweet)\b[^,.;:]*",
    re.I,
)


def attribution_phrases(text: str) -> list[str]:
    """Phrases in ``text`` that name where information comes from.

    A rough check for an exercise: it finds "according to ...", "... said",
    "reported by ..." and "in a statement ..."; it cannot tell whether the
    named source is the right one.

    >>> attribution_phrases("Terror is a threat, according to ISPR.")
    ['according to ISPR']
    """
    if not isinstance(text, str):
        raise TypeError(f"attribution_phrases needs text, not {type(text).__name__}")
    return [m.group(0).strip() for m in _ATTRIBUTION.finditer(text)]


def _plain(words: list[str]) -> list[str]:
    """Words with curly quotes made straight, so typography alone is not a change."""
    table = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
    return [w.translate(table) for w in words]


def word_diff(original: str, copy: str) -> str:
    """Markdown showing how ``copy`` rewords ``original``, readable by eye and by ear.

    The first line marks <del>dropped</del> and <ins>added</ins> words (HTML
    tags a screen reader can announce, where strikethrough and bold are silent);
    a second line lists each change in plain words, "was → now". Curly and
    straight quotation marks count as the same character.

    >>> print(word_diff("Iran is resolute on ties", "Iran is committed at ties"))
    Iran is <del>resolute on</del> <ins>committed at</ins> ties
    <BLANKLINE>
    Changes: "resolute on" → "committed at".
    """
    a, b = original.split(), copy.split()
    out: list[str] = []
    changes: list[str] = []
    matcher = difflib.SequenceMatcher(a=_plain(a), b=_plain(b), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(markup.text(" ".join(a[i1:i2])))
            continue
        # data is text: the words are escaped, only the <del>/<ins> around them is markup
        was, now = markup.text(" ".join(a[i1:i2])), markup.text(" ".join(b[j1:j2]))
        if was:
            out.append(f"<del>{was}</del>")
        if now:
            out.append(f"<ins>{now}</ins>")
        changes.append(
            f'"{was}" → "{now}"' if was and now else f'dropped "{was}"' if was else f'added "{now}"'
        )
    if not changes:
        return " ".join(out)
    return " ".join(out) + "\n\nChanges: " + "; ".join(changes) + "."

"""Regional dynamics: numbers that sources disagree on, shown side by side.

Two stories in the course hinge on a number that depends on who counts:
Pakistan-Iran trade (Iran's statistics record far more than Pakistan's) and
the claim that Pakistan has "the largest Shia population after Iran" (no
census asks, so estimates range widely). Both live in ``data/estimates.csv``,
one row per source. The functions here select those rows, turn them into
readable tables and charts, and drive the notebook's explorers.

>>> format_usd(880), format_usd(0.059), format_usd(1400, at_least=True)
('$880m', '$59,000', 'over $1.4bn')
"""

from __future__ import annotations

import difflib
import math
import re
from typing import TYPE_CHECKING, Any

from helpers import data, plotting

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from helpers.plotting import SlideFigure
    from helpers.widgets import Explorer

# Trade flows in the order a chart lists them, with short labels for the axis.
FLOWS = {
    "goods from Iran to Pakistan": "Iran → Pakistan",
    "goods from Pakistan to Iran": "Pakistan → Iran",
    "rice from Pakistan to Iran": "rice, Pakistan → Iran",
    "total trade": "total trade",
}
# Explorer choice -> the ``reporter`` value it keeps (None keeps every row).
STATISTICS = {"both countries'": None, "Iran's": "Iran", "Pakistan's": "Pakistan"}
REPORTER_COLOURS = {
    "Iran": plotting.COUNTRY_COLOURS["Iran"],
    "Pakistan": plotting.COUNTRY_COLOURS["Pakistan"],
}
DEFAULT_COMPARISON = "2022-23"
# Explorer choice -> the confidence levels it keeps.
CONFIDENCE_FILTERS = {
    "all sources": ("high", "medium", "low"),
    "high and medium confidence": ("high", "medium"),
    "high confidence only": ("high",),
}
QUANTITY_COLOURS = {
    "Shia share of population": plotting.OKABE_ITO["blue"],
    "Shia share of Muslims": plotting.OKABE_ITO["orange"],
}


def _choose(value: str, allowed: list[str], what: str) -> str:
    """Return ``value`` if allowed, else raise ValueError naming it and suggesting close ones."""
    if value in allowed:
        return value
    close = difflib.get_close_matches(str(value), allowed, n=2)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(f"no {what} {value!r}{hint} (choose from {', '.join(map(repr, allowed))})")


def format_usd(value: float, at_least: bool = False) -> str:
    """Write a value in USD million as a reader would: ``$880m``, ``$1.4bn``, ``$59,000``.

    ``at_least`` prefixes "over " (the source gave only a lower bound).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no figure"
    if value == 0:
        text = "$0"
    elif value < 1:
        text = f"${value * 1e6:,.0f}"
    elif value < 1000:
        text = f"${value:,.1f}".removesuffix(".0") + "m"
    else:
        text = f"${value / 1000:,.2f}".rstrip("0").rstrip(".") + "bn"
    return f"over {text}" if at_least else text


def source_label(row: Any) -> str:
    """``Outlet, 16 Jul 2023`` (or just the outlet when the page shows no date)."""
    date = row["source_date"]
    return f"{row['source_outlet']}, {data.format_date(date)}" if date else row["source_outlet"]


def sources_line(table: pd.DataFrame, limit: int = 110) -> str:
    """Every distinct source of ``table``'s rows, short enough for a figure's source line.

    ``table`` holds estimate rows (``source_outlet``, ``source_date``) or a
    table from :func:`trade_table` (``source``). Gives ``Outlet, date; ...``;
    past ``limit`` characters it drops dates and bracketed words, then names
    the first outlets and counts the rest.
    """
    if "source" in table.columns:
        labels = list(dict.fromkeys(table["source"]))
    else:
        labels = list(dict.fromkeys(source_label(row) for _, row in table.iterrows()))
    full = "; ".join(labels)
    if len(full) <= limit:
        return full
    outlets = list(dict.fromkeys(re.sub(r"\s*\(.*?\)|,\s*[^;]*\d{4}$", "", o) for o in labels))
    short, dropped = "; ".join(outlets), 0
    while len(short) > limit and len(outlets) > 1:
        outlets.pop()
        dropped += 1
        short = "; ".join(outlets) + f"; {dropped} more in data/estimates.csv"
    return short


def short_period(row: Any) -> str:
    """A period as ``Mar 2022-Mar 2023`` when both ends are exact days, else the period text."""
    start, end = row["period_start"], row["period_end"]
    if len(start) == len(end) == 10:
        first, last = data.parse_date(start)[0], data.parse_date(end)[0]
        if first.year == last.year:
            return f"{first:%b}-{last:%b %Y}"
        return f"{first:%b %Y}-{last:%b %Y}"
    return row["period"]


# --- trade ---------------------------------------------------------------------------------


def trade_rows() -> pd.DataFrame:
    """Every trade estimate (``data/estimates.csv`` rows with topic ``trade``)."""
    estimates = data.load_estimates()
    return estimates[estimates["topic"] == "trade"].reset_index(drop=True)


def comparisons() -> list[str]:
    """The periods for which the data holds figures to compare, earliest first.

    >>> comparisons()[0]
    '2018'
    """
    trade = trade_rows()
    grouped = trade[trade["period_group"] != ""]
    order = grouped.groupby("period_group")["period_start"].min().sort_values()
    return order.index.tolist()


def trade_table(comparison: str, statistics: str = "both countries'") -> pd.DataFrame:
    """The trade figures for one period, as a readable table (one row per source).

    ``comparison`` is a period from :func:`comparisons` (``"2022-23"``);
    ``statistics`` is a key of ``STATISTICS``: both countries', Iran's or
    Pakistan's. Columns: flow, reporter, value (USD million), at_least (the
    source gave only a lower bound), figure (formatted), period, agency,
    months (the period, short), source, confidence, id.
    """
    _choose(comparison, comparisons(), "trade comparison")
    _choose(statistics, list(STATISTICS), "choice of statistics")
    trade = trade_rows()
    rows = trade[trade["period_group"] == comparison]
    if STATISTICS[statistics]:
        rows = rows[rows["reporter"] == STATISTICS[statistics]]
    import pandas as pd

    table = pd.DataFrame(
        {
            "flow": rows["quantity"].map(FLOWS),
            "reporter": rows["reporter"],
            "value": rows["low"],
            "at_least": rows["high"].isna(),
            "period": rows["period"],
            "months": [short_period(row) for _, row in rows.iterrows()],
            "agency": rows["agency"],
            "source": [source_label(row) for _, row in rows.iterrows()],
            "confidence": rows["confidence"],
            "id": rows["id"],
        }
    )
    table.insert(
        4,
        "figure",
        [format_usd(v, a) for v, a in zip(table["value"], table["at_least"], strict=True)],
    )
    order = {label: i for i, label in enumerate(FLOWS.values())}
    table["_flow"] = table["flow"].map(order)
    table["_reporter"] = table["reporter"].map({"Iran": 0, "Pakistan": 1}).fillna(2)
    return table.sort_values(["_flow", "_reporter"]).drop(columns=["_flow", "_reporter"])


def side_by_side(comparison: str = DEFAULT_COMPARISON) -> pd.DataFrame:
    """One row per flow, one column per reporter: the two countries' figures next to each other.

    A cell holds every figure that reporter gave (joined with " / "), or
    "no figure" when our sources hold none.
    """
    table = trade_table(comparison)
    reporters = [r for r in ("Iran", "Pakistan") if r in set(table["reporter"])]
    reporters += sorted(set(table["reporter"]) - set(reporters))
    cells = {
        f"{reporter}'s statistics": {
            flow: " / ".join(group["figure"]) or "no figure"
            for flow, group in table[table["reporter"] == reporter].groupby("flow", sort=False)
        }
        for reporter in reporters
    }
    import pandas as pd

    flows = list(dict.fromkeys(table["flow"]))
    return pd.DataFrame(cells, index=flows).fillna("no figure").rename_axis("flow")


def draw_trade(ax: Axes, table: pd.DataFrame) -> None:
    """Draw a :func:`trade_table` as horizontal bars, one per source, coloured by reporter."""
    labels, seen = [], set()
    top = max(table["value"].max(), 1)
    for position, (_, row) in enumerate(table.iterrows()):
        colour = REPORTER_COLOURS.get(row["reporter"], plotting.COUNTRY_COLOURS["other"])
        legend = row["reporter"] if row["reporter"] in REPORTER_COLOURS else "basis not stated"
        label = f"{legend}'s statistics" if legend in REPORTER_COLOURS else legend
        ax.barh(position, row["value"], color=colour, label=None if label in seen else label)
        seen.add(label)
        value = row["figure"] + (" recorded" if row["value"] == 0 else "")
        ax.text(
            row["value"] + top * 0.01, position, f"{value} ({row['months']})", va="center", size=12
        )
        labels.append(f"{row['flow']} ({row['reporter']})")  # one line: rows stay apart on a slide
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.8)
    plotting.decorate(ax)
    ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1), ncols=3, fontsize=12)


def describe_trade(table: pd.DataFrame) -> str:
    """Alt text for a trade chart: every bar, in words."""
    parts = [
        f"{row['reporter']}'s figure for {row['flow']}, {row['period']}: {row['figure']}"
        for _, row in table.iterrows()
    ]
    return "Horizontal bar chart of Pakistan-Iran trade figures. " + "; ".join(parts) + "."


def trade_view(
    comparison: str = DEFAULT_COMPARISON, statistics: str = "both countries'"
) -> plotting.SlideFigure:
    """The explorer's callback: a trade chart for one period and one side's statistics.

    Returns a ``plotting.SlideFigure`` (``svg, alt``): one SVG for JupyterLab, the page
    and the deck, which ``widgets.display_result`` shows.
    """
    table = trade_table(comparison, statistics)
    alt = describe_trade(table)
    fig, ax = plotting.figure(figsize=(10, 1.6 + 0.9 * max(len(table), 2)))
    draw_trade(ax, table)
    figure = plotting.render_svg(
        fig,
        title=f"Pakistan-Iran trade, {comparison}: {statistics} statistics",
        xlabel="US$ million",
        ylabel="Flow (whose statistics)",
        source=sources_line(table),
        alt=alt,
    )
    return figure


def trade_explorer() -> Explorer:
    """An explorer: choose a period and whose statistics, see the chart."""
    from helpers.widgets import Explorer

    return Explorer(
        {"comparison": comparisons(), "statistics": list(STATISTICS)},
        trade_view,
        description="Pakistan-Iran trade: whose statistics?",
        defaults={"comparison": DEFAULT_COMPARISON},
    )


# --- estimates as ranges (the Shia population) ---------------------------------------------


def shia_estimates(
    quantity: str | None = None,
    country: str | None = "Pakistan",
    confidence: tuple[str, ...] = ("high", "medium", "low"),
) -> pd.DataFrame:
    """Shia-population estimates, one row per source, narrowest first.

    ``quantity`` keeps one kind ("Shia share of population", "Shia share of
    Muslims", "Shia population"); ``None`` keeps the two kinds of share.
    ``country=None`` keeps every country. ``confidence`` keeps those levels.
    """
    estimates = data.load_estimates()
    rows = estimates[estimates["topic"] == "shia-population"]
    kinds = sorted(set(rows["quantity"]))
    if quantity is None:
        rows = rows[rows["quantity"].str.startswith("Shia share")]
    else:
        rows = rows[rows["quantity"] == _choose(quantity, kinds, "quantity")]
    if country is not None:
        rows = rows[rows["country"] == _choose(country, sorted(set(rows["country"])), "country")]
    for level in confidence:
        _choose(level, list(data.CONFIDENCE_LEVELS), "confidence level")
    rows = rows[rows["confidence"].isin(confidence)]
    return rows.sort_values(["low", "high"], na_position="last").reset_index(drop=True)


def overall_range(table: pd.DataFrame) -> tuple[float, float]:
    """The lowest ``low`` and highest value (``high``, or ``low`` if open-ended) in ``table``."""
    highest = table["high"].fillna(table["low"]).max()
    return float(table["low"].min()), float(highest)


def draw_ranges(
    ax: Axes, table: pd.DataFrame, label: str = "reporter", colour: str = "quantity"
) -> None:
    """Draw each row as a bar from ``low`` to ``high`` (a dot for one value, an arrow if open).

    ``label`` names the column for the y-axis (its ``chart_label`` where a row has one);
    ``colour`` the column whose values pick colours. Low-confidence rows are hatched and
    starred, and the legend says so.
    """
    from matplotlib.patches import Patch

    colours = QUANTITY_COLOURS if colour == "quantity" else plotting.colours_for(table[colour])
    span = overall_range(table)[1] or 1
    seen = set()
    for position, (_, row) in enumerate(table.iterrows()):
        shade = colours.get(row[colour], plotting.COUNTRY_COLOURS["other"])
        name = None if row[colour] in seen else row[colour]
        seen.add(row[colour])
        hatch = "//" if row["confidence"] == "low" else None
        if math.isnan(row["high"]):
            ax.annotate(
                "",
                (row["low"] + span * 0.25, position),
                (row["low"], position),
                arrowprops={"arrowstyle": "->", "color": shade, "lw": 3},
            )
            ax.plot(row["low"], position, "o", color=shade, markersize=10, label=name)
            text = f"at least {row['low']:g}"
        elif row["high"] == row["low"]:
            ax.plot(row["low"], position, "o", color=shade, markersize=10, label=name)
            text = f"{row['low']:g}"
        else:
            ax.barh(
                position,
                row["high"] - row["low"],
                left=row["low"],
                color=shade,
                hatch=hatch,
                edgecolor="white",
                height=0.6,
                label=name,
            )
            text = f"{row['low']:g}–{row['high']:g}"
        end = row["low"] + span * 0.27 if math.isnan(row["high"]) else row["high"]
        ax.text(end + span * 0.015, position, text, va="center", size=12)
    # one line per row, so a slide's box holds a dozen rows at a readable size: the
    # short chart label where the data gives one, and low confidence in the legend
    short = table["chart_label"].where(table["chart_label"].astype(bool), table[label])
    names = [
        str(value) + (" *" if conf == "low" else "")
        for value, conf in zip(short, table["confidence"], strict=True)
    ]
    ax.set_yticks(range(len(names)), names, fontsize=11)
    ax.invert_yaxis()
    ax.set_xlim(0, span * 1.3)
    handles = ax.get_legend_handles_labels()[0]
    if (table["confidence"] == "low").any():
        handles.append(
            Patch(facecolor="white", edgecolor="#444444", hatch="//", label="* low confidence")
        )
    # above the plot, where no bar or value can sit under it
    ax.legend(handles=handles, frameon=False, loc="lower left", bbox_to_anchor=(0, 1), ncols=2)


def describe_ranges(table: pd.DataFrame, unit: str = "%", label: str = "reporter") -> str:
    """Alt text for a range chart: the overall span, then each row's estimate.

    ``label`` names the column that says whose estimate a row is.
    """
    low, high = overall_range(table)
    parts = []
    for _, row in table.iterrows():
        if math.isnan(row["high"]):
            value = f"at least {row['low']:g}{unit}"
        elif row["high"] == row["low"]:
            value = f"{row['low']:g}{unit}"
        else:
            value = f"{row['low']:g}-{row['high']:g}{unit}"
        parts.append(f"{row[label]}: {value} ({row['quantity']}, {row['confidence']} confidence)")
    return (
        f"Range chart of {len(table)} estimates spanning {low:g}{unit} to {high:g}{unit}. "
        + "; ".join(parts)
        + "."
    )


def shia_population() -> pd.DataFrame:
    """Estimates of the number of Shia (millions) for Iran, Pakistan, India and Iraq.

    Ordered by country (Iran first), then source; ``who`` labels each row
    "Pakistan: Pew Research Center (2009)".
    """
    table = shia_estimates("Shia population", country=None)
    order = {"Iran": 0, "Pakistan": 1, "India": 2, "Iraq": 3}
    table = table.assign(_order=table["country"].map(order).fillna(len(order)))
    table = table.sort_values(["_order", "reporter"]).drop(columns="_order")
    table.insert(0, "who", table["country"] + ": " + table["reporter"])
    return table.reset_index(drop=True)


def shia_view(sources: str = "all sources") -> SlideFigure:
    """The explorer's callback: Pakistan's Shia share, keeping only sources of some confidence.

    ``sources`` is a key of ``CONFIDENCE_FILTERS``. Returns a ``plotting.SlideFigure``
    (drawn for a slide; its alt text lists every estimate).
    """
    levels = CONFIDENCE_FILTERS[_choose(sources, list(CONFIDENCE_FILTERS), "choice of sources")]
    table = shia_estimates(confidence=levels)
    low, high = overall_range(table)
    fig, ax = plotting.figure(figsize=plotting.SLIDE_FIGSIZE)
    draw_ranges(ax, table)
    return plotting.render_svg(
        fig,
        title=f"Pakistan's Shia share, {sources}: {low:g}% to {high:g}%",
        xlabel="Percent",
        ylabel="Estimate by",
        source=sources_line(table),
        alt=describe_ranges(table),
    )


def shia_explorer() -> Explorer:
    """An explorer: choose which sources to trust, see how the range of estimates changes."""
    from helpers.widgets import Explorer

    return Explorer(
        {"sources": list(CONFIDENCE_FILTERS)},
        shia_view,
        description="Pakistan's Shia share: which sources do you trust?",
    )


# --- small lookups for the notebook ---------------------------------------------------------


def fact_table(ids: list[str]) -> pd.DataFrame:
    """Facts by id as a readable table: claim, date, source and confidence (order kept).

    A party's claim names the party ("ISPR said: ...").
    """
    facts = data.load_facts().set_index("id")
    missing = [i for i in ids if i not in facts.index]
    if missing:
        data.fact(missing[0])  # raises KeyError with suggestions
    rows = facts.loc[list(ids)]
    import pandas as pd

    return pd.DataFrame(
        {
            "claim": data.with_claimants(rows)["claim"],
            "date": [data.format_date(d) if d else "" for d in rows["date"]],
            "source": [source_label(row) for _, row in rows.iterrows()],
            "confidence": rows["confidence"],
        },
        index=rows.index,
    )


def event_table(ids: list[str]) -> pd.DataFrame:
    """Events by id, in date order: date, event, place and the source's web address.

    A party's claim names the party ("ISPR said: ...").
    """
    events = data.with_claimants(data.load_events()).set_index("id")
    rows = data.rows_by_id(events, ids, "event").sort_values("when")
    rows = rows.assign(date=[data.format_date(d) for d in rows["date"]])
    return rows[["date", "event", "place", "source_url"]]

"""Where the course's facts come from: each source's origin, and the mix by topic.

The origin of a row is the home of the outlet whose page was read, from
``data/outlets.csv``: a wire credited in the outlet's name ("Daily8 (AFP)",
"Sindh Post (APP)") decides first, then the page's web site; a site the file
does not list counts as ``other``. ``data/topic_parties.csv`` names the states
that are parties to each topic, so a topic can be checked for each party's own
sources (Iran's side of the January 2024 strikes told by Iranian outlets, too).

>>> origin_of("Pakistan Today (Reuters)", "https://archive.pakistantoday.com.pk/x")
'international-wire'
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from helpers import data
from helpers.timeline import source_site

if TYPE_CHECKING:
    import pandas as pd

ORIGINS = ("pakistani", "iranian", "indian", "afghan", "baloch", "international-wire", "other")
# the origin that counts as a state's own sources
STATE_ORIGINS = {
    "Pakistan": "pakistani",
    "Iran": "iranian",
    "India": "indian",
    "Afghanistan": "afghan",
}


def _outlets(outlets: pd.DataFrame | None = None) -> tuple[dict[str, str], dict[str, str]]:
    frame = data.load("outlets") if outlets is None else outlets
    by = {kind: frame[frame["match_by"] == kind] for kind in ("credit", "site")}
    return (
        dict(zip(by["credit"]["match"], by["credit"]["origin"], strict=True)),
        dict(zip(by["site"]["match"], by["site"]["origin"], strict=True)),
    )


def origin_of(outlet: str, url: str, outlets: pd.DataFrame | None = None) -> str:
    """The origin of one source: a credited wire in brackets first, then the web site."""
    credits, sites = _outlets(outlets)
    for inside in re.findall(r"\(([^)]*)\)", outlet):
        for name, origin in credits.items():
            if re.search(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", inside):
                return origin
    return sites.get(source_site(url), "other")


def with_origins(facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Facts with an ``origin`` column (one of ``ORIGINS``)."""
    frame = (data.load_facts() if facts is None else facts).copy()
    outlets = data.load("outlets")
    frame["origin"] = [
        origin_of(o, u, outlets)
        for o, u in zip(frame["source_outlet"], frame["source_url"], strict=True)
    ]
    return frame


def source_mix(facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows of ``facts`` counted by topic (rows) and origin (columns), with totals."""
    import pandas as pd

    frame = with_origins(facts)
    mix = pd.crosstab(frame["topic"], frame["origin"]).reindex(columns=list(ORIGINS), fill_value=0)
    mix.loc["all topics"] = mix.sum()
    mix["all"] = mix.sum(axis=1)
    mix.index.name, mix.columns.name = "topic", None
    return mix


def parties(topic_parties: pd.DataFrame | None = None) -> dict[str, list[str]]:
    """``{topic: [states that are parties to it]}`` from ``data/topic_parties.csv``."""
    frame = data.load("topic_parties") if topic_parties is None else topic_parties
    return {
        t: [p.strip() for p in ps.split(";")]
        for t, ps in zip(frame["topic"], frame["parties"], strict=True)
    }


def missing_own_sources(
    facts: pd.DataFrame | None = None, topic_parties: pd.DataFrame | None = None
) -> list[tuple[str, str]]:
    """``(topic, state)`` pairs where a state party has no row from its own outlets.

    A topic with no rows at all is reported for every party.
    """
    frame = with_origins(facts)
    missing = []
    for topic, states in parties(topic_parties).items():
        present = set(frame.loc[frame["topic"] == topic, "origin"])
        missing += [(topic, s) for s in states if STATE_ORIGINS[s] not in present]
    return missing


def declared_gaps(topic_parties: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """The ``(topic, state)`` gaps ``data/topic_parties.csv`` admits in its ``gap`` column."""
    frame = data.load("topic_parties") if topic_parties is None else topic_parties
    return [
        (topic, gap.split(":")[0].strip())
        for topic, gap in zip(frame["topic"], frame["gap"], strict=True)
        if gap
    ]


def markdown(mix: pd.DataFrame) -> str:
    """The mix as a Markdown table (the form ``data/README.md`` shows)."""
    header = ["topic", *mix.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for topic, row in mix.iterrows():
        lines.append("| " + " | ".join([str(topic), *(str(int(v)) for v in row)]) + " |")
    return "\n".join(lines)


# -- the table data/README.md shows (kept current by tools/source_mix.py --write) --

README_START, README_END = "<!-- source-mix:start -->", "<!-- source-mix:end -->"


def readme_section() -> str:
    """The README's generated block: the table and the topics lacking a party's own sources."""
    missing = missing_own_sources()
    gaps = "; ".join(f"{topic} ({state})" for topic, state in missing) or "none"
    return (
        f"{README_START}\n{markdown(source_mix())}\n\n"
        f"Topics where a state that is a party has none of its own outlets' pages: {gaps}."
        f"\n{README_END}"
    )


def readme_updated(text: str) -> str:
    """``text`` (data/README.md) with its generated block replaced by a fresh one."""
    if README_START not in text or README_END not in text:
        raise ValueError(f"data/README.md: markers {README_START} ... {README_END} not found")
    before, rest = text.split(README_START, 1)
    return before + readme_section() + rest.split(README_END, 1)[1]

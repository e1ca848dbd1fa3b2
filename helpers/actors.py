"""Resolve any spelling of a person, institution, state or armed group to one name.

News copy spells names many ways (the seed article itself writes both
"Raisi" and "Raeisi"). ``resolve`` maps any known spelling, with or without
accents, hyphens or titles, to the canonical name in ``data/actors.csv``.

>>> resolve("Raeisi"), resolve("Amir Abdollahain")
('Ebrahim Raisi', 'Hossein Amir-Abdollahian')
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from typing import TYPE_CHECKING

from helpers.data import load_actors

if TYPE_CHECKING:
    import pandas as pd

# Titles and honorifics that precede a name but are not part of it.
TITLES = (
    "field marshal",
    "army chief general",
    "army chief",
    "major general",
    "maj gen",
    "general",
    "gen",
    "president",
    "foreign minister",
    "prime minister",
    "fm",
    "pm",
    "ayatollah",
    "dr",
    "mr",
)


class UnknownActorError(KeyError):
    """No actor has that name or alias; the message suggests close matches."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0])


def normalise(name: str) -> str:
    """Fold case, accents, hyphens and punctuation so spellings compare equal.

    >>> normalise("Raïssi"), normalise("Amir-Abdollahian")
    ('raissi', 'amir abdollahian')
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s]", " ", text.casefold())
    return " ".join(text.split())


def _strip_title(key: str) -> str:
    for title in TITLES:
        if key.startswith(title + " "):
            return key[len(title) + 1 :]
    return key


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """Map every normalised name and alias to its canonical name."""
    index: dict[str, str] = {}
    for row in load_actors().itertuples():
        spellings = [row.name, *[a for a in row.aliases.split(";") if a.strip()]]
        for spelling in spellings:
            key = normalise(spelling)
            owner = index.setdefault(key, row.name)
            if owner != row.name:
                raise ValueError(
                    f"data/actors.csv: the alias {spelling.strip()!r} names both "
                    f"{owner!r} and {row.name!r}; make it unique"
                )
    return index


def resolve(name: str) -> str:
    """Return the canonical name for any known spelling of an actor.

    Raises UnknownActorError (a KeyError) suggesting close matches:
    ``no actor 'Raesi'; did you mean 'Raisi' (Ebrahim Raisi)?``
    """
    if not isinstance(name, str) or not name.strip():
        raise UnknownActorError(f"an actor's name must be non-empty text, not {name!r}")
    canonical = known(name)
    if canonical:
        return canonical
    suggestions = suggest(name)
    if suggestions:
        hint = "; did you mean " + " or ".join(suggestions) + "?"
    else:
        hint = "; see helpers.actors.names() for the list"
    raise UnknownActorError(f"no actor {name!r}{hint}")


def known(name: str) -> str | None:
    """The canonical name for a known spelling of an actor, or None (no error, no suggestions).

    For text that may name people the course does not list, such as the
    timeline's ``actors`` cells; ``resolve`` is for names that must be known.
    """
    index = _index()
    key = normalise(name)
    for candidate in (key, _strip_title(key)):
        if candidate in index:
            return index[candidate]
    return None


def suggest(name: str, limit: int = 3) -> list[str]:
    """Close spellings for a name that did not resolve, as ``'alias' (Canonical)``."""
    index = _index()
    key = _strip_title(normalise(name))
    close = difflib.get_close_matches(key, index, n=limit * 3, cutoff=0.6)
    # also match on the surname alone, which is how a learner often misspells
    close += difflib.get_close_matches(key.split(" ")[-1], index, n=limit, cutoff=0.75)
    seen: dict[str, str] = {}
    for alias in close:
        seen.setdefault(index[alias], alias)
    out = []
    for canonical, alias in list(seen.items())[:limit]:
        shown = _display_alias(alias, canonical)
        out.append(f"{shown!r}" if shown == canonical else f"{shown!r} ({canonical})")
    return out


def _display_alias(key: str, canonical: str) -> str:
    """The alias as written in the data, for a normalised key."""
    row = lookup(canonical)
    for spelling in [canonical, *row["aliases"].split(";")]:
        if normalise(spelling) == key:
            return spelling.strip()
    return canonical


def lookup(name: str) -> pd.Series:
    """The row of ``data/actors.csv`` for any spelling of an actor."""
    actors = load_actors().set_index("name", drop=False)
    return actors.loc[resolve(name) if name not in actors.index else name]


def aliases(name: str) -> list[str]:
    """Every spelling recorded for an actor, the canonical name first."""
    row = lookup(name)
    spellings = [row["name"], *[a.strip() for a in row["aliases"].split(";") if a.strip()]]
    return list(dict.fromkeys(spellings))


def names(kind: str | None = None) -> list[str]:
    """Canonical names, optionally only one kind (``person``, ``state``, ...)."""
    actors = load_actors()
    if kind is not None:
        kinds = sorted(actors["kind"].unique())
        if kind not in kinds:
            raise ValueError(f"no actor kind {kind!r}; choose one of {', '.join(kinds)}")
        actors = actors[actors["kind"] == kind]
    return actors["name"].tolist()


@functools.lru_cache(maxsize=1)
def _spellings() -> dict[str, str]:
    """Every spelling as written in the data, mapped to its canonical name."""
    spellings: dict[str, str] = {}
    for row in load_actors().itertuples():
        for spelling in [row.name, *row.aliases.split(";")]:
            if spelling.strip():
                spellings[spelling.strip()] = row.name
    return spellings


@functools.lru_cache(maxsize=1)
def _mention_pattern() -> re.Pattern[str]:
    # Longest first, so "Ebrahim Raisi" matches before "Raisi" can.
    ordered = sorted((s for s in _spellings() if len(s) >= 3), key=len, reverse=True)
    pattern = "|".join(re.escape(s) for s in ordered)
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")


def mentions(text: str) -> dict[str, int]:
    """Count mentions of each actor in ``text`` by any recorded spelling.

    Spellings are matched case-sensitively as whole words, longest first,
    so "Ebrahim Raisi" counts once, not also as "Raisi".

    >>> mentions("Raeisi met Munir. Ebrahim Raisi said so.")
    {'Ebrahim Raisi': 2, 'Asim Munir': 1}
    """
    spelled = _spellings()
    counts: dict[str, int] = {}
    for match in _mention_pattern().finditer(text):
        canonical = spelled[match.group(0)]
        counts[canonical] = counts.get(canonical, 0) + 1
    return counts

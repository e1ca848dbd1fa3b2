"""The "now" lint: prose that says *now*, *currently*, *still* or *today* must say as of when.

A sentence in a markdown cell that uses one of those words is a claim about the
present, and the present moves on after the data stop. It passes only if it
carries its date or reads its value from the data:

- the sentence says "as of" (``as of 5 Dec 2025``, ``as of the date the facts run to``), or
- it names, in inline code, a function that computes the date or the holder
  (``data.facts_run_to()``, ``offices.holders()``, ...), or
- the very next cell is a code cell that computes it (calls one of those functions).

Words inside quotation marks are a source's words, not the course's, and are
skipped, as are code spans, link targets and names such as "Pakistan Today".

>>> import nbformat
>>> cell = nbformat.v4.new_markdown_cell("Raisi is still president.")
>>> nb = nbformat.v4.new_notebook(cells=[cell])
>>> [p.word for p in lint(nb, "example.ipynb")]
['still']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WORDS = re.compile(r"\b(now|currently|still|today)\b", re.IGNORECASE)
AS_OF = re.compile(r"\bas of\b", re.IGNORECASE)
# functions whose result is the date the facts run to, or a holder as of a date
COMPUTED = re.compile(
    r"\b(facts_run_to|as_of|holders|now_sentence|then_and_now|format_date)\s*\(",
)
_CODE_SPAN = re.compile(r"`[^`]*`")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|'[^'\n]{3,}'(?!\w)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[*\"“])|\n\s*\n|\n(?=\s*(?:[-*]|\d+\.)\s)")


@dataclass(frozen=True)
class Problem:
    """One sentence that says "now" (or a like word) with no date or computed value beside it."""

    notebook: str
    cell: int
    word: str
    sentence: str

    def __str__(self) -> str:
        return (
            f"{self.notebook}, cell {self.cell}: '{self.word}' with no 'as of' date or "
            f"computed value beside it: {self.sentence!r}"
        )


def sentences(text: str) -> list[str]:
    """Split markdown prose into sentences (and list items), trimmed, empty ones dropped."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


# a capitalised word after a capitalised word is part of a name: "Pakistan Today", "India Today"
_OUTSIDE_LINK = re.compile(r"\[[^\]]*\]\(https?://[^)\s]*\)")
_NAME = re.compile(r"\b[A-Z][\w.&-]*\s+(Now|Today)\b")


def _words_outside_quotes(sentence: str) -> list[str]:
    # the title of a link to an outside page is that page's words, like a quotation
    bare = _OUTSIDE_LINK.sub("", _CODE_SPAN.sub("", sentence))
    bare = _LINK_TARGET.sub("]", bare)
    bare = _NAME.sub("", _QUOTED.sub("", bare))
    return [m.group(1).lower() for m in WORDS.finditer(bare)]


def dated(sentence: str) -> bool:
    """True if a sentence carries its own "as of" date or names a function that computes it."""
    spans = " ".join(_CODE_SPAN.findall(sentence))
    return bool(AS_OF.search(sentence) or COMPUTED.search(spans))


def lint(nb: Any, name: str) -> list[Problem]:
    """Every undated "now", "currently", "still" or "today" in the markdown cells of ``nb``.

    ``name`` is the notebook's file name, used in each problem's message;
    ``cell`` is the cell's index in the notebook.
    """
    cells = nb.cells
    problems: list[Problem] = []
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        following = cells[index + 1] if index + 1 < len(cells) else None
        computed_next = (
            following is not None
            and following.cell_type == "code"
            and COMPUTED.search(following.source) is not None
        )
        for sentence in sentences(cell.source):
            words = _words_outside_quotes(sentence)
            if words and not (dated(sentence) or computed_next):
                problems.append(Problem(name, index, words[0], sentence))
    return problems


def lint_paths(paths: list[Path]) -> list[Problem]:
    """Run :func:`lint` over notebook files; problems name each file and cell."""
    import nbformat

    found: list[Problem] = []
    for path in paths:
        found += lint(nbformat.read(path, as_version=4), Path(path).name)
    return found

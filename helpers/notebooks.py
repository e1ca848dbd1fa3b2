"""Find and read the course notebooks, and what each one says about itself.

Notebook 00 lists the course from these outlines; the build (``helpers.publish``)
and the tests use them too.

>>> [p.name for p in discover()][:1]
['00-start-here.ipynb']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpers.data import REPO_DIR, display_path

if TYPE_CHECKING:
    import nbformat

NOTEBOOK_DIR = REPO_DIR / "notebooks"
NAME_PATTERN = re.compile(r"\d\d-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb")
MINUTES_PATTERN = re.compile(r"\*\*Time needed:?\*\*:?\s*(?:about\s+)?(\d+)\s*min", re.I)


def skip_iri_grammars() -> None:
    """Spare nbformat's import ~4 s: stop jsonschema loading ``rfc3987_syntax``.

    jsonschema (which nbformat imports) compiles 38 grammars of the optional
    ``rfc3987_syntax`` package at import, only to check "iri" formats that no
    notebook schema uses; the package comes in through JupyterLab's
    dependencies. Marking it unavailable makes jsonschema skip that check.
    Call before nbformat is first imported; harmless after.
    """
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


@dataclass
class Outline:
    """What the course home page shows about a notebook."""

    name: str
    title: str
    minutes: int | None
    objectives: list[str] = field(default_factory=list)


def discover(folder: str | Path | None = None) -> list[Path]:
    """The course notebooks (``NN-words.ipynb``) in order; other files are ignored."""
    root = Path(folder) if folder is not None else NOTEBOOK_DIR
    return sorted(p for p in root.glob("*.ipynb") if NAME_PATTERN.fullmatch(p.name))


def read(path: str | Path) -> nbformat.NotebookNode:
    """Read a notebook (nbformat 4), with a clear error if it is not valid JSON."""
    skip_iri_grammars()
    import nbformat

    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as err:  # nbformat raises several types for a damaged file
        raise ValueError(f"{display_path(Path(path))} is not a readable notebook: {err}") from None


def _markdown(nb: Any) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def outline(nb: Any, name: str = "") -> Outline:
    """Title (the H1), minutes (from ``**Time needed:** N minutes``) and objectives."""
    text = "\n\n".join(_markdown(nb))
    title_match = re.search(r"^#\s+(.+)$", text, re.M)
    minutes_match = MINUTES_PATTERN.search(text)
    objectives: list[str] = []
    overview = re.search(
        r"^##\s+(?:Overview|Learning objectives).*?$(.*?)(?=^##\s)", text, re.M | re.S
    )
    if overview:
        objectives = [
            re.sub(r"\s+", " ", m).strip()
            for m in re.findall(r"^\s*(?:[-*]|\d+\.)\s+(.+)$", overview.group(1), re.M)
        ]
    return Outline(
        name=name,
        title=title_match.group(1).strip() if title_match else name,
        minutes=int(minutes_match.group(1)) if minutes_match else None,
        objectives=objectives,
    )

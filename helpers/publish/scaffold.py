"""Start a new course notebook that already follows the template.

``python -m helpers.publish.scaffold 09-topic-words "Title of the notebook"`` writes
``notebooks/09-topic-words.ipynb`` with every section the template (and its lint)
requires, placeholders to replace, and slide types set.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers.notebooks import NAME_PATTERN, NOTEBOOK_DIR

SECTIONS: list[tuple[str, str, list[str]]] = [
    ("markdown", "# {title}\n\nOne paragraph: what this notebook is about and why it matters.", []),
    (
        "markdown",
        "## Overview\n\nBy the end of this notebook you will be able to:\n\n"
        "- name ... (a measurable objective);\n- locate ...;\n- explain ...",
        [],
    ),
    (
        "markdown",
        "## Prerequisites\n\n| Concept | Importance | Where to learn it |\n| --- | --- | --- |\n"
        "| [00 – Start here](00-start-here.ipynb) | Necessary | this course |\n\n"
        "**Time needed:** 20 minutes",
        [],
    ),
    ("markdown", "We use the course helpers.", []),
    ("code", "from helpers import data, plotting", []),
    ("markdown", "## A heading that states the point to remember\n\nA lead-in sentence.", []),
    ("code", "data.load_events().head()", []),
    ("markdown", "## Check your understanding\n\n1. A question.", []),
    ("markdown", "**Answer.** The answer, with its source.", ["solution"]),
    ("markdown", "## Exercises\n\n**Exercise 1.** A task using the helpers.", []),
    ("code", "# the solution, which the tests execute\ndata.load_facts().shape", ["solution"]),
    ("markdown", "## Key points\n\n- One.\n\n## What's next\n\nThe next notebook.", []),
    ("markdown", "## Sources\n\n- Outlet, date: [title](https://example.org/replace-me)", []),
]


def scaffold(name: str, title: str, folder: Path = NOTEBOOK_DIR) -> Path:
    """Write a template notebook ``folder/name.ipynb``; refuse to overwrite one."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    filename = name if name.endswith(".ipynb") else f"{name}.ipynb"
    if not NAME_PATTERN.fullmatch(filename):
        raise ValueError(
            f"{filename!r}: name notebooks NN-lowercase-words.ipynb, e.g. 09-trade-routes"
        )
    path = folder / filename
    if path.exists():
        raise FileExistsError(f"{path} exists; pick another number or name")
    cells = []
    for index, (kind, source, tags) in enumerate(SECTIONS):
        source = source.format(title=title)
        cell = new_markdown_cell(source) if kind == "markdown" else new_code_cell(source)
        slide = "slide" if source.startswith(("# ", "## ")) else "-"
        cell.metadata["slideshow"] = {"slide_type": "skip" if tags else slide}
        if tags:
            cell.metadata["tags"] = tags
            cell.metadata["jupyter"] = {"source_hidden": True}
        cell["id"] = f"cell-{index:03d}"
        cells.append(cell)
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    nbformat.write(nb, str(path))
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m helpers.publish.scaffold", description=__doc__)
    parser.add_argument("name", help="NN-topic-words, e.g. 09-trade-routes")
    parser.add_argument("title", help="the notebook's title")
    args = parser.parse_args(argv)
    try:
        path = scaffold(args.name, args.title)
    except (ValueError, FileExistsError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"wrote {path}; open it in JupyterLab and replace the placeholders")
    return 0


if __name__ == "__main__":
    sys.exit(main())

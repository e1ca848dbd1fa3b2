"""Stage 3a, views: what each edition of an executed notebook keeps.

The student copy drops solutions and outputs; the page view drops speaker
notes and turns widgets into their static views; ids and reprs that change
run to run are made stable, so two builds write the same bytes.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from typing import Any

STUDENT_PROMPT = "# Your answer here: the solution is in the instructor edition.\n"
STUDENT_MARKDOWN = "*Write your answer here; the solution is in the instructor edition.*"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def tags(cell: Any) -> list[str]:
    return cell.metadata.get("tags", [])


def slide_type(cell: Any) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-") or "-"


def strip_outputs(nb: Any) -> Any:
    """Remove outputs and execution counts (a student copy, or a clean commit)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)
    return nb


def student_copy(nb: Any) -> Any:
    """A copy for students: solution cells replaced by a prompt, outputs cleared."""
    student = strip_outputs(copy.deepcopy(nb))
    for cell in student.cells:
        if "solution" in tags(cell):
            cell.source = STUDENT_PROMPT if cell.cell_type == "code" else STUDENT_MARKDOWN
            cell.metadata.get("jupyter", {}).pop("source_hidden", None)
    return student


def stable_widget_ids(nb: Any, salt: str) -> Any:
    """Replace the random ids of ipywidgets models by ids derived from ``salt``.

    The kernel gives every widget model a random uuid; the executed notebook
    stores them in its widget state and in each widget's output. They are
    renumbered in the order the kernel created the models (the order of the
    stored state, then of the outputs), so two builds write the same bytes.
    """
    import nbformat

    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    ids = list(state)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            model = output.get("data", {}).get(WIDGET_VIEW, {}).get("model_id")
            if model and model not in ids:
                ids.append(model)
    if not ids:
        return nb
    mapping = {old: uuid.uuid5(uuid.NAMESPACE_URL, f"{salt}/{i}").hex for i, old in enumerate(ids)}
    pattern = re.compile("|".join(re.escape(old) for old in mapping))
    text = pattern.sub(lambda m: mapping[m.group(0)], json.dumps(nb))
    return nbformat.from_dict(json.loads(text))


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")


def stable_reprs(nb: Any) -> Any:
    """Drop memory addresses from plain-text reprs (``<Styler at 0x7f...>`` -> ``<Styler>``).

    Python's default repr of an object names where it sits in memory, which
    changes every run; a DataFrame styler's plain-text fallback is one. The
    address means nothing to a reader, and without it two builds match. The
    outputs an explorer showed, kept in the notebook's widget state, count too.
    """
    outputs = [output for cell in nb.cells for output in cell.get("outputs", [])]
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for model in state.values():
        outputs += model.get("state", {}).get("outputs", [])
    for output in outputs:
        data = output.get("data", {})
        text = data.get("text/plain")
        if isinstance(text, str) and _ADDRESS.search(text):
            data["text/plain"] = _ADDRESS.sub(">", text)
    return nb


WIDGET_NOTE = (
    '<div class="course-widget-note">Interactive control: it needs a running Python kernel. '
    "Open this notebook in JupyterLab to use it; the result shown next to it is the one "
    "the notebook showed when the page was built.</div>"
)


def static_widgets(nb: Any) -> Any:
    """Show each widget the way a page can, and drop the widget state.

    A page or deck has no kernel to drive a widget, and loading the widget
    manager would need the network. The course's quizzes and explorers carry
    a static HTML view of their own beside the widget (``Quiz.show``,
    ``Explorer.show``), which the page keeps and ``course.js`` drives; any
    other widget becomes a note saying it needs a kernel.
    """
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                static = data.get("text/html", "")
                output["data"] = {"text/html": static if static else WIDGET_NOTE}
    return nb


def human_headers(nb: Any) -> Any:
    """Table headings for people in every HTML output (``helpers.tables.human_headers``):
    "Source", not ``source_outlet``; no extra header row naming only the index."""
    from helpers.tables import human_headers as relabel

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                markup = data["text/html"]
                markup = "".join(markup) if isinstance(markup, list) else markup
                data["text/html"] = relabel(markup) if "<thead" in markup else markup
    return nb


def page_view(nb: Any, title: str) -> Any:
    """The notebook as a page shows it: no speaker notes, widgets as notes, tables
    headed for people."""
    page = human_headers(static_widgets(copy.deepcopy(nb)))
    page.metadata["title"] = title
    page.cells = [
        c
        for c in page.cells
        if slide_type(c) != "notes" and not {"instructor-note", "remove-cell"} & set(tags(c))
    ]
    return page

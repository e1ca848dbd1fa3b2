"""Find, read, check and execute the course notebooks (used by the build and the tests).

>>> [p.name for p in discover()][:1]
['00-start-here.ipynb']
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpers.data import REPO_DIR, display_path

if TYPE_CHECKING:
    import nbformat

NOTEBOOK_DIR = REPO_DIR / "notebooks"
OFFLINE_DIR = Path(__file__).resolve().parent / "_offline"
NAME_PATTERN = re.compile(r"\d\d-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb")

# The template every notebook follows (see README, "Adding a notebook").
REQUIRED_SECTIONS = {
    "overview": r"^##\s+(Overview|Learning objectives)",
    "prerequisites": r"^##\s+Prerequisites",
    "summary": r"^##\s+(Summary|Key points)",
    "sources": r"^##\s+(Sources|Resources and references)",
}
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


class NotebookFailed(RuntimeError):
    """A notebook raised an error while executing; says which notebook, cell and error."""

    def __init__(self, notebook: str, cell: int | None, error: str):
        self.notebook, self.cell, self.error = notebook, cell, error
        where = f"cell {cell}" if cell is not None else "before any cell ran"
        super().__init__(f"{notebook}, {where}: {error}")


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


def lint(nb: Any, executed: bool = False) -> list[str]:
    """Problems with a notebook's structure; an empty list means it follows the template.

    Checks: one H1 at the top, the template's sections, the time needed,
    3-5 objectives, a lead-in markdown cell before every code cell, at least
    one exercise solution tagged ``solution`` and hidden in JupyterLab, and
    (``executed=False``) no committed outputs, or (``executed=True``) alt
    text on every image output.
    """
    problems: list[str] = []
    cells = nb.cells
    if not cells or cells[0].cell_type != "markdown" or not cells[0].source.startswith("# "):
        problems.append("the first cell must be markdown starting with a '# Title'")
    h1_count = sum(
        len(re.findall(r"^#\s", c.source, re.M)) for c in cells if c.cell_type == "markdown"
    )
    if h1_count != 1:
        problems.append(f"expected exactly one '# ' title, found {h1_count}")
    text = "\n\n".join(_markdown(nb))
    for section, pattern in REQUIRED_SECTIONS.items():
        if not re.search(pattern, text, re.M):
            problems.append(f"missing the {section} section (a heading matching {pattern!r})")
    if not MINUTES_PATTERN.search(text):
        problems.append("state the time needed as '**Time needed:** N minutes'")
    count = len(outline(nb).objectives)
    if not 3 <= count <= 5:
        problems.append(f"the overview should list 3-5 learning objectives, found {count}")
    sources = re.search(r"^##\s+(?:Sources|Resources and references).*", text, re.M | re.S)
    if sources and "http" not in sources.group(0):
        problems.append("the sources section must link its sources (http...)")
    solutions = 0
    for index, cell in enumerate(cells):
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code":
            previous = cells[index - 1] if index else None
            if previous is None or previous.cell_type != "markdown":
                problems.append(f"cell {index}: a code cell needs a markdown lead-in before it")
            if not executed and (cell.get("outputs") or cell.get("execution_count")):
                problems.append(
                    f"cell {index}: outputs are committed; clear them (the build makes them)"
                )
            if executed:
                for output in cell.get("outputs", []):
                    if "image/png" in output.get("data", {}):
                        alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
                        if not alt.strip():
                            problems.append(
                                f"cell {index}: an image without alt text (use plotting.show)"
                            )
        if "solution" in tags:
            solutions += 1
            if not cell.metadata.get("jupyter", {}).get("source_hidden"):
                problems.append(
                    f"cell {index}: a solution must be collapsed (jupyter.source_hidden)"
                )
    if solutions == 0:
        problems.append("no exercise solution: tag at least one cell 'solution'")
    return problems


def kernel_env(offline: bool = True) -> dict[str, str]:
    """Environment for a notebook kernel: network blocked, plots deterministic."""
    env = dict(os.environ)
    if offline:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(OFFLINE_DIR), env.get("PYTHONPATH")]))
        env["COURSE_OFFLINE"] = "1"
    env["PYTHONHASHSEED"] = "0"
    env["SOURCE_DATE_EPOCH"] = "0"
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return env


def execute(
    nb: Any,
    name: str = "notebook",
    *,
    timeout: int = 60,
    offline: bool = True,
    cwd: str | Path | None = None,
) -> tuple[Any, float]:
    """Run every cell of ``nb`` in a fresh kernel; return ``(executed nb, seconds)``.

    ``nb`` is executed in place and is not written anywhere. A cell error or a
    cell running longer than ``timeout`` seconds raises NotebookFailed naming
    the cell. With ``offline`` the kernel cannot reach the network.
    """
    skip_iri_grammars()
    from nbclient import NotebookClient

    for attempt in (1, 2):
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(cwd or NOTEBOOK_DIR)}},
            record_timing=False,
            store_widget_state=True,
            # the kernel's own start-up warnings (plain-TCP transport, parent exited)
            # would bury the build's progress lines; cell errors still reach us
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
        try:
            return _run(client, nb, name, timeout, offline)
        except RuntimeError as err:
            # A kernel can die while starting (a port taken between choosing and
            # binding it, on a busy machine): no cell has run, so try once more.
            if attempt == 2 or "before replying to kernel_info" not in str(err):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _run(client: Any, nb: Any, name: str, timeout: int, offline: bool) -> tuple[Any, float]:
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    started = time.perf_counter()
    try:
        client.execute(env=kernel_env(offline))
    except CellExecutionError as err:
        raise NotebookFailed(name, _failed_cell(nb), f"{err.ename}: {err.evalue}") from None
    except CellTimeoutError:
        raise NotebookFailed(
            name, _running_cell(nb), f"a cell ran longer than {timeout} s"
        ) from None
    except DeadKernelError as err:
        raise NotebookFailed(name, _running_cell(nb), f"the kernel died ({err})") from None
    return nb, time.perf_counter() - started


def _failed_cell(nb: Any) -> int | None:
    for index, cell in enumerate(nb.cells):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return index
    return None


def _running_cell(nb: Any) -> int | None:
    last = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.get("execution_count"):
            last = index
    return last


def strip_outputs(nb: Any) -> Any:
    """Remove outputs and execution counts (a student copy, or a clean commit)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)
    return nb

"""Shared fixtures: executed notebooks are cached per test session."""

from __future__ import annotations

import functools
from pathlib import Path

import nbformat
import pytest

try:  # a lock shared by the test workers (not on Windows, where each worker executes)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

from helpers import notebooks

NOTEBOOK_PATHS = notebooks.discover()
NOTEBOOK_IDS = [p.stem for p in NOTEBOOK_PATHS]


# where test workers leave executed notebooks for each other: the run's own
# temporary folder, which pytest removes with its old runs
_CONFIG: list = []


def pytest_configure(config):
    _CONFIG.append(config)


def _shared_folder() -> Path | None:
    config = _CONFIG[-1] if _CONFIG else None
    factory = getattr(config, "_tmp_path_factory", None)
    if not hasattr(config, "workerinput") or factory is None:
        return None
    return factory.getbasetemp().parent / "executed-notebooks"


@functools.cache
def executed_notebook(stem: str):
    """Execute the committed notebook ``stem`` once per session (offline, clean kernel).

    Under pytest-xdist the workers share one copy: the first worker to ask
    executes the notebook and leaves it in a folder for this run; the others
    wait for it and read it, so several test files can check the executed
    notebook without running it again.
    """
    path = notebooks.NOTEBOOK_DIR / f"{stem}.ipynb"
    shared = _shared_folder()
    if shared is None or fcntl is None:
        return notebooks.execute(notebooks.read(path), path.name, timeout=60, cwd=path.parent)
    shared.mkdir(exist_ok=True)
    copy, timing = shared / f"{stem}.ipynb", shared / f"{stem}.seconds"
    with (shared / f"{stem}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not timing.exists():
            nb, seconds = notebooks.execute(
                notebooks.read(path), path.name, timeout=60, cwd=path.parent
            )
            nbformat.write(nb, str(copy))
            timing.write_text(repr(seconds))
            return nb, seconds
    return notebooks.read(copy), float(timing.read_text())


@pytest.fixture
def tmp_csv(tmp_path):
    """Write a CSV file from text and return its path."""

    def write(name: str, text: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write

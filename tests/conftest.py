"""Shared fixtures: executed notebooks are cached per test session."""

from __future__ import annotations

import functools

import pytest

from helpers import notebooks

NOTEBOOK_PATHS = notebooks.discover()
NOTEBOOK_IDS = [p.stem for p in NOTEBOOK_PATHS]


@functools.cache
def executed_notebook(stem: str):
    """Execute the committed notebook ``stem`` once per session (offline, clean kernel)."""
    path = notebooks.NOTEBOOK_DIR / f"{stem}.ipynb"
    nb, seconds = notebooks.execute(notebooks.read(path), path.name, timeout=60, cwd=path.parent)
    return nb, seconds


@pytest.fixture
def tmp_csv(tmp_path):
    """Write a CSV file from text and return its path."""

    def write(name: str, text: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write

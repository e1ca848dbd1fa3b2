"""Shared fixtures: executed notebooks are cached per test session."""

from __future__ import annotations

import functools

import pytest

from helpers import notebooks

notebooks.skip_iri_grammars()  # every test worker imports nbformat: ~4 s each without this

NOTEBOOK_PATHS = notebooks.discover()
NOTEBOOK_IDS = [p.stem for p in NOTEBOOK_PATHS]


@functools.cache
def executed_notebook(stem: str):
    """The committed notebook ``stem`` executed offline from a clean kernel, and its seconds.

    It is the build's own execution (the real course built once per test run,
    see test_build.real_course), so each notebook runs once per `make test`,
    and not at all when `make course` already ran it with the same inputs.
    """
    from test_build import real_course

    out, results = real_course()
    (result,) = [r for r in results if r.name == stem]
    assert result.status != "failed", result.error
    return notebooks.read(out / "notebooks" / "instructor" / f"{stem}.ipynb"), result.seconds


@pytest.fixture
def tmp_csv(tmp_path):
    """Write a CSV file from text and return its path."""

    def write(name: str, text: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def _fresh_helper_caches():
    """Each test computes the helpers' remembered answers afresh (data.cached_on_data):
    a test that patches a module's rows (visits.DEATHS) must not meet another's answer."""
    from helpers import data

    data.clear_caches()
    yield
    data.clear_caches()

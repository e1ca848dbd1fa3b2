"""Shared fixtures: executed notebooks are cached per test session."""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

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


# Made once per test run and shared by the test workers: builds that tests only read (the
# synthetic course's, the fault tests' references and good first builds), each a full build.
SHARED = Path(tempfile.gettempdir()) / (
    f"course-tests-{os.environ.get('PYTEST_XDIST_TESTRUNUID', f'pid{os.getpid()}')}"
)


def _remove_old_shared() -> None:
    """Remove what earlier test runs shared (runs take minutes, so an hour-old one is done)."""
    for pattern in ("course-tests-*", "course-faults-*"):  # (course-faults-: the old name)
        for old in SHARED.parent.glob(pattern):
            if old != SHARED and time.time() - old.stat().st_mtime > 3600:
                shutil.rmtree(old, ignore_errors=True)


def shared(name: str, make: Callable[[Path], None], where: Path | None = None) -> Path:
    """The folder ``name``, made by ``make(folder)`` once per test run (or once in ``where``):
    the first worker to ask makes it, and the others wait for it (a POSIX lock that dies
    with its holder).

    ``make`` builds in a temporary folder that is then renamed, so what it writes must not
    depend on the folder's own path. The tests must not change what they are given.
    """
    if where is None:
        where = SHARED
        if not SHARED.exists():
            _remove_old_shared()
    where.mkdir(parents=True, exist_ok=True)
    done = where / name
    with open(where / f"{name}.lock", "w") as handle:
        fcntl.lockf(handle, fcntl.LOCK_EX)
        if not done.is_dir():
            for stopped in where.glob(f".{name}-*"):  # a maker stopped half-way (lock held)
                shutil.rmtree(stopped, ignore_errors=True)
            temp = where / f".{name}-{os.getpid()}"
            make(temp)
            temp.rename(done)
    return done


# The longest tests start first. xdist's worksteal hands each worker one half of this list
# and lets an idle worker take the tail of the other's queue, so with the long tests at
# the head the run ends on short ones instead of one worker on a 20 s test while the
# other idles. Seconds of a 2-core machine, warm (docs/performance.md), longest first.
LONGEST_FIRST = (
    "tests/test_lab.py::",  # 20 s
    "tests/test_faults.py::test_a_killed_",  # 10-15 s each, with the builds they share
    "tests/test_faults.py::test_a_build_stopped_at_any_moment",
    "tests/test_browser.py::test_synthetic_deck",  # the synthetic course's two builds
    "tests/test_handouts.py::",
    "tests/test_faults.py::",  # 3-6 s each
    "tests/test_hostile.py::",
    "tests/test_checks_command.py::",
    "tests/test_rise.py::",
    "tests/test_source_mix.py::",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        starts = [i for i, prefix in enumerate(LONGEST_FIRST) if item.nodeid.startswith(prefix)]
        return starts[0] if starts else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the rest keep their order

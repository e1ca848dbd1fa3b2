"""The build survives faults, shown by injecting them.

A tiny synthetic course is built in a subprocess (``python -m helpers.publish``)
that a test stops at an exact moment: the build pauses at a checkpoint
(``COURSE_BUILD_PAUSE=point:flagfile``) or inside a notebook cell, and the
test sends a signal to the build, one of its workers or its kernel. After
each fault: no process of that build is alive 5 s later, the previous
``build/`` is whole (byte-identical to before, or, once the atomic swap has
happened, to the new build), the next build finishes and equals a clean build
byte for byte, and no temporary folder is left. Cache entries are corrupted
three ways, two builds run at once, and an unwritable ``build/`` is refused
in one line. The points are fixed, not random, so every run injects the same
faults (docs/reliability.md has the table).
"""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from test_build import _cell, _notebook, _tempdir, _template, tree_bytes

from helpers import publish
from helpers.data import REPO_DIR
from helpers.publish import cache

pytestmark = pytest.mark.notebook
psutil = pytest.importorskip("psutil")

# A cell that, when the test asks, tells it which kernel runs and waits to be killed.
# Only the first kernel to create the flag waits (O_EXCL), so one notebook pauses.
PAUSE_CELL = (
    "import os, time\n"
    "flag = os.environ.get('COURSE_TEST_CELL_FLAG')\n"
    "try:\n"
    "    fd = os.open(flag, os.O_CREAT | os.O_EXCL | os.O_WRONLY) if flag else None\n"
    "except OSError:\n"
    "    fd = None\n"
    "if fd is not None:\n"
    "    os.write(fd, str(os.getpid()).encode()); os.close(fd); time.sleep(60)\n"
    "print('CELL-DONE')"
)


def fault_notebook(title: str, version: str) -> nbformat.NotebookNode:
    return _notebook(
        _template(
            title,
            [
                _cell("md", f"Version {version}: a cell that may pause."),
                _cell("code", PAUSE_CELL),
                _cell("md", "## Exercises", "slide"),
                _cell("code", "answer = 3", tags=("solution",)),
            ],
        )
    )


def write_fault_course(folder: Path, version: str, count: int = 1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(1, count + 1):
        nb = fault_notebook(f"Fault {index}", version)
        nbformat.write(nb, folder / f"{index:02d}-fault.ipynb")
    return folder


@functools.cache
def checkout() -> Path:
    """A snapshot of what a build reads (helpers, data, seeds, the lock file, reveal.js).

    The builds run from it (``python -m helpers.publish`` imports the snapshot's
    helpers), so editing the course while the tests run cannot change them.
    """
    root = _tempdir() / "checkout"
    for name in ("helpers", "data", "seeds"):
        shutil.copytree(REPO_DIR / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in cache.SHARED_INPUTS:
        if (REPO_DIR / name).is_file():
            shutil.copy2(REPO_DIR / name, root)
    (root / "node_modules").mkdir()
    (root / "node_modules" / "reveal.js").symlink_to(REPO_DIR / "node_modules" / "reveal.js")
    return root


class Course:
    """A checkout-like folder: notebooks, a build/ from version 1, and a cache."""

    def __init__(self, root: Path, count: int = 1):
        self.root, self.count = root, count
        self.notebooks = root / "notebooks"
        self.out = root / "build"
        self.cache = root / "cache"
        write_fault_course(self.notebooks, "1", count)

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("COURSE_BUILD_PAUSE", None)
        env.update(extra)
        return env

    def args(self, jobs: int = 1) -> list[str]:
        return [
            sys.executable,
            "-m",
            "helpers.publish",
            "--notebooks",
            str(self.notebooks),
            "--out",
            str(self.out),
            "--cache-dir",
            str(self.cache),
            "-j",
            str(jobs),
        ]

    def run(self, jobs: int = 1, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.args(jobs),
            cwd=checkout(),
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=120,
        )

    def start(self, jobs: int = 1, **extra: str) -> subprocess.Popen:
        return subprocess.Popen(
            self.args(jobs),
            cwd=checkout(),
            env=self.env(**extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def leftovers(self) -> list[str]:
        beside = [p.name for p in self.root.iterdir() if p.name.startswith(f".{self.out.name}-")]
        in_cache = [p.name for p in self.cache.glob(".tmp-*")] if self.cache.exists() else []
        return beside + in_cache


# Made once per test run and shared by the test workers: the reference builds and the
# good first builds every fault test starts from (each is a full build of its own).
SHARED = Path(tempfile.gettempdir()) / (
    f"course-faults-{os.environ.get('PYTEST_XDIST_TESTRUNUID', f'pid{os.getpid()}')}"
)


def _remove_old_shared() -> None:
    """Remove what earlier test runs shared (runs take minutes, so an hour-old one is done)."""
    for old in SHARED.parent.glob("course-faults-*"):
        if old != SHARED and time.time() - old.stat().st_mtime > 3600:
            shutil.rmtree(old, ignore_errors=True)


def shared(name: str, make: Callable[[Path], None]) -> Path:
    """The folder ``name``, made by ``make(folder)`` once per test run: the first worker to
    ask makes it, and the others wait for it (a POSIX lock that dies with its holder)."""
    if not SHARED.exists():
        _remove_old_shared()
        SHARED.mkdir(exist_ok=True)
    done = SHARED / name
    with open(SHARED / f"{name}.lock", "w") as handle:
        fcntl.lockf(handle, fcntl.LOCK_EX)
        if not done.is_dir():
            temp = SHARED / f".{name}-{os.getpid()}"
            shutil.rmtree(temp, ignore_errors=True)
            make(temp)
            temp.rename(done)
    return done


@functools.cache
def reference(count: int) -> dict[str, bytes]:
    """A clean build of version 2 of the fault course, with no fault and no cache."""

    def make(root: Path) -> None:
        course = Course(root, count)
        write_fault_course(course.notebooks, "2", count)
        done = course.run(jobs=count)
        assert done.returncode == 0, done.stdout + done.stderr

    return tree_bytes(shared(f"reference-{count}", make) / "build")


def _version_one(count: int) -> Path:
    """A course folder with a good build of version 1 (``build/``) and its ``cache/``."""

    def make(root: Path) -> None:
        done = Course(root, count).run(jobs=count)
        assert done.returncode == 0, done.stdout + done.stderr

    return shared(f"version-one-{count}", make)


def prepared(tmp_path: Path, count: int = 1) -> tuple[Course, dict[str, bytes]]:
    """A course with a good build of version 1 (and its cache), its notebooks then
    edited to version 2, so the next build has work to do and a build/ to keep."""
    built = _version_one(count)
    course = Course(tmp_path, count)
    shutil.copytree(built / "build", course.out)
    shutil.copytree(built / "cache", course.cache)
    (course.cache / ".lock").write_text("")  # the copy must not look like a stopped build
    before = tree_bytes(course.out)
    write_fault_course(course.notebooks, "2", count)
    return course, before


def wait_for(path: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"the build ended before {path.name}: {process.stdout.read()}")
        assert time.monotonic() < deadline, f"the build never reached {path.name}"
        time.sleep(0.05)


def tree_of(pid: int) -> list:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def alive_after(processes: list, seconds: float = 5.0) -> list[str]:
    """The processes still alive (not zombies) ``seconds`` after the fault."""
    deadline = time.monotonic() + seconds
    while True:
        alive = []
        for proc in processes:
            try:
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{proc.pid} {' '.join(proc.cmdline())[:80]}")
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def assert_recovers(course: Course, before: dict[str, bytes], swapped: bool = False) -> None:
    """The previous build is whole; the next build equals a clean one; nothing is left."""
    now = tree_bytes(course.out)
    if swapped:
        assert now in (before, reference(course.count)), "build/ is neither the old nor the new"
    else:
        assert now == before, "the previous build/ changed"
    done = course.run(jobs=course.count)
    assert done.returncode == 0, done.stdout + done.stderr
    assert tree_bytes(course.out) == reference(course.count), "the next build differs"
    assert course.leftovers() == []


POINTS = {
    "before execution": ("checkpoint", "locked"),
    "mid-execution": ("cell", ""),
    "during export": ("checkpoint", "executed"),
    "during the swap": ("checkpoint", "swapped"),
}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
@pytest.mark.parametrize("point", list(POINTS))
def test_a_build_killed_at_any_point_leaves_nothing_behind(tmp_path, point, signum):
    course, before = prepared(tmp_path / "course")
    flag = tmp_path / "flag"
    kind, name = POINTS[point]
    extra = (
        {"COURSE_BUILD_PAUSE": f"{name}:{flag}"}
        if kind == "checkpoint"
        else {"COURSE_TEST_CELL_FLAG": str(flag)}
    )
    process = course.start(**extra)
    wait_for(flag, process)
    processes = tree_of(process.pid)
    os.kill(process.pid, signum)
    process.wait(timeout=30)
    output = process.stdout.read()
    assert alive_after(processes) == [], f"processes outlived the build:\n{output}"
    if signum == signal.SIGTERM:
        assert "Traceback" not in output, output
    # the lock died with the build: the next one goes on at once (say so if it was killed)
    assert_recovers(course, before, swapped=name == "swapped")


def test_a_killed_worker_fails_its_notebooks_and_the_build_goes_on(tmp_path):
    course, before = prepared(tmp_path / "course", count=2)
    flag = tmp_path / "flag"
    process = course.start(jobs=2, COURSE_TEST_CELL_FLAG=str(flag))
    wait_for(flag, process)
    kernel = psutil.Process(int(flag.read_text()))
    worker = kernel.parent()
    processes = tree_of(process.pid)
    worker.kill()
    process.wait(timeout=60)
    output = process.stdout.read()
    assert process.returncode == 1, output
    assert "stopped (killed?) before this notebook finished" in output
    assert alive_after(processes) == [], output
    # a failed notebook keeps its last good pages: nothing of version 1 was lost
    assert set(tree_bytes(course.out)) >= {k for k in before if k.startswith(("html/", "slides/"))}
    assert_recovers_after_failure(course)


def test_a_killed_kernel_fails_its_notebook_only(tmp_path):
    course, _ = prepared(tmp_path / "course", count=2)
    flag = tmp_path / "flag"
    process = course.start(jobs=2, COURSE_TEST_CELL_FLAG=str(flag))
    wait_for(flag, process)
    processes = tree_of(process.pid)
    psutil.Process(int(flag.read_text())).kill()
    process.wait(timeout=60)
    output = process.stdout.read()
    assert process.returncode == 1, output
    assert "the kernel died" in output and output.count("FAILED") == 1, output
    assert alive_after(processes) == [], output
    assert_recovers_after_failure(course)


def assert_recovers_after_failure(course: Course) -> None:
    done = course.run(jobs=course.count)
    assert done.returncode == 0, done.stdout + done.stderr
    assert tree_bytes(course.out) == reference(course.count)
    assert course.leftovers() == []


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


def _alter(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage", [_truncate, _alter, Path.unlink], ids=["truncate", "alter", "delete"]
)
def test_a_damaged_cache_entry_is_rebuilt_never_shipped(tmp_path, damage):
    course = Course(tmp_path / "course")
    write_fault_course(course.notebooks, "2")
    assert course.run().returncode == 0
    (entry,) = [p for p in course.cache.iterdir() if p.is_dir() and not p.name.startswith(".")]
    damage(entry / "files" / "html" / "01-fault.html")
    shutil.rmtree(course.out)  # so the build reads the cache instead of keeping build/
    done = course.run()
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("damaged cache entry for 01-fault") == 1, done.stdout
    assert "built   01-fault" in done.stdout
    assert tree_bytes(course.out) == reference(1)


def test_two_builds_at_once_both_finish_with_identical_output(tmp_path):
    course = Course(tmp_path / "course")
    write_fault_course(course.notebooks, "2")
    first, second = course.start(), course.start()
    outputs = [first.communicate(timeout=120)[0], second.communicate(timeout=120)[0]]
    assert (first.returncode, second.returncode) == (0, 0), outputs
    assert tree_bytes(course.out) == reference(1)
    assert course.leftovers() == []


def test_a_lock_held_by_a_live_build_names_it_and_times_out(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from helpers.publish import cache\n"
            f"with cache.lock(__import__('pathlib').Path({str(tmp_path)!r}), print):\n"
            "    print('held', flush=True); time.sleep(60)",
        ],
        cwd=REPO_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        lines: list[str] = []
        gave_up = pytest.raises(
            publish.BuildError, match=rf"gave up after 0.5 s: .*pid {holder.pid}"
        )
        with gave_up, cache.lock(tmp_path, lines.append, timeout=0.5):
            pass
        assert lines == [
            f"waiting for another build (pid {holder.pid}) that uses {tmp_path} "
            "(giving up after 0.5 s) ..."
        ]
    finally:
        holder.kill()
        holder.wait()
    # the holder is dead: its lock is gone, and the next build says so in one line
    lines = []
    with cache.lock(tmp_path, lines.append, timeout=0.5):
        pass
    assert lines == [f"the last build (pid {holder.pid}) was stopped before it finished; going on"]


def test_an_unwritable_build_folder_is_one_clear_line_and_nothing_half_written(tmp_path):
    course = Course(tmp_path / "course")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the build's parent folder should be")
    course.out = blocker / "build"
    done = course.run()
    assert done.returncode == 2, done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("error: cannot write"), done.stderr
    assert "the last good build there is unchanged" in errors[0]
    assert "Traceback" not in done.stderr
    assert blocker.read_text().startswith("a file where")
    assert course.leftovers() == []

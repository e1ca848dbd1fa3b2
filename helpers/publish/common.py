"""What every stage of the build shares: where things go, a notebook's result, its errors.

>>> Result("01-a", "built", 1.5).status
'built'
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.data import REPO_DIR, display_path

BUILD_DIR = REPO_DIR / "build"
CACHE_DIR = REPO_DIR / ".cache" / "build"


@dataclass
class Result:
    """How one notebook fared in a build."""

    name: str
    status: str  # "built", "cached" or "failed"
    seconds: float
    title: str = ""
    minutes: int | None = None
    objectives: tuple[str, ...] = ()
    error: str = ""


class BuildError(RuntimeError):
    """The build cannot go on (the lock is held too long, build/ cannot be written...)."""


def files_under(path: Path) -> list[Path]:
    """Every file under ``path`` (or ``path`` itself), sorted, without ``__pycache__``."""
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    return [f for f in files if f.is_file() and "__pycache__" not in f.parts]


def sha256(data: bytes) -> str:
    """The SHA-256 of ``data``, in hex (cache entries and the manifest record one per file)."""
    return hashlib.sha256(data).hexdigest()


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie does not count)."""
    import psutil  # comes with ipykernel

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return pid == os.getpid()


def pid_of(name: str) -> int | None:
    """The pid at the end of a temporary folder's name (``.build-tmp-1234``), if any."""
    tail = name.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else None


def remove_leftovers(folder: Path, pattern: str, log: Any) -> None:
    """Remove temporary folders that builds killed before they finished left behind."""
    for leftover in sorted(folder.glob(pattern)):
        pid = pid_of(leftover.name)
        if pid is not None and not pid_alive(pid):
            log(f"removing {display_path(leftover)}, left by a build (pid {pid}) that was stopped")
            shutil.rmtree(leftover, ignore_errors=True)


def checkpoint(point: str) -> None:
    """A place where the fault-injection tests stop a build (``COURSE_BUILD_PAUSE``).

    With ``COURSE_BUILD_PAUSE=point:flagfile`` the build creates ``flagfile``
    on reaching ``point`` and waits there, so a test can kill it at exactly
    that moment. Without the variable this does nothing.
    """
    wanted = os.environ.get("COURSE_BUILD_PAUSE", "")
    if wanted.split(":", 1)[0] == point and ":" in wanted:
        Path(wanted.split(":", 1)[1]).touch()
        time.sleep(120)

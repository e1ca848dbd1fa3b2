"""Stage 2, cache: run a notebook only when something it depends on changed.

A notebook's key is the hash of the notebook and of every input the
notebooks share (SHARED_INPUTS); its executed files are stored under that
key with the SHA-256 of each file, so a damaged entry is noticed and
rebuilt, never shipped. ``build/`` itself carries a manifest: a build whose
key matches an intact ``build/`` does nothing. Builds sharing a cache take
turns (``lock``), so each notebook runs once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from helpers.data import REPO_DIR, display_path
from helpers.publish.common import BuildError, Result, files_under, sha256

# Bump when the build's own output format changes, to invalidate the cache.
BUILD_FORMAT = "3"
# Inputs that can change a notebook's outputs besides the notebook itself.
SHARED_INPUTS = (
    "helpers",
    "data",
    "seeds",
    "requirements.lock",
    # what the editions carry besides the notebooks (the version is in pyproject.toml)
    "pyproject.toml",
    "LICENSE",
    "LICENSE-CONTENT.md",
    "CITATION.cff",
)
MANIFEST = ".build-manifest.json"
LOCK_TIMEOUT = 600  # seconds a build waits for another one on the same cache (a build takes ~20)


# ---------------------------------------------------------------- keys


def shared_hash(repo: Path = REPO_DIR) -> str:
    """A hash of the build format and every input the notebooks share (helpers, data...)."""
    digest = hashlib.sha256(BUILD_FORMAT.encode())
    for name in SHARED_INPUTS:
        for file in files_under(repo / name):
            digest.update(file.relative_to(repo).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def input_hash(notebook: Path, shared: str) -> str:
    """A hash of the notebook and ``shared_hash()``: equal hashes, equal outputs."""
    digest = hashlib.sha256(shared.encode())
    digest.update(notebook.read_bytes())
    return digest.hexdigest()[:20]


# ---------------------------------------------------------------- entries


def get(
    cache_dir: Path, key: str, name: str, log: Any = print
) -> tuple[Result, dict[str, bytes]] | None:
    """A stored result, only if every file it holds still has its recorded hash.

    A damaged entry (a file truncated, altered or missing, unreadable JSON)
    is reported once, removed, and its notebook is executed again.
    """
    folder = cache_dir / f"{name}-{key}"
    meta = folder / "result.json"
    if not meta.is_file():
        return None
    try:
        recorded = json.loads(meta.read_text())
        hashes: dict[str, str] = recorded["files"]
        files = {rel: (folder / "files" / rel).read_bytes() for rel in hashes}
        damaged = sorted(rel for rel, data in files.items() if sha256(data) != hashes[rel])
        result = cached_result(recorded["result"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        damaged = [f"{type(err).__name__}: {err}"]
    if damaged:
        log(f"  damaged cache entry for {name} ({', '.join(damaged)[:200]}): executing it again")
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return result, files


def cached_result(recorded: dict[str, Any]) -> Result:
    """A Result read back from JSON (a cache entry or the manifest), marked as cached."""
    result = Result(**recorded)
    result.objectives, result.status = tuple(result.objectives), "cached"
    return result


def put(cache_dir: Path, key: str, result: Result, files: dict[str, bytes]) -> None:
    """Store a result with the hash of every file; written aside and renamed, so a
    reader never sees half an entry."""
    folder = cache_dir / f"{result.name}-{key}"
    for old in cache_dir.glob(f"{result.name}-*"):
        # "01-a-<key>" matches the glob of "01-a-b" too: keep other notebooks' entries
        if old != folder and old.name.rsplit("-", 1)[0] == result.name:
            shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        return
    temp = cache_dir / f".tmp-{result.name}-{key}-{os.getpid()}"
    shutil.rmtree(temp, ignore_errors=True)
    for rel, data in files.items():
        target = temp / "files" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    entry = {"result": asdict(result), "files": {rel: sha256(d) for rel, d in files.items()}}
    (temp / "result.json").write_text(json.dumps(entry, indent=1, sort_keys=True))
    try:
        temp.rename(folder)
    except OSError:  # another build stored the same entry first
        shutil.rmtree(temp, ignore_errors=True)


# ---------------------------------------------------------------- taking turns


_THREAD_LOCKS: dict[Path, Any] = {}


def _thread_lock(cache_dir: Path) -> Any:
    import threading

    return _THREAD_LOCKS.setdefault(cache_dir.resolve(), threading.Lock())


@contextlib.contextmanager
def lock(cache_dir: Path, log: Any, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Let builds that share a cache take turns, so each notebook runs once.

    The lock is a POSIX record lock (``fcntl.lockf``) on ``.lock``, which the
    kernel releases the moment its process ends, however it ends, and which
    forked workers do not inherit: a killed build can never leave it held.
    The holder writes its pid into the file and blanks it when done, so a
    waiting build can say whom it waits for, and a build that finds a pid
    left behind knows the last one was stopped. A build waits at most
    ``timeout`` seconds, then raises BuildError. Without ``fcntl`` (Windows)
    builds do not wait for each other; the cache is still never half-written.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on the course's platforms
        yield
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    where = display_path(cache_dir)
    # POSIX locks belong to a process: builds in two threads of one process take turns here
    with _thread_lock(cache_dir), open(cache_dir / ".lock", "a+") as handle:
        started, holder = time.monotonic(), ""
        while True:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                handle.seek(0)
                now = handle.read().strip() or "unknown"
                if now != holder:
                    holder = now
                    log(
                        f"waiting for another build (pid {holder}) that uses {where} "
                        f"(giving up after {timeout:g} s) ..."
                    )
                if time.monotonic() - started > timeout:
                    raise BuildError(
                        f"gave up after {timeout:g} s: another build (pid {holder}) still "
                        f"holds {where}/.lock; wait for it, stop it, or raise --lock-timeout"
                    ) from None
                time.sleep(0.1)
        handle.seek(0)
        left = handle.read().strip()
        if left:
            log(f"the last build (pid {left}) was stopped before it finished; going on")
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.lockf(handle, fcntl.LOCK_UN)


# ---------------------------------------------------------------- build/ as a whole


def up_to_date(out_dir: Path, key: str) -> list[Result] | None:
    """The results recorded in ``out_dir`` if it was built from ``key`` and is intact
    (every file there with the hash the manifest recorded, and no file missing)."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("key") != key:
        return None
    for rel, digest in manifest["files"].items():
        try:
            if sha256((out_dir / rel).read_bytes()) != digest:
                return None
        except OSError:
            return None
    return [cached_result(r) for r in manifest["results"]]


def write_manifest(staging: Path, key: str | None, results: list[Result]) -> None:
    """Record the hash of every file in ``staging`` and the results, under ``key``
    (None for a build with a failure, so the next build tries again)."""
    files = {
        f.relative_to(staging).as_posix(): sha256(f.read_bytes()) for f in files_under(staging)
    }
    # Without the seconds, so two builds of the same sources write the same manifest.
    recorded = [asdict(r) | {"seconds": 0.0, "status": "cached"} for r in results]
    manifest = {"key": key, "files": files, "results": recorded}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))

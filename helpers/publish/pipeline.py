"""The build, stage by stage: ``python -m helpers.publish [-j N]`` (or ``make course``).

``build()`` finds the notebooks, keys each by its inputs (``cache``), runs
the ones whose key changed (``execute``, in parallel), exports each run as a
page, a deck and two notebooks (``views``, ``slides``, ``export``), then
writes the site around them (``site``: links, home page, data pages, zips,
``assets``) into a temporary folder that is swapped in for ``build/``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

from helpers import notebooks
from helpers.data import REPO_DIR, display_path
from helpers.publish import assets, cache, execute, site
from helpers.publish.common import (
    BUILD_DIR,
    CACHE_DIR,
    BuildError,
    Result,
    checkpoint,
    remove_leftovers,
)

notebooks.skip_iri_grammars()  # before anything imports nbformat: saves ~4 s per build


def build_one(notebook: Path, timeout: int = 60, facts_as_of: str = "") -> execute.Outcome:
    """Execute one notebook and produce its files (paths relative to ``build/``).

    ``facts_as_of`` (the date the course's facts run to) goes on the deck's title slide.

    Never raises: any failure (a cell error, a timeout, an unreadable
    notebook, an export error) comes back as a Result with status "failed".
    """
    from helpers.publish.export import export_html, export_slides
    from helpers.publish.views import stable_reprs, stable_widget_ids, student_copy

    name = notebook.stem
    result = Result(name, "failed", 0.0, name)
    try:
        import nbformat

        nb = notebooks.read(notebook)
        info = notebooks.outline(nb, name)
        result.title, result.minutes, result.objectives = (
            info.title,
            info.minutes,
            tuple(info.objectives),
        )
        executed, seconds = execute.execute(
            nb, display_path(notebook), timeout=timeout, cwd=notebook.parent
        )
        executed = stable_reprs(stable_widget_ids(executed, name))
        checkpoint("executed")
        files = {
            f"html/{name}.html": export_html(executed, info.title, name).encode(),
            f"slides/{name}.slides.html": export_slides(
                executed, info.title, name, info.minutes, facts_as_of
            ).encode(),
            f"notebooks/instructor/{name}.ipynb": nbformat.writes(executed).encode(),
            f"notebooks/student/{name}.ipynb": nbformat.writes(student_copy(executed)).encode(),
        }
    except execute.NotebookFailed as err:
        result.error = str(err)
        return result, {}
    except Exception as err:  # report, never crash the whole build
        result.error = f"{display_path(notebook)}: {type(err).__name__}: {err}"
        return result, {}
    result.status, result.seconds = "built", round(seconds, 2)
    return result, files


def build(
    notebook_dir: Path = notebooks.NOTEBOOK_DIR,
    out_dir: Path = BUILD_DIR,
    jobs: int | None = None,
    use_cache: bool = True,
    timeout: int = 60,
    log: Any = print,
    cache_dir: Path = CACHE_DIR,
    reveal_dir: Path = assets.REVEAL_DIR,
    repo: Path = REPO_DIR,
    lock_timeout: float = cache.LOCK_TIMEOUT,
    slides: bool = True,
) -> list[Result]:
    """Build every notebook in ``notebook_dir`` into ``out_dir``; return one Result each.

    With ``slides=False`` (no npm, so no reveal.js) the decks and reveal.js are left out.

    With ``use_cache``, a notebook whose inputs (the notebook and ``repo``'s
    SHARED_INPUTS) are unchanged is not run again, and if nothing changed at
    all ``out_dir`` is left as it is. Raises BuildError if ``out_dir`` cannot
    be written or another build holds the cache longer than ``lock_timeout``.
    """
    site.recover(out_dir, log)
    paths = notebooks.discover(notebook_dir)
    if not paths:
        raise SystemExit(f"no notebooks (NN-name.ipynb) in {display_path(notebook_dir)}")
    shipped = [*(assets.reveal_assets(reveal_dir) if slides else []), *assets.course_assets()]
    shared = cache.shared_hash(repo)
    keys = {p.stem: cache.input_hash(p, shared=shared) for p in paths}
    reveal = assets.reveal_version(reveal_dir) if slides else "-"
    build_key = hashlib.sha256(json.dumps([keys, reveal], sort_keys=True).encode()).hexdigest()
    if use_cache:
        recorded = cache.up_to_date(out_dir, build_key)
        if recorded is not None:
            for r in recorded:
                log(f"  cached  {r.name}")
            log(f"{display_path(out_dir)}/ is up to date")
            return recorded

    report_data_warnings(log)
    # read once here, not in every worker (it loads pandas and the events)
    as_of = site.facts_as_of()
    outcomes: dict[str, execute.Outcome] = {}
    locked = cache.lock(cache_dir, log, lock_timeout) if use_cache else contextlib.nullcontext()
    with locked:
        if use_cache:
            remove_leftovers(cache_dir, ".tmp-*", log)
        checkpoint("locked")
        todo = []
        for path in paths:
            cached = cache.get(cache_dir, keys[path.stem], path.stem, log) if use_cache else None
            if cached:
                outcomes[path.stem] = cached
                log(f"  cached  {path.stem}")
            else:
                todo.append(path)
        if todo:
            job = functools.partial(build_one, facts_as_of=as_of)
            for name, (result, files) in execute.run_all(job, todo, jobs, timeout, log).items():
                # a notebook that failed keeps its last good files
                outcomes[name] = (result, files or site.previous_files(name, out_dir))
            if use_cache:
                for name, (result, files) in outcomes.items():
                    if result.status == "built":
                        cache.put(cache_dir, keys[name], result, files)

    results = [outcomes[p.stem][0] for p in paths]
    failed = any(r.status == "failed" for r in results)
    staging = out_dir.with_name(f".{out_dir.name}-tmp-{os.getpid()}")
    try:
        shutil.rmtree(staging, ignore_errors=True)
        in_order = {p.stem: outcomes[p.stem] for p in paths}
        site.assemble(staging, in_order, shipped, slides, as_of, site.course_version(repo))
        cache.write_manifest(staging, None if failed else build_key, results)
        site.replace_dir(staging, out_dir)
    except OSError as err:
        raise BuildError(
            f"cannot write {display_path(out_dir)}/ ({err.strerror or err}: "
            f"{err.filename or ''}); the last good build there is unchanged"
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return results


def report_data_warnings(log: Any) -> None:
    """Say in the build log which rows look like pasted markup (pages show it as text).

    A broken data file is not reported here: the notebooks that read it fail
    with its file and line, and the others still build.
    """
    import warnings

    from helpers import data  # the module; "data" names file contents elsewhere here

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", data.MarkupWarning)
        try:
            data.validate_all(data.data_dir())
        except data.DataError:
            return
    for warning in caught:
        log(f"warning: {warning.message}")


def summary(results: list[Result]) -> str:
    """A table of notebook, status and seconds spent executing it in this build."""
    width = max(len(r.name) for r in results)
    lines = [f"{'notebook'.ljust(width)}  status  seconds"]
    for r in results:
        seconds = f"{r.seconds:7.1f}" if r.status == "built" else "      -"
        lines.append(f"{r.name.ljust(width)}  {r.status.ljust(6)}  {seconds}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: build the course; exit 1 if any notebook failed."""
    description = sys.modules["helpers.publish"].__doc__  # the package says what the build does
    parser = argparse.ArgumentParser(prog="python -m helpers.publish", description=description)
    parser.add_argument(
        "-j", "--jobs", type=int, default=None, help="parallel kernels (default: cores)"
    )
    parser.add_argument("--no-cache", action="store_true", help="execute every notebook again")
    parser.add_argument("--timeout", type=int, default=60, help="seconds allowed per cell")
    parser.add_argument(
        "--no-slides", action="store_true", help="leave out the decks (no reveal.js: no npm)"
    )
    parser.add_argument("--notebooks", type=Path, default=notebooks.NOTEBOOK_DIR)
    parser.add_argument("--out", type=Path, default=BUILD_DIR)
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR)
    parser.add_argument(
        "--lock-timeout",
        type=float,
        default=cache.LOCK_TIMEOUT,
        help=f"seconds to wait for another build on the same cache (default {cache.LOCK_TIMEOUT})",
    )
    args = parser.parse_args(argv)
    previous = _stop_cleanly_on_signals()
    previous_hook = sys.unraisablehook
    try:
        return _build_and_report(args)
    except KeyboardInterrupt:  # however late it comes: one line, never a traceback
        print("stopped; build/ holds the last good build", file=sys.stderr)
        return 130
    finally:
        for signum, handler in previous.items():  # main() called in a test's process
            signal.signal(signum, handler)
        sys.unraisablehook = previous_hook
        execute.STOP_REQUESTED.clear()


def _build_and_report(args: argparse.Namespace) -> int:
    """Build as ``args`` say, print the summary; the exit status (0, 1 a notebook failed, 2)."""
    started = time.perf_counter()
    try:
        results = build(
            args.notebooks,
            args.out,
            args.jobs,
            not args.no_cache,
            args.timeout,
            cache_dir=args.cache_dir,
            lock_timeout=args.lock_timeout,
            slides=not args.no_slides,
        )
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(summary(results))
    counts = {s: sum(r.status == s for r in results) for s in ("built", "cached", "failed")}
    print(
        f"{counts['built']} built, {counts['cached']} cached, {counts['failed']} failed in "
        f"{time.perf_counter() - started:.2f} s -> {display_path(args.out)}/index.html"
    )
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        print(f"error: {r.error}", file=sys.stderr)
    return 1 if failed else 0


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
STOP_WITHIN = 2.0  # seconds a stopped build may spend cleaning up before it is ended outright


def _stop_cleanly_on_signals() -> dict[int, Any]:
    """Stop the build on Ctrl-C, SIGTERM or SIGHUP (``kill``, ``timeout``, a closed terminal).

    Python stops on SIGTERM and SIGHUP without running any cleanup; here each
    of the three raises KeyboardInterrupt, so the build stops its workers and
    kernels and removes its temporary folders. Later signals are ignored, so
    the cleanup is not cut short halfway, and a watchdog bounds it: if the
    process is still there ``STOP_WITHIN`` seconds later (stuck in cleanup or
    in the interpreter's exit), it kills what it started and ends at once,
    as a SIGKILL would, which the next build recovers from (a second,
    ``SIGALRM``, ends it a second later whatever it is doing). Returns the
    handlers it replaced.
    """
    import threading

    def stop(signum: int, frame: Any) -> None:
        for each in STOP_SIGNALS:
            signal.signal(each, signal.SIG_IGN)
        execute.STOP_REQUESTED.set()
        sys.unraisablehook = _quiet_about_a_lost_stop
        threading.Thread(target=_end_after, args=(STOP_WITHIN,), daemon=True).start()
        signal.alarm(int(STOP_WITHIN) + 1)  # and should even that thread never run: SIGALRM
        raise KeyboardInterrupt

    # a signal the build was started ignoring stays ignored (`nohup`, a script's `cmd &`)
    wanted = [signum for signum in STOP_SIGNALS if signal.getsignal(signum) != signal.SIG_IGN]
    return {signum: signal.signal(signum, stop) for signum in wanted}


def _quiet_about_a_lost_stop(unraisable: Any) -> None:
    """``sys.unraisablehook`` once a stop is under way: an interrupt that landed where
    Python cannot raise it (a fork handler, a ``__del__``) is not printed as a
    traceback; the build still stops (``execute.STOP_REQUESTED``, the watchdog)."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        return
    sys.__unraisablehook__(unraisable)


def _end_after(seconds: float) -> None:
    """End this process ``seconds`` from now, with everything it started (the watchdog)."""
    time.sleep(seconds)
    execute.kill_descendants()
    with contextlib.suppress(Exception):
        print(f"stopped (cleaning up took over {seconds:g} s: cut short)", file=sys.stderr)
        sys.stderr.flush()
    os._exit(130)

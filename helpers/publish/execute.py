"""Stage 1, execute: run notebooks in fresh kernels, offline, in parallel.

``execute`` runs one notebook in a fresh kernel with the network blocked
(``_offline/sitecustomize.py``) and raises NotebookFailed naming the cell.
``run_all`` runs a job per notebook in a pool of worker processes that never
outlive the build, however it stops.
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import contextlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.notebooks import NOTEBOOK_DIR, skip_iri_grammars
from helpers.publish.common import Result

OFFLINE_DIR = Path(__file__).resolve().parent / "_offline"

Outcome = tuple[Result, dict[str, bytes]]  # a notebook's result and its files (paths in build/)

# Set by the build's stop handler. The handler also raises KeyboardInterrupt, but a
# signal that lands inside code Python runs "unraisably" (a fork handler, a __del__)
# has its exception swallowed; the pool's wait polls this flag so the stop still comes.
STOP_REQUESTED = threading.Event()
POLL_SECONDS = 0.1
# Set (to anything) to start every kernel as a plain process, not forked warm
# (helpers.publish.forkserver): to compare the two, or to rule the fork server out.
COLD_KERNELS = "COURSE_COLD_KERNELS"
# A warm kernel answers within a second or two; one that has not answered in this many
# seconds is ended and the notebook runs on a plain kernel (execute's second attempt).
WARM_START_SECONDS = 30
# In a build worker, whether its kernels are forked warm (run_all decides); None elsewhere.
_WARM_WORKER: bool | None = None


class NotebookFailed(RuntimeError):
    """A notebook raised an error while executing; says which notebook, cell and error."""

    def __init__(self, notebook: str, cell: int | None, error: str):
        self.notebook, self.cell, self.error = notebook, cell, error
        where = f"cell {cell}" if cell is not None else "before any cell ran"
        super().__init__(f"{notebook}, {where}: {error}")


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

    from helpers.publish import forkserver

    warm = not os.environ.get(COLD_KERNELS) and _WARM_WORKER is not False
    for attempt in (1, 2):
        client = NotebookClient(
            nb,
            timeout=timeout,
            startup_timeout=WARM_START_SECONDS if warm else 60,
            kernel_name="python3",
            **({"kernel_manager_class": forkserver.kernel_manager_class()} if warm else {}),
            resources={"metadata": {"path": str(cwd or NOTEBOOK_DIR)}},
            record_timing=False,
            store_widget_state=True,
            # the outputs are in once the last cell has run: end the kernel at once
            # rather than asking it to shut down and waiting (about 0.2 s a notebook)
            shutdown_kernel="immediate",
            # the kernel's own start-up warnings (plain-TCP transport, parent exited)
            # would bury the build's progress lines; cell errors still reach us
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
        try:
            return _run(client, nb, name, timeout, offline)
        except RuntimeError as err:
            # nbclient leaves its exit-time clean-up registered when the kernel never
            # started; it has cleaned up already, and would fail at exit saying so
            atexit.unregister(client._cleanup_kernel)
            # A kernel can die while starting (a port taken between choosing and
            # binding it, on a busy machine): no cell has run, so try once more.
            # A warm kernel that does not answer is tried again as a plain process,
            # saying so (the fork server is a speed-up, never a reason to fail).
            starting = "before replying to kernel_info" in str(err) or "didn't respond" in str(err)
            if attempt == 2 or not starting or isinstance(err, NotebookFailed):
                raise
            if warm:
                print(
                    f"{name}: its warm kernel did not start ({err}); starting a plain one",
                    file=sys.stderr,
                    flush=True,
                )
                warm = False
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


# ---------------------------------------------------------------- many notebooks at once


def run_all(
    job: Callable[[Path, int], Outcome],
    todo: list[Path],
    jobs: int | None,
    timeout: int,
    log: Any,
) -> dict[str, Outcome]:
    """Run ``job(notebook, timeout)`` for every notebook in ``todo`` in worker processes.

    ``job`` never raises; it returns a Result, "failed" with no files when
    the notebook fails. If a worker dies (killed, out of memory) the pool is
    stopped at once and every notebook that did not finish fails with a
    message saying so. Ctrl-C or SIGTERM stops every worker and kernel.
    """
    # Import the heavy modules once here, so forked workers start with them loaded.
    import nbclient  # noqa: F401
    import nbconvert  # noqa: F401

    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    log(f"executing {len(todo)} notebook(s) with {workers} worker(s)")
    pool = cf.ProcessPoolExecutor(
        max_workers=workers,
        initializer=_start_worker,
        # a fork server costs about a kernel's start-up and saves about one per kernel after
        # the first: it pays only where a worker runs more than one notebook
        initargs=(os.getpid(), len(todo) > workers),
    )
    outcomes: dict[str, Outcome] = {}
    try:
        futures = {pool.submit(job, p, timeout): p for p in todo}
        for done, future in enumerate(_as_completed_unless_stopped(futures), start=1):
            try:
                result, files = future.result()
            except cf.process.BrokenProcessPool:
                break  # a worker died (killed, out of memory): the pool is unusable
            progress = f"[{done}/{len(todo)}]"
            if result.status == "failed":
                log(f"  FAILED  {result.name} {progress}: {result.error}")
                outcomes[result.name] = (result, {})
            else:
                log(f"  built   {result.name} {progress} ({result.seconds:.1f} s)")
                outcomes[result.name] = (result, files)
        else:
            pool.shutdown(wait=True)
            return outcomes
        # Stop what is left of the pool at once (waiting on it can hang), then fail every
        # notebook that did not finish.
        stop_pool(pool)
    except BaseException:
        # stopped (Ctrl-C, SIGTERM) or crashed: no worker and no kernel outlives the build
        stop_pool(pool)
        raise
    for path in todo:
        if path.stem not in outcomes:
            result = Result(path.stem, "failed", 0.0, path.stem)
            result.error = (
                f"{path.stem}: a build worker stopped (killed?) before this notebook "
                "finished; build again"
            )
            log(f"  FAILED  {result.name}: {result.error}")
            outcomes[result.name] = (result, {})
    return outcomes


def _as_completed_unless_stopped(futures: dict[cf.Future, Path]) -> Any:
    """Yield ``futures`` as they finish, like ``cf.as_completed``; raise KeyboardInterrupt
    within ``POLL_SECONDS`` of a stop being requested, even if its own interrupt was lost."""
    pending = set(futures)
    while pending:
        if STOP_REQUESTED.is_set():
            raise KeyboardInterrupt
        done, pending = cf.wait(pending, timeout=POLL_SECONDS, return_when=cf.FIRST_COMPLETED)
        yield from done


def stop_pool(pool: cf.ProcessPoolExecutor, seconds: float = 2.0) -> None:
    """Stop ``pool`` now: cancel what has not started, kill its workers and their kernels.

    The workers are killed and reaped through the pool's own process handles
    (what Python 3.14's ``kill_workers`` does), which its manager thread
    polls. A worker reaped behind the pool's back (``os.waitpid``, psutil)
    looks alive to those handles for ever: the manager thread would spin in
    ``shutdown_workers`` and hold the interpreter's exit. The kernels are the
    workers' children, not this process's: the workers are frozen first
    (SIGSTOP), so that none starts another kernel, psutil kills the kernels,
    then the pool's handles kill the workers; all within ``seconds`` in all.
    """
    import psutil  # comes with ipykernel

    workers = list((getattr(pool, "_processes", None) or {}).values())  # shutdown forgets them
    manager = getattr(pool, "_executor_manager_thread", None)  # and this
    pool.shutdown(wait=False, cancel_futures=True)
    handles = []
    for worker in workers:  # frozen first, so that none starts a kernel while we look
        if worker.pid is None:  # never started (psutil.Process(None) is this process)
            continue
        with contextlib.suppress(psutil.Error):
            handles.append(psutil.Process(worker.pid))
            handles[-1].suspend()
    deadline = time.monotonic() + seconds
    while any(_running(h, stopped_too=False) for h in handles) and time.monotonic() < deadline:
        time.sleep(0.005)
    kernels = []
    for handle in handles:
        with contextlib.suppress(psutil.Error):
            kernels += handle.children(recursive=True)
    for kernel in kernels:
        with contextlib.suppress(psutil.Error):
            kernel.kill()
    for worker in workers:
        with contextlib.suppress(OSError, ValueError):
            worker.kill()
    for worker in workers:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            worker.join(max(0.0, deadline - time.monotonic()))
    while any(_running(kernel) for kernel in kernels) and time.monotonic() < deadline:
        time.sleep(0.02)
    # Let the pool's manager thread see its workers gone and close its wake-up pipe now:
    # if it were still closing it when the interpreter exits, concurrent.futures' exit
    # hook could write to the closed pipe ("Bad file descriptor", a race in Python 3.11).
    if manager is not None and manager.is_alive():
        manager.join(max(0.05, deadline - time.monotonic()))


def _running(process: Any, stopped_too: bool = True) -> bool:
    """Whether a psutil process still runs (a zombie, dead but not yet reaped, does not;
    nor, unless ``stopped_too``, one stopped by SIGSTOP)."""
    import psutil  # comes with ipykernel

    try:
        status = process.status()
    except psutil.Error:
        return False
    return status != psutil.STATUS_ZOMBIE and (stopped_too or status != psutil.STATUS_STOPPED)


def kill_descendants() -> None:
    """Kill every process this one started, and theirs, without waiting (the build is ending)."""
    import psutil  # comes with ipykernel

    with contextlib.suppress(psutil.Error):
        for process in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):
                process.kill()


def _start_worker(parent: int, warm: bool) -> None:
    """Set up a build worker: it dies with the build, and starts warm kernels or not."""
    global _WARM_WORKER
    _WARM_WORKER = warm
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """Set up a worker so that it never outlives the build that started it.

    The kernel sends it SIGKILL when the build's process ends, however it ends
    (``PR_SET_PDEATHSIG``; Linux), and the worker's own kernel process then
    exits by itself (ipykernel stops when its parent goes). Ctrl-C reaches
    every process in the terminal's group: workers ignore it and let the build
    decide, so the build can clean up and stop them itself.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # a fork inherits the build's own handlers; a worker told to stop must simply stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    # As a worker exits, a closed kernel connection's ZMQ stream may log "Socket
    # operation on non-socket" from tornado: harmless, and it would bury the build's
    # own one-line errors. Cell errors and dead kernels reach the build as results.
    logging.getLogger("tornado").setLevel(logging.CRITICAL)
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL))
    except (OSError, AttributeError):  # pragma: no cover - not Linux: the build's handler stays
        pass
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)

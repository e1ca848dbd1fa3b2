"""Warm kernels: start each notebook's kernel as a fork of a process that has already
imported what every kernel imports.

A fresh kernel spends about 1.5 s of CPU importing ipykernel, IPython, pandas and
matplotlib before a notebook's first cell; ten notebooks pay it ten times. A build
worker instead starts one *fork server* (``python -m helpers.publish.forkserver``,
with the kernels' own environment: network blocked, hash seed fixed), which imports
those modules once and then forks a kernel per request. Each kernel is still a
separate, fresh process with an empty namespace, its own session and its own
connection file; only the imported modules are shared, copy-on-write.

The build's guarantees hold: the fork server dies with the worker that started it and
each kernel dies with the fork server (``PR_SET_PDEATHSIG``), and the worker's stop
kills its descendants, kernels included. ``WarmKernelManager`` is the
``jupyter_client`` kernel manager that launches through it; a launch the server
cannot serve (another environment, no server) falls back to a plain process.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from typing import Any

# What every notebook's kernel imports before its first figure (the course's helpers
# load their data lazily, so importing them reads no file).
WARM_IMPORTS = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython",
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "ipywidgets",
    "helpers.data",
    "helpers.markup",
    "helpers.plotting",
    "helpers.tables",
    "helpers.widgets",
)
_STARTED_IN = os.getcwd()  # ``python -m`` puts it first on sys.path
# Set per kernel by jupyter_client (and per test by pytest), and each kernel gets its own
# value; the rest of the environment must match the server's.
PER_KERNEL_ENV = ("JPY_PARENT_PID", "JPY_SESSION_NAME", "PYTEST_CURRENT_TEST")


def _die_with_parent() -> None:
    """Have the kernel send this process SIGKILL when its parent ends (Linux)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def serve() -> None:
    """The fork server's loop: a request per line on stdin, a pid per line back.

    A request is ``{"argv": [...], "env": {...}, "cwd": "..."}``, the command a kernel
    would be started with. The server ends when its stdin closes (its worker is gone).
    """
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:  # the worker ended before the line above took effect
        os._exit(1)
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # a kernel's own prints go where a plain kernel's would: the worker's stderr
    # reaped as they end, so their CPU time counts towards the build's (``time make course``)
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    _import_as_a_kernel(WARM_IMPORTS)
    _warm_caches()
    replies.write("ready\n")
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            replies.close()
            _become_kernel(request)  # never returns
        replies.write(f"{pid}\n")


def _reap(signum: int, frame: Any) -> None:
    """Collect every kernel that has ended (a SIGCHLD may stand for several)."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


class _KernelShell:
    """What ``get_ipython()`` returns inside a Jupyter kernel, as far as an import asks."""

    kernel = True


def _import_as_a_kernel(names: tuple[str, ...]) -> None:
    """Import ``names`` as a kernel would: a module that looks at import time whether it
    runs in a Jupyter kernel (pandas sizes its printed tables so: a terminal's width, or
    20 columns in a kernel) must see the kernel each fork becomes."""
    import builtins
    import importlib

    builtins.get_ipython = _KernelShell  # type: ignore[attr-defined]
    try:
        for name in names:
            importlib.import_module(name)
    finally:
        del builtins.get_ipython  # type: ignore[attr-defined]


def _warm_caches() -> None:
    """Fill the caches every kernel fills first, so each fork starts with them: the data
    files read and checked (cached by path and modification time, so an edit is read
    again), and a figure's fonts and renderers loaded (in a style context, so no kernel
    starts with a changed style). A data file that warns or fails is left for the
    kernel to read, so the notebook shows the warning or the error itself."""
    import io
    import warnings

    import matplotlib as mpl
    from matplotlib.figure import Figure

    from helpers import data, plotting

    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        for name in data.DATASETS:
            try:
                data.load(name)
            except Exception:  # noqa: BLE001 - the kernel reads it again and says why
                continue
    if warned:
        data._load_cached.cache_clear()
    with mpl.rc_context(plotting.STYLE):
        figure = Figure()
        figure.add_subplot().set_title("warm")
        for kind in ("png", "svg"):
            figure.savefig(io.BytesIO(), format=kind)


def _become_kernel(request: dict[str, Any]) -> None:
    """In the forked child: become the kernel ``request`` describes, then exit."""
    code = 1
    try:
        os.setsid()  # as jupyter_client starts a kernel: its own session, interruptible
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _die_with_parent()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the process's own stdin
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())  # this server, not the worker
        os.chdir(request["cwd"])
        if sys.path and sys.path[0] in ("", _STARTED_IN):
            del sys.path[0]  # the server's folder; ipykernel_launcher drops it as well
        argv = request["argv"]
        sys.argv = [argv[0], *argv[argv.index("ipykernel_launcher") + 1 :]]
        # ipykernel read JPY_PARENT_PID when the server imported it: say it again
        sys.argv.append(f"--IPKernelApp.parent_handle={os.getppid()}")
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


class ForkedKernel:
    """A kernel forked by the fork server, with the parts of ``subprocess.Popen`` that
    jupyter_client uses. It is not this process's child (the server reaps it), so it
    is polled by pid."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -int(signal.SIGKILL)  # its status went to the server
            except PermissionError:  # pragma: no cover - the pid was reused
                self.returncode = -int(signal.SIGKILL)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(["kernel", str(self.pid)], timeout or 0)
            time.sleep(0.01)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkServer:
    """A running fork server started with ``env``; ``launch`` forks a kernel."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.process = subprocess.Popen(
            [sys.executable, "-m", "helpers.publish.forkserver"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            bufsize=1,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("the kernel fork server did not start")

    def serves(self, env: dict[str, str]) -> bool:
        """Whether a kernel with ``env`` can be forked here (same start-up environment)."""
        return self.process.poll() is None and _start_env(env) == _start_env(self.env)

    def close(self) -> None:
        """Let the server go (it ends when its stdin closes); its kernels end with it."""
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)

    def launch(self, argv: list[str], env: dict[str, str], cwd: str) -> ForkedKernel:
        assert self.process.stdin is not None and self.process.stdout is not None
        request = {"argv": argv, "env": env, "cwd": cwd}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return ForkedKernel(int(self.process.stdout.readline()))


def _start_env(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in PER_KERNEL_ENV}


_SERVER: ForkServer | None = None


def server_for(env: dict[str, str]) -> ForkServer | None:
    """This process's fork server for ``env``, started on first use and started again
    when it has ended or was started for another environment (a test run changes its
    environment between tests); None if it cannot start (the kernel then starts as a
    plain process)."""
    global _SERVER
    if _SERVER is not None and not _SERVER.serves(env):
        _SERVER.close()
        _SERVER = None
    if _SERVER is None:
        try:
            _SERVER = ForkServer(_start_env(env))
        except (OSError, RuntimeError):
            return None
    return _SERVER


def _forget_server_in_child() -> None:
    """A process forked from this one (a build worker) starts its own fork server: the
    parent's is not its child, and their replies must not cross."""
    global _SERVER
    if _SERVER is not None:
        for pipe in (_SERVER.process.stdin, _SERVER.process.stdout):
            with contextlib.suppress(OSError, ValueError):
                if pipe is not None:
                    pipe.close()  # this process's copy: the parent's server is untouched
        _SERVER = None


os.register_at_fork(after_in_child=_forget_server_in_child)


def kernel_manager_class() -> type:
    """jupyter_client's AsyncKernelManager, launching kernels through the fork server."""
    from jupyter_client.manager import AsyncKernelManager

    class WarmKernelManager(AsyncKernelManager):  # type: ignore[misc]
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            env = kw.get("env") or dict(os.environ)
            server = server_for(env) if "ipykernel_launcher" in kernel_cmd else None
            provisioner = self.provisioner
            if server is None or type(provisioner).__name__ != "LocalProvisioner":
                await super()._async_launch_kernel(kernel_cmd, **kw)
                return
            cwd = str(kw.get("cwd") or os.getcwd())
            process = server.launch(kernel_cmd, env, cwd)
            provisioner.process, provisioner.pid = process, process.pid
            provisioner.pgid, provisioner.cwd = process.pid, cwd  # its own session
            self._reconcile_connection_info(provisioner.connection_info)

    return WarmKernelManager


if __name__ == "__main__":
    serve()

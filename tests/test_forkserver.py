"""Warm kernels (helpers.publish.forkserver): a kernel forked from the fork server runs a
notebook as a plain kernel does, and never outlives the server."""

from __future__ import annotations

import signal
import time

import nbformat
import psutil
import pytest

from helpers.publish import execute, forkserver

# What a notebook can see of how its kernel started: all must read the same warm or cold.
PROBE = """\
import os, sys, socket
was_loaded = "pandas" in sys.modules
import pandas as pd
print(pd.get_option("display.max_columns"), pd.get_option("display.width"))
print(os.getcwd() in sys.path, "" in sys.path, os.getcwd().endswith("probe-here"))
print(os.environ["COURSE_OFFLINE"], os.environ["PYTHONHASHSEED"], hash("pakistan-iran"))
print(os.getsid(0) == os.getpid(), sorted(k for k in globals() if not k.startswith("_"))[:3])
try:
    socket.create_connection(("example.org", 80), timeout=1)
except OSError as err:
    print("blocked" if "offline" in str(err) else f"other: {err}")
"""


def probe(tmp_path, monkeypatch, cold: bool) -> tuple[list[str], bool]:
    folder = tmp_path / "probe-here"
    folder.mkdir(exist_ok=True)
    if cold:
        monkeypatch.setenv(execute.COLD_KERNELS, "1")
    else:
        monkeypatch.delenv(execute.COLD_KERNELS, raising=False)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(PROBE),
        nbformat.v4.new_code_cell("print(was_loaded)"),
    ]
    executed, _ = execute.execute(nb, "probe", cwd=folder)
    text = [
        "".join(o["text"] for o in cell.outputs if o.get("name") == "stdout")
        for cell in executed.cells
    ]
    return text[0].splitlines(), text[1].strip() == "True"


def test_a_warm_kernel_sees_what_a_cold_kernel_sees(tmp_path, monkeypatch):
    cold, cold_preloaded = probe(tmp_path, monkeypatch, cold=True)
    warm, warm_preloaded = probe(tmp_path, monkeypatch, cold=False)
    assert warm == cold
    assert cold[0] == "20 80"  # pandas sized for a kernel, not a terminal
    # the folder by its path is not on sys.path, but "" is (IPython adds it back)
    assert cold[1:3] == ["False True True", "1 0 " + cold[2].split()[-1]]
    assert cold[3].startswith("True [")  # its own session; an empty namespace but the probe's
    assert cold[4] == "blocked"
    # and the warm one really was warm: pandas was imported before its first cell
    assert (cold_preloaded, warm_preloaded) == (False, True)


def server_env() -> dict[str, str]:
    return execute.kernel_env(offline=True)


def test_a_kernel_dies_with_its_fork_server(tmp_path):
    server = forkserver.ForkServer(server_env())
    try:
        connection = tmp_path / "kernel.json"
        argv = ["python", "-m", "ipykernel_launcher", "-f", str(connection)]
        kernel = server.launch(argv, dict(server_env()), str(tmp_path))
        assert psutil.Process(kernel.pid).ppid() == server.process.pid
        assert kernel.poll() is None
        server.process.send_signal(signal.SIGKILL)
        deadline = time.monotonic() + 10
        while kernel.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert kernel.poll() is not None, "the kernel outlived its fork server"
    finally:
        server.process.kill()
        server.process.wait()


def test_the_fork_server_ends_when_its_worker_lets_go():
    server = forkserver.ForkServer(server_env())
    server.process.stdin.close()
    assert server.process.wait(timeout=10) == 0


@pytest.fixture
def servers(monkeypatch):
    """``server_for`` in a process with no fork server yet: ``servers(env)`` asks it for
    one (which must start); every server started so is killed after the test."""
    monkeypatch.setattr(forkserver, "_SERVER", None)
    started: list[forkserver.ForkServer] = []

    def start(env: dict[str, str]) -> forkserver.ForkServer:
        server = forkserver.server_for(env)
        assert server is not None, "the fork server did not start"
        started.append(server)
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
        server.process.wait()


def test_another_environment_gets_its_own_fork_server(servers):
    env = server_env()
    first = servers(env)
    assert forkserver.server_for({**env, "JPY_PARENT_PID": "1"}) is first  # set per kernel
    second = servers({**env, "PYTHONPATH": "/elsewhere"})
    assert second is not first and second.env["PYTHONPATH"] == "/elsewhere"
    assert first.process.wait(timeout=10) == 0, "the first server was left running"


def test_an_ended_fork_server_is_started_again(servers):
    env = server_env()
    first = servers(env)
    first.process.kill()
    first.process.wait()
    second = servers(env)
    assert second is not first and second.process.poll() is None


def test_a_forked_worker_starts_its_own_fork_server(servers):
    """A build worker forked from a process with a fork server must not share its pipes."""
    import multiprocessing

    env = server_env()
    parents = servers(env)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        child_pid, inherited = pool.apply(_server_seen_in_a_child, (env,))
    assert inherited is None, "the forked worker kept its parent's fork server"
    assert child_pid != parents.process.pid
    assert forkserver.server_for(env) is parents and parents.process.poll() is None


def _server_seen_in_a_child(env: dict[str, str]) -> tuple[int, object]:
    inherited = forkserver._SERVER
    own = forkserver.server_for(env)
    assert own is not None
    pid = own.process.pid
    own.close()
    return pid, inherited


def test_a_data_file_that_warns_is_left_for_the_kernel_to_read(monkeypatch):
    import warnings

    from helpers import data

    def load(name: str) -> None:
        data._load_cached("facts", data.DATA_DIR / "facts.csv", 0)  # something cached
        warnings.warn("markup in a cell", data.MarkupWarning, stacklevel=1)

    data._load_cached.cache_clear()
    monkeypatch.setattr(data, "load", load)
    forkserver._warm_caches()
    assert data._load_cached.cache_info().currsize == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_a_forked_kernel_can_be_signalled_and_waited_for(tmp_path, signum):
    server = forkserver.ForkServer(server_env())
    try:
        argv = ["python", "-m", "ipykernel_launcher", "-f", str(tmp_path / "k.json")]
        kernel = server.launch(argv, dict(server_env()), str(tmp_path))
        time.sleep(0.2)
        kernel.send_signal(signum)
        assert kernel.wait(timeout=10) is not None
        assert not psutil.pid_exists(kernel.pid) or psutil.Process(kernel.pid).ppid() != (
            server.process.pid
        )
        kernel.kill()  # gone already: no error
    finally:
        server.process.kill()
        server.process.wait()


def test_a_warm_kernel_that_does_not_answer_is_replaced_by_a_plain_one(
    tmp_path, monkeypatch, capfd
):
    """A forked kernel that never answers (here: one listening on other ports) costs
    WARM_START_SECONDS, is ended, and the notebook runs on a plain kernel."""
    from jupyter_client.connect import write_connection_file

    monkeypatch.delenv(execute.COLD_KERNELS, raising=False)
    monkeypatch.setattr(execute, "WARM_START_SECONDS", 3)
    launch = forkserver.ForkServer.launch
    deaf: list[int] = []

    def launch_deaf(self, argv, env, cwd):
        elsewhere, _ = write_connection_file(str(tmp_path / "elsewhere.json"))
        argv = [elsewhere if arg.endswith(".json") else arg for arg in argv]
        kernel = launch(self, argv, env, cwd)
        deaf.append(kernel.pid)
        return kernel

    monkeypatch.setattr(forkserver.ForkServer, "launch", launch_deaf)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print(6 * 7)")]
    executed, _ = execute.execute(nb, "deaf", cwd=tmp_path)
    assert executed.cells[0].outputs[0]["text"] == "42\n"
    assert len(deaf) == 1, "the second attempt was forked again"
    assert not psutil.pid_exists(deaf[0]) or psutil.Process(deaf[0]).status() == "zombie"
    assert "deaf: its warm kernel did not start" in capfd.readouterr().err


def _report_warm(path, timeout):
    from helpers.publish.common import Result

    return Result(path.stem, "built", 0.0), {"warm": str(execute._WARM_WORKER).encode()}


@pytest.mark.parametrize(("notebooks", "workers", "warm"), [(2, 2, False), (3, 2, True)])
def test_a_worker_forks_warm_kernels_only_when_it_runs_more_than_one_notebook(
    tmp_path, notebooks, workers, warm
):
    todo = [tmp_path / f"{i:02d}-n.ipynb" for i in range(notebooks)]
    outcomes = execute.run_all(_report_warm, todo, workers, 60, log=lambda line: None)
    assert {files["warm"] for _, files in outcomes.values()} == {str(warm).encode()}

"""A JupyterHub on this machine serving the course to a class, for tests/test_hub.py.

``Hub`` starts JupyterHub with its own ``DummyAuthenticator`` (any name logs in) and
``SimpleLocalProcessSpawner`` (every user's server is a process on this machine, run
by the same system user, with its home in a temporary folder), behind
``configurable-http-proxy`` from node_modules/ (package-lock.json), on 127.0.0.1 with
free ports. A user's server is ``jupyterhub-singleuser`` from the course's own venv
(the pins in requirements.lock, ``nbgitpuller`` among them), offline like the build's
kernels, with the pulled course first on PYTHONPATH as the README tells a teacher.

``serve_course`` makes the "remote" nbgitpuller pulls from: a bare clone of this
repository in a temporary folder, so nothing goes over the network. ``Student`` is
one student without a browser: logs in with the hub's form, follows the link, and
runs a notebook through the server's REST and kernel (websocket) APIs.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

from test_lab import LabServer, free_port

from helpers import data
from helpers.publish import execute

REPO_NAME = "pakistan-iran-course"  # the folder nbgitpuller clones into (the repository's name)
BRANCH = "main"
FIRST_NOTEBOOK = "notebooks/00-start-here.ipynb"
HUB_DOC = data.REPO_DIR / "docs" / "hub.md"
PROXY = data.REPO_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
STARTUP_SECONDS = 60
POLL_SECONDS = 0.2
SPAWN_SECONDS = 300  # a class of 30 starting at once on 2 shared cores


def git(*args: str, cwd: Path | None = None) -> str:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="Course test",
        GIT_AUTHOR_EMAIL="test@localhost",
        GIT_COMMITTER_NAME="Course test",
        GIT_COMMITTER_EMAIL="test@localhost",
        GIT_TERMINAL_PROMPT="0",
    )
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"git {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout.strip()


def serve_course(folder: Path) -> Path:
    """A bare clone of this repository's HEAD as branch ``main``: the link's ``repo``."""
    # no ".git" suffix: nbgitpuller names the student's folder after the URL's last part
    remote = folder / "remote" / REPO_NAME
    git("init", "--quiet", "--bare", "--initial-branch", BRANCH, str(remote))
    git("push", "--quiet", str(remote), f"HEAD:refs/heads/{BRANCH}", cwd=data.REPO_DIR)
    return remote


def publish_update(remote: Path, work: Path, name: str, text: str) -> None:
    """The teacher pushes a new commit adding file ``name`` to the course's ``main``."""
    git("clone", "--quiet", "--branch", BRANCH, str(remote), str(work))
    (work / name).write_text(text, encoding="utf-8")
    git("add", name, cwd=work)
    git("commit", "--quiet", "-m", f"Add {name}", cwd=work)
    git("push", "--quiet", "origin", BRANCH, cwd=work)


def documented_link() -> str:
    """The nbgitpuller link form docs/hub.md gives the teacher (its first ``git-pull`` link)."""
    found = re.search(
        r"^(https://HUB/hub/user-redirect/git-pull\?\S+)$",
        HUB_DOC.read_text(encoding="utf-8"),
        re.M,
    )
    if not found:
        raise AssertionError(f"{HUB_DOC}: no line with the link https://HUB/hub/user-redirect/...")
    return found.group(1)


def course_link(hub_url: str, remote: Path) -> str:
    """The documented link with HUB, REPO_URL and REPO filled in for this hub and remote."""
    link = documented_link()
    link = link.replace("https://HUB", hub_url)
    link = link.replace("REPO_URL", urllib.parse.quote(str(remote), safe=""))
    return link.replace("/REPO/", f"/{REPO_NAME}/")


# ----------------------------------------------------------------------------- the hub


CONFIG = """\
import os, sys
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {root!r} + "/proxy.pid"
c.JupyterHub.db_url = "sqlite:///" + {root!r} + "/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = {root!r} + "/cookie_secret"
c.JupyterHub.pid_file = {root!r} + "/jupyterhub.pid"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {root!r} + "/home/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = {spawn}
c.Spawner.http_timeout = {spawn}
c.JupyterHub.concurrent_spawn_limit = 0
c.JupyterHub.services = [{{"name": "course-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "course-test",
    "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"],
    "services": ["course-test"],
}}]
c.Spawner.environment = {{
    # the pulled course's helpers/ first (the README's PYTHONPATH), the network blocked
    "PYTHONPATH": lambda spawner: os.pathsep.join(
        [{offline!r}, spawner.home_dir + "/{repo}"]),
    "COURSE_OFFLINE": "1",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "JUPYTERHUB_SINGLEUSER_APP": "jupyter_server.serverapp.ServerApp",
    # JupyterLab's settings for the test (test_hub.prepare_home), inside the home
    # a short folder: a kernel's socket path must fit in 107 bytes
    "JUPYTER_RUNTIME_DIR": lambda spawner: {runtime!r} + "/" + spawner.user.name,
    "JUPYTER_CONFIG_DIR": lambda spawner: spawner.home_dir + "/.course-test/config",
    "JUPYTERLAB_SETTINGS_DIR": lambda spawner: spawner.home_dir + "/.course-test/settings",
}}
# Kernels talk to their server over local sockets, not TCP: with many kernels starting at
# once on one machine, a kernel can lose the race for its random TCP ports and die.
c.Spawner.args = ["--KernelManager.transport=ipc"{root_user}]
"""

# Run as root (a container, CI): the single-user servers refuse to start without this.
ROOT_USER = ', "--allow-root"'


class Hub(LabServer):
    """JupyterHub on 127.0.0.1, all its state (database, homes, logs) under ``root``."""

    def __init__(self, root: Path):  # not LabServer.__init__, which starts jupyter lab
        if not PROXY.exists():
            raise RuntimeError(f"no {PROXY}: `npm ci` installs configurable-http-proxy")
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(24)
        self.log_path = root / "hub.log"
        (root / "home").mkdir(parents=True, exist_ok=True)
        self.runtime = tempfile.mkdtemp(prefix="hub", dir="/tmp")  # removed by kill()
        config = root / "jupyterhub_config.py"
        config.write_text(
            CONFIG.format(
                port=self.port,
                hub_port=free_port(),
                proxy_api_port=free_port(),
                proxy=str(PROXY),
                root=str(root),
                singleuser=str(Path(sys.executable).parent / "jupyterhub-singleuser"),
                spawn=SPAWN_SECONDS,
                token=self.token,
                offline=str(execute.OFFLINE_DIR),
                repo=REPO_NAME,
                runtime=self.runtime,
                root_user=ROOT_USER if os.geteuid() == 0 else "",
            )
        )
        env = dict(os.environ)
        env.pop("JUPYTERHUB_API_TOKEN", None)
        # the hub and the proxy find node, git and the venv's commands on PATH
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(config)],
                cwd=root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._kernels: set[int] = set()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def api(self, method: str, path: str, body: object = None) -> object:
        """``/hub/api/<path>`` as the test's service (admin of users and servers)."""
        import requests

        response = requests.request(
            method,
            f"{self.url}/hub/api/{path}",
            json=body,
            timeout=30,
            headers={"Authorization": f"token {self.token}"},
            proxies={"http": None},
        )
        response.raise_for_status()
        return response.json() if response.content else None

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"jupyterhub exited with {self.process.returncode}:\n" + self.log()
                )
            try:
                self.api("GET", "")
                return
            except OSError:
                time.sleep(POLL_SECONDS)
        raise AssertionError(
            f"jupyterhub did not answer within {STARTUP_SECONDS} s:\n" + self.log()
        )

    def home(self, user: str) -> Path:
        return self.root / "home" / user

    def kill(self) -> None:
        super().kill()
        shutil.rmtree(self.runtime, ignore_errors=True)

    # processes(), stop(), left_running() and kill() are test_lab.LabServer's: the hub's
    # process tree (proxy, users' servers, kernels), remembered, stopped, checked.


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Peak resident memory of the hub (hub + proxy) and of each user's server and kernels.

    A user's processes are found by their HOME in the hub's temporary folder; sampled
    every ``interval`` seconds while the class runs. RSS counts shared library pages in
    every process, so the per-user figure is an upper bound.
    """

    def __init__(self, hub: Hub, interval: float = 0.5):
        super().__init__(daemon=True)
        self.hub, self.interval = hub, interval
        self.hub_peak = 0
        self.user_peak: dict[str, int] = {}
        self.available_low = self.available_start = available_memory()
        self._done = threading.Event()

    def _owner(self, pid: int) -> str | None:
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            return None
        home = f"HOME={self.hub.root / 'home'}/".encode()
        for item in environ:
            if item.startswith(home):
                return item[len(home) :].decode()
        return None

    def sample(self) -> None:
        users: dict[str, int] = {}
        hub = 0
        for pid in self.hub.processes():
            owner = self._owner(pid)
            if owner is None:
                hub += rss_bytes(pid)
            else:
                users[owner] = users.get(owner, 0) + rss_bytes(pid)
        self.hub_peak = max(self.hub_peak, hub)
        for user, size in users.items():
            self.user_peak[user] = max(self.user_peak.get(user, 0), size)
        self.available_low = min(self.available_low, available_memory())

    def run(self) -> None:
        while not self._done.wait(self.interval):
            self.sample()

    def finish(self) -> None:
        self._done.set()
        self.join()


def available_memory() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


# ----------------------------------------------------------------------------- a student


class Student:
    """One student with no browser: the hub's login form, the link, the server's APIs."""

    def __init__(self, hub: Hub, name: str):
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        self.hub, self.name = hub, name
        self.session = requests.Session()
        self.session.trust_env = False  # never through a proxy
        # A browser sends a GET again when the server drops the connection before
        # answering (a kept-alive connection closed as the request goes out, on a busy
        # machine); requests does not, and a student would fail where a browser does not.
        # Only GETs, only connection drops: an error the server sends still counts.
        again = Retry(
            total=2,
            connect=2,
            read=2,
            status=0,
            other=0,
            backoff_factor=0.5,
            allowed_methods=frozenset({"GET"}),
        )
        self.session.mount("http://", HTTPAdapter(max_retries=again))
        self.base = f"{hub.url}/user/{name}"

    def login(self) -> None:
        """The hub's login form, sent again (as a student would) if the connection drops."""
        import requests

        for attempt in (1, 2, 3):
            try:
                return self._login()
            except requests.ConnectionError:
                if attempt == 3:
                    raise
                time.sleep(attempt)

    def _login(self) -> None:
        form = self.session.get(f"{self.hub.url}/hub/login", timeout=60)
        form.raise_for_status()
        xsrf = self.session.cookies.get("_xsrf", path="/hub/") or self.session.cookies.get("_xsrf")
        done = self.session.post(
            f"{self.hub.url}/hub/login",
            data={"username": self.name, "password": "any", "_xsrf": xsrf},
            timeout=60,
        )
        done.raise_for_status()
        assert "jupyterhub-session-id" in self.session.cookies or any(
            c.name.startswith("jupyterhub-hub-login") for c in self.session.cookies
        ), f"{self.name} is not logged in"

    def follow(self, link: str) -> None:
        """Follow the link as a browser would, up to the server's nbgitpuller page.

        The hub starts the server (while it starts, the link leads to a waiting page
        that sends the browser on when the server is ready); then nbgitpuller's page,
        whose script asks the server to pull (``pull``, below).
        """
        deadline = time.monotonic() + SPAWN_SECONDS
        while True:
            response = self.session.get(link, timeout=SPAWN_SECONDS)
            path = urllib.parse.urlsplit(response.url).path
            if response.status_code == 200 and path == f"/user/{self.name}/git-pull":
                return
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.name}: the link ends at {response.url} ({response.status_code})"
                )
            time.sleep(1)

    def pull(self, link: str) -> list[dict]:
        """What nbgitpuller's page does: its event stream pulls the course; the events."""
        query = urllib.parse.urlsplit(link).query
        events = []
        with self.session.get(
            f"{self.base}/git-pull/api?{query}", stream=True, timeout=SPAWN_SECONDS
        ) as response:
            response.raise_for_status()
            for line in response.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    event = json.loads(line[5:])
                    events.append(event)
                    if event.get("phase") in ("finished", "error"):
                        break
        if not events or events[-1].get("phase") != "finished":
            raise AssertionError(f"{self.name}: nbgitpuller did not finish: {events[-3:]}")
        return events

    def _xsrf(self) -> dict[str, str]:
        token = self.session.cookies.get("_xsrf", path=f"/user/{self.name}/")
        if token is None:
            self.session.get(f"{self.base}/lab", timeout=60).raise_for_status()
            token = self.session.cookies.get("_xsrf", path=f"/user/{self.name}/")
        return {"X-XSRFToken": token} if token else {}

    @staticmethod
    def _message(msg_type: str, session_id: str, content: dict) -> tuple[str, str]:
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": msg_type,
            "username": "",
            "session": session_id,
            "version": "5.3",
        }
        return msg_id, json.dumps(
            {
                "header": header,
                "parent_header": {},
                "metadata": {},
                "channel": "shell",
                "content": content,
            }
        )

    def _wait_kernel_ready(self, ws, session_id: str) -> None:
        """Ask for kernel_info until the kernel answers, as JupyterLab does.

        Many kernels starting at once on one machine can lose the race for a TCP port;
        the server then restarts the kernel on new ports, and a request sent meanwhile
        is lost, so it is sent again.
        """
        import websocket

        deadline = time.monotonic() + SPAWN_SECONDS
        while time.monotonic() < deadline:
            msg_id, message = self._message("kernel_info_request", session_id, {})
            ws.send(message)
            ws.settimeout(10)
            try:
                while True:
                    reply = json.loads(ws.recv())
                    if reply.get("parent_header", {}).get("msg_id") == msg_id and (
                        reply["msg_type"] == "kernel_info_reply"
                    ):
                        return
            except websocket.WebSocketTimeoutException:
                continue
            finally:
                ws.settimeout(SPAWN_SECONDS)
        raise AssertionError(f"{self.name}: the kernel never answered")

    def run_notebook(self, path: str, on_first_output=None) -> list[str]:
        """Run every code cell of ``path`` (in the home) in a new kernel of the user's server.

        The server's contents API gives the cells, its sessions API starts the kernel
        (in the notebook's folder, as JupyterLab does), and the kernel's websocket runs
        them; the kernel is shut down at the end. Returns the errors seen.
        ``on_first_output`` is called when the first output arrives.
        """
        import websocket

        nb = self.session.get(f"{self.base}/api/contents/{path}", timeout=60)
        nb.raise_for_status()
        cells = [c for c in nb.json()["content"]["cells"] if c["cell_type"] == "code"]
        headers = self._xsrf()
        started = self.session.post(
            f"{self.base}/api/sessions",
            headers=headers,
            timeout=SPAWN_SECONDS,
            json={"path": path, "type": "notebook", "name": "", "kernel": {"name": "python3"}},
        )
        started.raise_for_status()
        session_id, kernel_id = started.json()["id"], started.json()["kernel"]["id"]
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{self.hub.port}/user/{self.name}/api/kernels/{kernel_id}/channels",
            cookie=cookies,
            timeout=SPAWN_SECONDS,
            origin=self.hub.url,
        )
        errors: list[str] = []
        try:
            self._wait_kernel_ready(ws, session_id)
            for cell in cells:
                source = (
                    cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                )
                msg_id, message = self._message(
                    "execute_request",
                    session_id,
                    {
                        "code": source,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                )
                ws.send(message)
                while True:
                    reply = json.loads(ws.recv())
                    if reply.get("parent_header", {}).get("msg_id") != msg_id:
                        continue
                    kind = reply["msg_type"]
                    if on_first_output is not None and kind in (
                        "stream",
                        "display_data",
                        "execute_result",
                        "error",
                    ):
                        on_first_output()
                        on_first_output = None
                    if kind == "error":
                        errors.append(f"{reply['content']['ename']}: {reply['content']['evalue']}")
                    elif (
                        kind == "stream"
                        and reply["content"]["name"] == "stderr"
                        and "Traceback" in reply["content"]["text"]
                    ):
                        errors.append(reply["content"]["text"][:500])
                    if kind == "execute_reply" and reply["channel"] == "shell":
                        if reply["content"]["status"] != "ok" and not errors:
                            errors.append(f"cell ended with {reply['content']['status']}")
                        break
                if errors:
                    break
        finally:
            ws.close()
            self.session.delete(
                f"{self.base}/api/sessions/{session_id}", headers=headers, timeout=60
            )
        return errors


def summary_figures(values: list[float]) -> tuple[float, float]:
    """Median and 95th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    median = (ordered[(len(ordered) - 1) // 2] + ordered[len(ordered) // 2]) / 2
    rank = max(1, -(-95 * len(ordered) // 100))  # ceil(0.95 n)
    return median, ordered[rank - 1]


def machine() -> str:
    """The machine the figures were measured on, in a line."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    load = os.getloadavg()[0]
    total = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return textwrap.shorten(
        f"{os.cpu_count()} cores ({cpu}), {total / 2**20:.0f} GiB, Python "
        f"{sys.version.split()[0]}, load average {load:.1f} at the start",
        200,
    )

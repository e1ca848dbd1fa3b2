"""The course on a real JupyterHub, through the nbgitpuller link docs/hub.md gives teachers.

A hub (tests/classroom_hub.py: JupyterHub's DummyAuthenticator and
SimpleLocalProcessSpawner, configurable-http-proxy from node_modules/) runs on
127.0.0.1 with every user's home in a temporary folder; nbgitpuller pulls the
course from a bare clone of this repository, so nothing goes over the network.

- One student in Chromium (CI only, or ``CI=true`` here: about 30 s of a 2-core
  machine that a warm ``make test`` cannot spare; tests/test_lab.py drives
  JupyterLab in Chromium in every run): clicks the link, logs in, lands in
  JupyterLab on notebook 00, runs all cells (no error shown), changes a cell and
  saves; the teacher pushes an update; the student clicks the link again and has
  both the update and their own change (nbgitpuller's merge rule: the student's
  edit wins).
- A class at once (CI and `make bench`; ``HUB_CLASS_SIZE`` students, 30 by
  default): everyone logs in and follows the link together; each server pulls the
  course and runs notebook 00 and an explorer notebook through its own kernels
  (Jupyter Server's REST and websocket APIs). Zero failures; the link-to-first-output
  times and peak memory go to build/hub-class.json (figures in docs/performance.md).
- docs/hub.md's config.yaml for Zero to JupyterHub parses and matches binder/ and
  the single-user environment this test ran.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import time
import urllib.parse
from importlib import metadata

import pytest
import yaml
from classroom_hub import (
    BRANCH,
    FIRST_NOTEBOOK,
    HUB_DOC,
    REPO_NAME,
    Hub,
    MemorySampler,
    Student,
    course_link,
    documented_link,
    machine,
    publish_update,
    serve_course,
    summary_figures,
)
from test_browser import browser  # noqa: F401  (the Chromium fixture, skips without it)
from test_lab import BROKEN_OUTPUTS, _settings, no_tracebacks

from helpers import data, notebooks

pytestmark = pytest.mark.notebook

EXPLORER = "notebooks/04-militancy-on-the-border.ipynb"
CLASS_SIZE = int(os.environ.get("HUB_CLASS_SIZE", "30"))
IN_CI = os.environ.get("CI") == "true"
CLASS_REPORT = data.REPO_DIR / "build" / "hub-class.json"
SCREENSHOTS = data.REPO_DIR / "build" / "hub-screenshots"
MARK = "# my own note: the border is 959 km long"  # what the student adds to a cell
UPDATE = "TEACHER-UPDATE.md"


@contextlib.contextmanager
def _one_hub_at_a_time():
    """Hold a lock shared by the test workers: a class of 30 and the student's browser run
    would otherwise start at once on two cores, and each would time the other's load."""
    import fcntl
    import tempfile

    with open(os.path.join(tempfile.gettempdir(), "course-hub-tests.lock"), "a") as handle:
        fcntl.lockf(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.lockf(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def running_hub(tmp_path):
    """A hub serving the course from a bare clone in ``tmp_path``; stopped with nothing left.

    One hub runs at a time across the test workers (see ``_one_hub_at_a_time``).
    """
    with _one_hub_at_a_time(), _running_hub(tmp_path) as running:
        yield running


@contextlib.contextmanager
def _running_hub(tmp_path):
    remote = serve_course(tmp_path)
    hub = Hub(tmp_path / "hub")
    try:
        hub.wait_ready()
        yield hub, remote, course_link(hub.url, remote)
        assert hub.stop(timeout=60) == 0, f"jupyterhub did not stop cleanly:\n{hub.log()}"
        deadline = time.monotonic() + 30
        while hub.left_running() and time.monotonic() < deadline:
            time.sleep(0.2)  # the users' servers end after the hub has told them to
        assert hub.left_running() == [], "processes left after the hub stopped"
        assert "network access blocked" not in hub.log()
    finally:
        hub.kill()


def prepare_home(hub: Hub, user: str) -> None:
    """JupyterLab settings for a quiet run (no news, every cell kept in the page).

    The same as tests/test_lab.py's, in the folders the user's server reads
    (``JUPYTER_CONFIG_DIR`` and ``JUPYTERLAB_SETTINGS_DIR`` under the home, set by the hub).
    """
    _settings(hub.home(user) / ".course-test")


# ----------------------------------------------------------------------------- one student


class HubPage:
    """A browser page on the hub; any request for another address is kept."""

    def __init__(self, chromium, hub: Hub):
        self.hub = hub
        self.context = chromium.new_context(
            viewport={"width": 1400, "height": 900}, service_workers="block"
        )
        self.page = self.context.new_page()
        self.remote: list[str] = []
        self.errors: list[str] = []
        self.reruns = 0  # times the student ran all again (JupyterLab had lost the kernel)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        # Seen, not routed: Playwright's routing holds back nbgitpuller's and the hub's
        # event streams (the pages then wait for ever). The hub has no network anyway.
        self.page.on("request", self._seen)

    def _seen(self, request) -> None:
        if not request.url.startswith((f"{self.hub.url}/", "data:", "blob:")):
            self.remote.append(request.url)

    def notebook(self, name: str):
        """The panel of notebook ``name`` once JupyterLab shows it with an idle kernel."""
        tab = self.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=name)
        tab.wait_for(timeout=180_000)
        panel = self.page.locator(f"#{tab.get_attribute('data-id')}")
        panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
            state="attached", timeout=120_000
        )
        return panel

    def run_all(self, panel, shown_prompts: int) -> None:
        """Run -> Run All Cells; wait until ``shown_prompts`` prompts show a number, kernel idle.

        Cells whose input is hidden (the solutions) show no prompt; the saved file
        (``ran_without_errors``) then shows that every code cell ran.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        # On a busy machine the kernel JupyterLab started with the notebook can be gone
        # by the time the student runs it (seen in CI-like runs beside a build): JupyterLab
        # then asks which kernel to start. A student clicks "Select" and runs again; so does
        # the test, at most twice, and says so (self.reruns).
        for attempt, seconds in enumerate((120, 120, 300), start=1):
            try:
                self._run_all_once(panel, shown_prompts, seconds)
                break
            except PlaywrightTimeout:
                if attempt == 3:
                    raise
                dialog = self.page.locator(".jp-Dialog", has_text="Select Kernel")
                if dialog.count():
                    dialog.locator("button.jp-mod-accept").click()
                self.reruns += 1
                panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
                    state="attached", timeout=120_000
                )
        no_tracebacks(panel)

    def _run_all_once(self, panel, shown_prompts: int, seconds: float) -> None:
        panel.locator(".jp-Notebook").first.click()  # the Run menu acts on the notebook in front
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        self.page.locator(".lm-Menu-item:visible", has_text="Run All Cells").first.click()
        self.page.wait_for_function(
            f"""([panel, expected]) => {{
                const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                    .map(p => p.textContent.trim());
                const ran = prompts.filter(p => /^\\[\\d+\\]:$/.test(p)).length >= expected
                    && !prompts.includes('[*]:');
                const idle = panel.querySelector(
                    ".jp-Notebook-ExecutionIndicator[data-status='idle']");
                return (ran && idle) || ({BROKEN_OUTPUTS})(panel).length > 0;
            }}""",
            arg=[panel.element_handle(), shown_prompts],
            timeout=seconds * 1000,
        )

    def change_first_code_cell(self, panel) -> None:
        """Type a comment at the end of the first code cell and save (Ctrl+S)."""
        editor = panel.locator(".jp-CodeCell .jp-InputArea-editor .cm-content").first
        editor.click()
        self.page.keyboard.press("Control+End")
        self.page.keyboard.type("\n" + MARK)
        self.page.keyboard.press("Control+s")

    def close(self) -> None:
        self.context.close()


def wait_for(check, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting: {what}"
        time.sleep(0.2)


def ran_without_errors(path, code_cells: int) -> bool:
    """True once the saved notebook shows every code cell run; fails on an error output."""
    code = [c for c in notebooks.read(path).cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == [], f"cells ran with errors: {errors}"
    return len(code) == code_cells and all(c.execution_count for c in code)


def first_code_source(path) -> str:
    cell = next(c for c in notebooks.read(path).cells if c.cell_type == "code")
    return cell.source


@pytest.mark.skipif(
    not IN_CI,
    reason="the student's path on a hub runs in CI (CI=true to run it here): tests/test_lab.py "
    "drives JupyterLab in Chromium in every make test",
)
def test_a_student_follows_the_link_runs_notebook_00_and_keeps_an_edit(browser, tmp_path):  # noqa: F811
    before = (data.REPO_DIR / FIRST_NOTEBOOK).read_bytes()
    with running_hub(tmp_path) as (hub, remote, link):
        user = "student"
        prepare_home(hub, user)
        pulled = hub.home(user) / REPO_NAME / FIRST_NOTEBOOK
        name = pulled.name
        lab = HubPage(browser, hub)
        try:
            # The link, before logging in: the hub asks who it is, then carries on.
            lab.page.goto(link)
            lab.page.locator("#username_input").fill(user)
            lab.page.locator("#password_input").fill("any password")
            lab.page.locator("#login_submit").click()
            panel = lab.notebook(name)
            assert urllib.parse.urlsplit(lab.page.url).path == (
                f"/user/{user}/lab/tree/{REPO_NAME}/{FIRST_NOTEBOOK}"
            )
            assert pulled.exists(), "nbgitpuller did not clone the course into the home"
            code = [c for c in notebooks.read(pulled).cells if c.cell_type == "code"]
            lab.run_all(
                panel, sum(not c.metadata.get("jupyter", {}).get("source_hidden") for c in code)
            )
            lab.page.keyboard.press("Control+s")
            wait_for(lambda: ran_without_errors(pulled, len(code)), "every cell ran, saved")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            lab.page.screenshot(path=str(SCREENSHOTS / "00-ran.png"))

            lab.change_first_code_cell(panel)
            wait_for(lambda: MARK in first_code_source(pulled), "the student's edit saved")

            # The teacher publishes an update; the student follows the link again.
            publish_update(remote, tmp_path / "teacher", UPDATE, "Week 2: read notebook 01.\n")
            lab.page.goto(link)
            panel = lab.notebook(name)
            wait_for(lambda: (pulled.parents[1] / UPDATE).exists(), "the update pulled")
            assert MARK in first_code_source(pulled), "nbgitpuller dropped the student's edit"
            editor = panel.locator(".jp-CodeCell .jp-InputArea-editor").first
            assert MARK in editor.inner_text(), "JupyterLab does not show the student's edit"
            lab.page.screenshot(path=str(SCREENSHOTS / "00-after-second-pull.png"))
        except BaseException:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(Exception):
                lab.page.screenshot(path=str(SCREENSHOTS / "failure.png"))
            raise
        finally:
            lab.close()
        print(f"Run All again: {lab.reruns} time(s)")
        assert lab.errors == []
        assert lab.remote == [], "the pages tried to reach beyond the hub"
    assert (data.REPO_DIR / FIRST_NOTEBOOK).read_bytes() == before


# ----------------------------------------------------------------------------- a class


def one_student(hub: Hub, name: str, link: str, start: threading.Barrier, result: dict) -> None:
    """Log in, follow the link, pull, run notebook 00 and the explorer; note times and errors."""
    student = Student(hub, name)
    try:
        start.wait()
        student.login()
        clicked = time.monotonic()
        student.follow(link)
        student.pull(link)
        result["ready_s"] = time.monotonic() - clicked

        def first_output():
            result["first_output_s"] = time.monotonic() - clicked

        errors = student.run_notebook(f"{REPO_NAME}/{FIRST_NOTEBOOK}", first_output)
        errors += student.run_notebook(f"{REPO_NAME}/{EXPLORER}")
        result["errors"] = errors
        result["done_s"] = time.monotonic() - clicked
    except Exception as error:  # noqa: BLE001 (a student's failure is counted, not raised)
        result["errors"] = [f"{type(error).__name__}: {error}"]


def test_a_student_sends_a_get_again_when_the_server_drops_the_connection():
    """As a browser does: the first connection is closed unanswered, the second answers."""
    import socket
    import types

    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[int] = []

    def serve() -> None:
        for attempt in (1, 2):
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                seen.append(attempt)
                if attempt == 2:
                    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    hub = types.SimpleNamespace(url=f"http://127.0.0.1:{listener.getsockname()[1]}")
    try:
        response = Student(hub, "student01").session.get(f"{hub.url}/hub/login", timeout=10)
        assert response.text == "ok" and seen == [1, 2]
    finally:
        listener.close()


def figures(seconds: list[float]) -> dict[str, float] | None:
    if not seconds:
        return None
    p50, p95 = summary_figures(seconds)
    return {"p50": round(p50, 1), "p95": round(p95, 1), "n": len(seconds)}


@pytest.mark.skipif(
    not IN_CI and "HUB_CLASS_SIZE" not in os.environ,
    reason="a class of 30 runs in CI and in `make bench` (HUB_CLASS_SIZE=N to run it here)",
)
def test_a_class_follows_the_link_at_once_and_every_notebook_runs(tmp_path):
    with running_hub(tmp_path) as (hub, _, link):
        names = [f"student{i:02d}" for i in range(1, CLASS_SIZE + 1)]
        results: dict[str, dict] = {name: {} for name in names}
        start = threading.Barrier(len(names))
        sampler = MemorySampler(hub)
        sampler.start()
        began = time.monotonic()
        threads = [
            threading.Thread(target=one_student, args=(hub, n, link, start, results[n]))
            for n in names
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sampler.finish()
        wall = time.monotonic() - began
        failures = {n: r["errors"] for n, r in results.items() if r.get("errors") != []}
        for name in names:
            assert (hub.home(name) / REPO_NAME / EXPLORER).exists() or name in failures
    firsts = [r["first_output_s"] for r in results.values() if "first_output_s" in r]
    per_user = sorted(sampler.user_peak.values())
    report = {
        "students": len(names),
        "failures": failures,
        "link_to_first_output_s": figures(firsts),
        "link_to_done_s": figures([r["done_s"] for r in results.values() if "done_s" in r]),
        "class_wall_s": round(wall, 1),
        "peak_rss_per_student_mb": {
            "p50": summary_figures(per_user)[0] / 2**20,
            "max": per_user[-1] / 2**20,
        }
        if per_user
        else None,
        "peak_rss_hub_and_proxy_mb": sampler.hub_peak / 2**20,
        "memory_taken_from_machine_mb": (sampler.available_start - sampler.available_low) / 2**20,
        "machine": machine(),
    }
    CLASS_REPORT.parent.mkdir(parents=True, exist_ok=True)
    CLASS_REPORT.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    assert failures == {}, f"{len(failures)} of {len(names)} students failed: {failures}"
    assert len(firsts) == len(names) and len(per_user) == len(names)


# ----------------------------------------------------------------------------- the docs


def config_yaml() -> dict:
    found = re.search(r"```yaml\n(.*?)```", HUB_DOC.read_text(encoding="utf-8"), re.S)
    assert found, f"{HUB_DOC}: no ```yaml block (the Zero to JupyterHub config.yaml)"
    return yaml.safe_load(found.group(1))


def pins(text: str) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s'\"]+)", text, re.M)
    return {name.lower().replace("_", "-"): version for name, version in found}


def test_the_documented_link_is_the_readmes_and_opens_notebook_00():
    link = documented_link()
    assert link in (data.REPO_DIR / "README.md").read_text(encoding="utf-8")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query == {
        "repo": ["REPO_URL"],
        "urlpath": [f"lab/tree/REPO/{FIRST_NOTEBOOK}"],
        "branch": [BRANCH],
    }
    filled = course_link("http://127.0.0.1:8000", data.REPO_DIR / "x y")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(filled).query)["repo"] == [
        str(data.REPO_DIR / "x y")
    ]


def test_the_zero_to_jupyterhub_config_matches_binder_and_the_tested_environment():
    config = config_yaml()["singleuser"]
    doc = HUB_DOC.read_text(encoding="utf-8")
    # the image is repo2docker's build of this repository (binder/), with nbgitpuller added
    image = f"{config['image']['name']}:{config['image']['tag']}"
    build = re.search(r"jupyter-repo2docker .*?\n(?!\s)", doc, re.S)
    assert build, f"{HUB_DOC}: no jupyter-repo2docker command building the image"
    command = build.group(0).replace("\\\n", " ")
    assert f"--image-name {image}" in command
    added = pins(command.split("--appendix", 1)[1].replace(" ", "\n"))
    locked = pins((data.REPO_DIR / "requirements.lock").read_text())
    assert added == {"nbgitpuller": locked["nbgitpuller"]}
    # the single-user environment this test ran is binder/'s (and Python from runtime.txt)
    binder = pins((data.REPO_DIR / "binder" / "requirements.txt").read_text())
    assert binder and "nbgitpuller" not in binder
    for name, version in [*binder.items(), *added.items()]:
        assert metadata.version(name) == version, f"the hub test ran {name} {version}?"
    runtime = (data.REPO_DIR / "binder" / "runtime.txt").read_text().strip()
    assert f"Python {runtime.removeprefix('python-')}" in doc
    # the default URL is the link's notebook; helpers/ is imported from the pulled folder
    assert config["defaultUrl"] == f"/lab/tree/{REPO_NAME}/{FIRST_NOTEBOOK}"
    assert config["extraEnv"]["PYTHONPATH"] == f"/home/jovyan/{REPO_NAME}"

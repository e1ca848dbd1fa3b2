"""JupyterLab, for real: a learner's session driven in a real browser.

The test starts ``jupyter lab`` on 127.0.0.1 with a token, a free port and
fresh config, settings, workspace and runtime folders, serving a temporary
copy of the student editions of an explorer notebook (04) and the review
notebook (08), so nothing in notebooks/ changes. Headless Chromium (Debian's
package, as in test_browser.py) then does what a learner does: opens both
notebooks, runs all cells of each from the Run menu (the two run at once),
changes the explorer's dropdown and sees the explorer's output change, answers
a quiz question and sees its feedback. No cell may show a traceback. The server and its kernels
run offline (``execute.kernel_env``), the browser may reach only the
server, and the server is shut down at the end with no process left.

A screenshot of each notebook's final state goes to build/lab-screenshots/.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from test_browser import browser  # noqa: F401  (the Chromium fixture, skips without it)

from helpers import data, notebooks, quiz
from helpers.publish import execute, views

pytestmark = pytest.mark.notebook

EXPLORER_NOTEBOOK = "04-militancy-on-the-border"
REVIEW_NOTEBOOK = "08-review"
EXPLORER_CONTROL = "group"  # the dropdown the test changes; each row shown names the group
SCREENSHOTS = data.REPO_DIR / "build" / "lab-screenshots"
STARTUP_SECONDS = 30
RUN_ALL_MS = 60_000
POLL_SECONDS = 0.05

# `python -m jupyterlab`, without the ~1.5 s jsonschema spends at import compiling the
# grammars of the optional rfc3987_syntax package (notebooks.skip_iri_grammars: the
# server's schemas check no "iri" format, so nothing it checks changes).
LAUNCH_LAB = (
    "import sys; from helpers.notebooks import skip_iri_grammars; skip_iri_grammars();"
    " from jupyterlab.labapp import main; sys.exit(main())"
)


# ----------------------------------------------------------------------------- the server


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (the server gets no retries)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _settings(root: Path) -> None:
    """Lab settings for a quiet, offline first run: no news, no update check, no build check.

    Every cell is kept in the page (no windowing), so the test sees every output.
    """
    for plugin, values in [
        ("apputils-extension/notification", {"fetchNews": "false", "checkForUpdates": False}),
        ("notebook-extension/tracker", {"windowingMode": "none"}),
    ]:
        path = root / "settings" / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    # Without this, opening the page makes the server run node to check the build.
    labconfig = root / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    (labconfig / "page_config.json").write_text(
        json.dumps({"buildCheck": False, "buildAvailable": False})
    )


class LabServer:
    """``jupyter lab`` serving ``folder`` on 127.0.0.1, with its state kept under ``root``."""

    def __init__(self, root: Path, folder: Path):
        self.root = root
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = root / "server.log"
        _settings(root)
        env = execute.kernel_env(offline=True)  # server and kernels cannot reach the network
        # The kernels run in a temporary folder: without this they would import `helpers`
        # from wherever the package is installed from (another checkout, for a worktree).
        env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], str(data.REPO_DIR)])
        for name, sub in [
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("IPYTHONDIR", "ipython"),
        ]:
            env[name] = str(root / sub)
        command = [
            sys.executable,
            "-c",
            LAUNCH_LAB,
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={folder}",
            f"--LabServerApp.workspaces_dir={root / 'workspaces'}",
            f"--LabApp.user_settings_dir={root / 'settings'}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ]
        if os.geteuid() == 0:
            command.append("--allow-root")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._kernels: set[int] = set()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def api(self, path: str) -> object:
        """GET ``/api/<path>`` with the token, as JSON (never through a proxy)."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(
            f"{self.url}/api/{path}", headers={"Authorization": f"token {self.token}"}
        )
        with opener.open(request, timeout=5) as response:
            return json.load(response)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"jupyter lab exited with {self.process.returncode}:\n{self.log()}")
            try:
                self.api("status")
                return
            except OSError:
                time.sleep(POLL_SECONDS)
        pytest.fail(f"jupyter lab did not answer within {STARTUP_SECONDS} s:\n{self.log()}")

    def kernel_states(self, name: str) -> list[str]:
        """The execution state of each kernel the server runs for notebook ``name``."""
        sessions = self.api("sessions")
        return [s["kernel"]["execution_state"] for s in sessions if s["path"] == name]

    def processes(self) -> set[int]:
        """The server's pid and its descendants' (the kernels), remembered for the end."""
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        found, todo = set(), [self.process.pid]
        while todo:
            pid = todo.pop()
            found.add(pid)
            todo += children.get(pid, [])
        self._kernels |= found - {self.process.pid}
        return found

    def stop(self, timeout: float = 30) -> int:
        """Terminate the server as Ctrl-C would (it shuts its kernels down) and wait."""
        self.processes()
        self.process.terminate()
        return self.process.wait(timeout)

    def left_running(self) -> list[int]:
        return [pid for pid in self._kernels | {self.process.pid} if _alive(pid)]

    def kill(self) -> None:
        """Last resort: kill what this server started that is still running."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        for pid in self.left_running():
            os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


# ----------------------------------------------------------------------------- the browser


class Lab:
    """A JupyterLab page that may reach only its server; other requests are refused and kept."""

    def __init__(self, chromium, server: LabServer):
        self.server = server
        self.context = chromium.new_context(
            viewport={"width": 1400, "height": 900}, service_workers="block"
        )
        self.page = self.context.new_page()
        self.remote: list[str] = []
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("websocket", self._socket)
        self.page.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith((f"{self.server.url}/", "data:", "blob:")):
            route.continue_()
        else:
            self.remote.append(url)
            route.abort()

    def _socket(self, socket) -> None:
        if not socket.url.startswith(f"ws://127.0.0.1:{self.server.port}/"):
            self.remote.append(socket.url)

    def open(self, name: str) -> None:
        """Open the app on notebook ``name`` (the token logs the browser in); its tab shows."""
        self.page.goto(f"{self.server.url}/lab/tree/{name}?token={self.server.token}")
        self.tab(name).wait_for(timeout=30_000)

    def open_from_file_browser(self, name: str) -> None:
        """Open ``name`` as a learner would: double-click it in the file browser."""
        self.page.locator(".jp-DirListing-item", has_text=name).dblclick()
        self.tab(name).wait_for(timeout=30_000)

    def tab(self, name: str):
        return self.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=name)

    def notebook(self, name: str):
        """The panel of open notebook ``name``, once its kernel has started and is idle."""
        tab = self.tab(name)
        deadline = time.monotonic() + STARTUP_SECONDS
        while self.server.kernel_states(name) != ["idle"]:
            assert time.monotonic() < deadline, f"no idle kernel for {name}:\n{self.server.log()}"
            # not time.sleep: the page's routes need Python
            self.page.wait_for_timeout(POLL_SECONDS * 1000)
        # in front: a hidden notebook's toolbar (its execution indicator) may never render
        tab.click()
        panel = self.page.locator(f"#{tab.get_attribute('data-id')}")
        panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
            state="attached", timeout=30_000
        )
        return panel

    def run_all(self, name: str) -> None:
        """Run → Run All Cells in notebook ``name`` (brought to the front); do not wait."""
        self.tab(name).click()  # the Run menu acts on the notebook in front
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        self.page.locator(".lm-Menu-item:visible", has_text="Run All Cells").first.click()

    def wait_ran_all(self, panel, code_cells: int) -> None:
        """Wait until every code cell in ``panel`` has run and its kernel is idle.

        A traceback ends the wait at once (Run All stops at a failing cell).
        """
        cells = panel.locator(".jp-Notebook .jp-CodeCell")
        assert cells.count() == code_cells, "the notebook shows a different number of code cells"
        self.page.wait_for_function(
            f"""panel => {{
                const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
                const ran = prompts.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
                const idle = panel.querySelector(
                    ".jp-Notebook-ExecutionIndicator[data-status='idle']");
                return (ran && idle) || ({BROKEN_OUTPUTS})(panel).length > 0;
            }}""",
            arg=panel.element_handle(),
            timeout=RUN_ALL_MS,
        )
        no_tracebacks(panel)
        prompts = cells.locator(".jp-InputPrompt").all_inner_texts()
        assert len(prompts) == code_cells and all(
            re.fullmatch(r"\[\d+\]:", p.strip()) for p in prompts
        )

    def close(self) -> None:
        self.context.close()


# Outputs that show a traceback (an error, or a warning's stack) or a widget that failed.
BROKEN_OUTPUTS = """panel => [...panel.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],'
        + ' .jp-RenderedText, .jp-OutputArea-output')]
    .map(output => output.textContent)
    .filter(text => /Traceback|Error displaying widget/.test(text))
    .map(text => text.slice(0, 500))"""


def no_tracebacks(panel) -> None:
    """Fail, quoting them, if outputs in ``panel`` show a traceback or a broken widget."""
    broken = panel.evaluate(BROKEN_OUTPUTS)
    assert broken == [], "cells show errors:\n" + "\n---\n".join(broken)


def code_cell_count(path: Path) -> int:
    return sum(cell.cell_type == "code" for cell in notebooks.read(path).cells)


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


# ----------------------------------------------------------------------------- the learner


def change_explorer(lab: Lab, panel) -> None:
    """Choose another armed group in the explorer: its output shows only that group's rows."""
    label = lab.page.locator(
        "label.widget-label", has_text=re.compile(f"^{re.escape(EXPLORER_CONTROL)}$")
    )
    dropdown = panel.locator(".widget-dropdown", has=label)
    assert dropdown.count() == 1, f"no explorer dropdown labelled {EXPLORER_CONTROL!r}"
    select = dropdown.locator("select")
    before = select.input_value()
    choice = next(v for v in select.locator("option").evaluate_all(VALUES) if v != before)
    explorer = panel.locator(".jp-CodeCell", has=lab.page.locator(".widget-dropdown", has=label))
    explorer.evaluate("cell => cell.scrollIntoView({block: 'start'})")
    output = explorer.locator(".widget-output").first
    shown_before = output.inner_text()
    select.select_option(value=choice)
    lab.page.wait_for_function(
        "([output, before]) => output.innerText.trim() && output.innerText !== before",
        arg=[output.element_handle(), shown_before],
        timeout=15_000,
    )
    rows = output.locator("tbody tr").all_inner_texts()
    shown = rows or [output.inner_text()]  # a table of events, or a sentence saying none match
    assert all(choice in row for row in shown), f"the explorer shows rows not about {choice}"


VALUES = "options => options.map(option => option.value)"


def answer_question(lab: Lab, panel, questions: list[quiz.Question]) -> None:
    """Check a wrong choice, then the right one, on the first question of the first quiz.

    ``questions`` is the course's question bank, which has the question shown.
    """
    has_radios = lab.page.locator(".widget-radio-box")
    box = panel.locator(".jp-OutputArea-output > .widget-vbox", has=has_radios).first
    box.evaluate("quiz => quiz.scrollIntoView({block: 'start'})")
    prompt = box.locator(".widget-html", has_text=re.compile(r"^\s*1\.")).first.inner_text()
    question = next(q for q in questions if q.prompt in prompt)
    radios = box.locator(".widget-radio-box").first
    check = box.locator("button.jupyter-button", has_text="Check").first
    feedback = check.locator("xpath=following-sibling::*[contains(@class, 'widget-html')]")
    wrong = next(c for c in question.choices if c != question.answer)
    for choice, verdict in [(wrong, "Not quite."), (question.answer, "Correct.")]:
        radios.get_by_label(choice, exact=True).check()
        check.click()
        feedback.filter(has_text=verdict).wait_for(timeout=15_000)
        shown = " ".join(feedback.inner_text().split())
        assert shown.startswith(" ".join(f"{verdict} {question.feedback[choice]}".split()))
    assert "Source:" in shown and feedback.locator("a[href^='http']").count() >= 1, shown
    questions = box.locator(".widget-radio-box").count()
    score = box.locator(".widget-html", has_text="Score:").inner_text().strip()
    assert score == f"Score: 1 of {questions} right (1 answered)"


# ----------------------------------------------------------------------------- the test


def learner_session(chromium, server: LabServer, served: Path) -> None:
    """Run the explorer notebook and change its explorer; run the review and answer a question.

    The browser's page and the question bank (read from data/) are made ready while the
    server starts, and both notebooks are open before either runs, so their kernels start,
    and then run, side by side instead of one after the other.
    """
    (SCREENSHOTS / "failure.png").unlink(missing_ok=True)
    lab = Lab(chromium, server)
    try:
        questions = quiz.course_questions()
        server.wait_ready()
        # The first notebook opens from its URL, the second from the file browser.
        lab.open(f"{EXPLORER_NOTEBOOK}.ipynb")
        lab.open_from_file_browser(f"{REVIEW_NOTEBOOK}.ipynb")
        steps = [
            (EXPLORER_NOTEBOOK, change_explorer),
            (REVIEW_NOTEBOOK, functools.partial(answer_question, questions=questions)),
        ]
        # Both notebooks run at once, each in its own kernel; each is then brought to
        # the front to be used, as its widgets answer only when shown.
        panels = {}
        for stem, _ in steps:
            panels[stem] = lab.notebook(f"{stem}.ipynb")
            lab.run_all(f"{stem}.ipynb")
        for stem, act in steps:
            name, panel = f"{stem}.ipynb", panels[stem]
            lab.wait_ran_all(panel, code_cell_count(served / name))
            lab.tab(name).click()
            act(lab, panel)
            no_tracebacks(panel)
            screenshot(lab.page, stem)
    except BaseException:
        with contextlib.suppress(Exception):
            screenshot(lab.page, "failure")  # what the page showed when the test failed
        raise
    finally:
        lab.close()
    assert lab.errors == []
    assert lab.remote == [], "JupyterLab tried to reach beyond its own server"


def test_a_learner_runs_an_explorer_and_a_quiz_in_jupyterlab(browser, tmp_path):  # noqa: F811
    sources = [
        notebooks.NOTEBOOK_DIR / f"{stem}.ipynb" for stem in (EXPLORER_NOTEBOOK, REVIEW_NOTEBOOK)
    ]
    before = [source.read_bytes() for source in sources]
    served = tmp_path / "notebooks"
    served.mkdir()
    for source in sources:
        nbformat.write(views.student_copy(notebooks.read(source)), served / source.name)

    server = LabServer(tmp_path, served)
    try:
        learner_session(browser, server, served)
        kernels = server.api("kernels")
        assert len(kernels) == 2 and {k["execution_state"] for k in kernels} == {"idle"}
        assert len(server.processes()) >= 3, "expected the server and two kernels"
        assert server.stop() == 0, f"jupyter lab did not shut down cleanly:\n{server.log()}"
        assert server.left_running() == [], "processes left after jupyter lab stopped"
        assert "network access blocked" not in server.log()
    finally:
        server.kill()
    assert [source.read_bytes() for source in sources] == before, "the test changed notebooks/"

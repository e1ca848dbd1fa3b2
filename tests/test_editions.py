"""The take-away editions and the Binder set-up, tested the way a student or an image runs them.

Each zip of a real build is unpacked into a temporary folder outside the
repository and installed into a fresh venv from its own ``requirements.txt``
(from the package registry, as a student would); its notebooks are then run
there with the network blocked. The venv is kept in
``.cache/edition-venvs/<hash of the pins>`` and a run that passed is recorded in
``.cache/edition-runs/`` by the hash of everything it ran, so a warm
``make test`` only unpacks and checks. Outside CI, a registry that cannot be
reached skips these tests; in CI (``CI=true``) it fails them.

What runs: every notebook of the student edition (solutions removed) installed
in place with ``-e``, as the README says, and its first and last notebooks for
each other way a student may install it (INSTALLS: copied into site-packages
with ``pip install .``; not installed, the helpers imported from the unpacked
folder), the first
notebook of the instructor edition (every one in CI), a student bundle
without ``data/``, and the Binder steps (``binder/requirements.txt``,
``binder/postBuild``, one notebook) in a copy of the repository. The three
installs share one venv, taking turns: only the course's own package is
installed again, offline (``--no-deps --no-index --no-build-isolation``).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import data, publish
from helpers.publish import editions, execute

REPO = data.REPO_DIR
CACHE = REPO / ".cache"
VENVS = CACHE / "edition-venvs"
RUNS = CACHE / "edition-runs"
TOOLS = CACHE / "tool-venvs"
IN_CI = os.environ.get("CI") == "true"
REPO2DOCKER = "jupyter-repo2docker==2026.4.0"
DEV_ONLY = {"pytest", "pytest-xdist", "ruff", "playwright", "execnet", "iniconfig", "pluggy"}

# Run with a bundle's own Python: executes each notebook named on the command line in a
# fresh kernel with nbclient, plus a last cell that says which helpers and which Python the
# kernel used; prints one JSON line per notebook. The kernels run offline, blocked by the
# course's sitecustomize from this repository (COURSE_TEST_OFFLINE_DIR): the zips leave out
# the pipeline it belongs to. The runner imports nothing from the bundle's helpers.
RUNNER = """\
import json, os, sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
offline = os.environ.pop("COURSE_TEST_OFFLINE_DIR")
path_now = os.environ.get("PYTHONPATH")
env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [offline, path_now])))
env["COURSE_OFFLINE"] = "1"
for path in map(Path, sys.argv[1:]):
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import sys, helpers.data; print(helpers.data.__file__, helpers.data.DATA_DIR, "
        "sys.prefix, sep='|')"))
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    try:
        client.execute(env=env)
        where = nb.cells[-1].outputs[0]["text"].strip().split("|")
        found = {"helpers": where[0], "data": where[1], "prefix": where[2]}
        print(json.dumps({"name": path.name, "error": "", **found}))
    except CellExecutionError as err:
        cell = next(
            i for i, c in enumerate(nb.cells)
            if any(o.get("output_type") == "error" for o in c.get("outputs", []))
        )
        print(json.dumps({"name": path.name, "error": f"cell {cell}: {err.ename}: {err.evalue}"}))
"""


# ------------------------------------------------------------- what a bundle holds


def _pins(lines: list[str]) -> dict[str, str]:
    return {
        editions._name(name): version
        for name, version in (line.split("==") for line in lines if "==" in line)
    }


def test_requirements_pin_the_lock_and_leave_out_test_tools():
    lines = editions.runtime_requirements()
    assert lines[-1] == "-e ."
    pins = _pins(lines)
    locked = {
        name: version
        for name, (_, version) in editions.locked_versions(REPO / "requirements.lock").items()
    }
    assert {name: locked[name] for name in pins} == pins
    assert DEV_ONLY & set(pins) == set()
    for root in (*editions.RUNTIME_ROOTS, "nbformat", "nbclient"):
        assert editions._name(root) in pins, root


def test_a_root_the_lock_does_not_pin_is_refused(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("pandas==3.1.1\n")
    with pytest.raises(ValueError, match="pins no jupyterlab.*make lock"):
        editions.runtime_requirements(lock)


def test_binder_requirements_follow_the_lock():
    committed = (REPO / "binder" / "requirements.txt").read_text(encoding="utf-8")
    assert committed == editions.binder_requirements(), (
        "binder/requirements.txt is out of date: run python -m helpers.publish.editions binder"
    )
    post_build = REPO / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"


def _bundle(edition: str = "student") -> dict[str, bytes]:
    return editions.edition_files(edition, {"01-b.ipynb": b"B", "00-a.ipynb": b"A"})


def test_a_bundle_holds_everything_a_notebook_needs_and_nothing_else():
    files = _bundle()
    assert all(name.startswith("course-student/") for name in files)
    names = {name.removeprefix("course-student/") for name in files}
    for needed in (
        "notebooks/00-a.ipynb",
        "notebooks/01-b.ipynb",
        "helpers/data.py",
        "data/events.csv",
        "data/README.md",
        "seeds/000_4ddd4b4e2e9e0105.txt",
        "LICENSE",
        "LICENSE-CONTENT.md",
        "pyproject.toml",
        "requirements.txt",
        "README.md",
    ):
        assert needed in names, needed
    tracked = {str(p.relative_to(REPO)) for p in (REPO / "data").rglob("*") if p.is_file()}
    assert tracked <= names
    # every module a notebook may import, and not the pipeline or checks no notebook imports
    assert {f"helpers/{p.name}" for p in (REPO / "helpers").glob("*.py")} <= names
    assert not [n for n in names if n.startswith(("helpers/publish/", "helpers/checks/"))]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    top = {name.split("/")[0] for name in names}
    assert top == {
        *editions.BUNDLED,
        "notebooks",
        "pyproject.toml",
        "requirements.txt",
        "README.md",
    }
    assert sorted(n for n in names if n.startswith("notebooks/")) == [
        "notebooks/00-a.ipynb",
        "notebooks/01-b.ipynb",
    ]
    assert files["course-student/notebooks/00-a.ipynb"] == b"A"
    assert files == _bundle(), "two bundles of the same files must be the same bytes"


def test_the_bundle_readme_gives_three_steps_the_version_and_the_facts_date():
    text = _bundle("instructor")["course-instructor/README.md"].decode()
    assert "Instructor edition" in text
    assert f"Course version **{editions.course_version()}**" in text
    assert f"**{data.format_date(data.facts_run_to())}**" in text
    for step in (
        "python3 -m venv .venv",
        ".venv/bin/pip install -r requirements.txt",
        ".venv/bin/jupyter lab notebooks/00-a.ipynb",
        "python -m venv .venv",
        r".venv\Scripts\pip install -r requirements.txt",
        r".venv\Scripts\jupyter lab notebooks\00-a.ipynb",
    ):
        assert step in text, step
    assert "COURSE_DATA_DIR" in text
    requirements = _bundle()["course-student/requirements.txt"].decode().splitlines()
    assert f"Python {editions.minimum_python(requirements)} or newer" in text


def test_an_unknown_edition_or_an_empty_one_is_refused():
    with pytest.raises(ValueError, match="no edition 'teacher'"):
        editions.edition_files("teacher", {"00-a.ipynb": b""})
    with pytest.raises(ValueError, match="has no notebooks"):
        editions.edition_files("student", {})


def test_without_its_data_folder_the_course_says_what_is_missing_and_how_to_fix_it(tmp_path):
    missing = tmp_path / "nowhere"
    env = {**os.environ, "COURSE_DATA_DIR": str(missing)}
    done = subprocess.run(
        [sys.executable, "-c", "from helpers import data"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("helpers.data.DataError: the course's data folder is missing")
    assert str(missing) in last and "COURSE_DATA_DIR" in last and "Unpack the whole zip" in last


def _where_data_is(site: Path, cwd: Path, **env: str) -> str:
    """The data folder ``helpers.data`` finds, imported from ``site``, run in ``cwd``."""
    clean = {k: v for k, v in os.environ.items() if k != "COURSE_DATA_DIR"}
    done = subprocess.run(
        [sys.executable, "-c", "from helpers import data; print(data.DATA_DIR)"],
        env={**clean, "PYTHONPATH": str(site), **env},
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    assert done.returncode == 0 or "DataError" in done.stderr, done.stderr
    return done.stdout.strip() or done.stderr.strip().splitlines()[-1]


def test_the_helpers_find_data_beside_them_else_above_the_working_folder(tmp_path):
    """The order: COURSE_DATA_DIR, data/ beside the package, the nearest course data/ above
    the working folder (a data/ without the course's CSV files does not count)."""
    site = tmp_path / "site-packages"  # the helpers alone, as `pip install .` leaves them
    shutil.copytree(REPO / "helpers", site / "helpers", ignore=shutil.ignore_patterns("publish"))
    course = tmp_path / "course"
    shutil.copytree(REPO / "data", course / "data")
    notebooks = course / "notebooks"
    (notebooks / "data").mkdir(parents=True)  # a student's own data/, not the course's
    (notebooks / "data" / "my-notes.csv").write_text("a,b\n")
    assert _where_data_is(site, notebooks) == str(course / "data")
    assert _where_data_is(site, course) == str(course / "data")
    # data/ beside the package comes first (a checkout, an unpacked zip installed in place)
    shutil.copytree(REPO / "data", site / "data")
    assert _where_data_is(site, notebooks) == str(site / "data")
    # and COURSE_DATA_DIR before either
    assert _where_data_is(site, notebooks, COURSE_DATA_DIR=str(tmp_path)) == str(tmp_path)
    # with none, the error says where it looked
    shutil.rmtree(site / "data")
    last = _where_data_is(site, tmp_path)
    assert last.startswith("helpers.data.DataError: the course's data folder is missing")
    assert f"expected {site / 'data'}, or a data/ folder with events.csv" in last


@pytest.mark.notebook
def test_a_build_without_npm_leaves_out_only_the_decks(tmp_path):
    from test_build import noop, real_course

    out, _ = real_course()  # the same notebooks again: every execution comes from the cache
    results = publish.build(
        out.parent / "notebooks",
        tmp_path / "build",
        log=noop,
        reveal_dir=tmp_path / "no-node-modules",
        slides=False,
    )
    assert {r.status for r in results} == {"cached"}
    files = {p.relative_to(tmp_path / "build").as_posix() for p in (tmp_path / "build").rglob("*")}
    assert not [f for f in files if f.startswith("slides")]
    first = results[0].name
    assert {f"html/{first}.html", editions.zip_name("student"), "index.html"} <= files


# ------------------------------------------------------------- a fresh venv, as a student


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (test workers take turns on one venv)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.lockf(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.lockf(handle, fcntl.LOCK_UN)


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "COURSE_DATA_DIR", "VIRTUAL_ENV")
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(kwargs.pop("env", {}))
    return subprocess.run(command, capture_output=True, text=True, env=env, **kwargs)


def _registry_failure(what: str, done: subprocess.CompletedProcess) -> None:
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
    message = f"{what} failed (exit {done.returncode}):\n{tail}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(f"cannot install from the package registry here; {message}")


def _key(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
    return digest.hexdigest()[:16]


# How a student may install an unpacked bundle, and what pip does for each: in place (the
# README's `pip install -r requirements.txt` ends with `-e .`), copied into site-packages
# (`pip install .`), or not at all (the helpers imported from the unpacked folder).
INSTALLS = {
    "editable": ["install", "--no-deps", "--no-index", "--no-build-isolation", "-e"],
    "site-packages": [
        "install",
        "--no-deps",
        "--no-index",
        "--no-build-isolation",
        "--force-reinstall",
    ],
    "not installed": ["uninstall", "--yes", "pakistan-iran-course"],
}


@contextlib.contextmanager
def course_venv(
    requirements: Path, project: Path, install: str | None = "editable"
) -> Iterator[Path]:
    """A venv with ``requirements``' pins, held for the block (tests take turns on it).

    Made once per set of pins by ``pip install -r requirements`` run in
    ``project``, as a student's step 2 does. Then ``project``'s helpers are
    installed again as ``install`` says (an INSTALLS key; None leaves them as
    they are), so each test sees its own bundle's helpers, installed its way.
    """
    pins = sorted(line for line in requirements.read_text().splitlines() if "==" in line)
    venv = VENVS / _key("\n".join(pins), sys.version)
    python = str(venv / "bin" / "python")
    with _locked(VENVS / f"{venv.name}.lock"):
        fresh = not (venv / ".complete").exists()
        if fresh:
            shutil.rmtree(venv, ignore_errors=True)
            _run([sys.executable, "-m", "venv", str(venv)]).check_returncode()
            done = _run(
                [python, "-m", "pip", "install", "-q", "-r", str(requirements)], cwd=project
            )
            if done.returncode == 0:  # to install helpers again quickly (no build isolation)
                done = _run([python, "-m", "pip", "install", "-q", "setuptools>=68"])
            if done.returncode:
                shutil.rmtree(venv, ignore_errors=True)
                _registry_failure(f"pip install -r {requirements.name}", done)
            (venv / ".complete").touch()
        if install is not None and not (fresh and install == "editable"):
            command = [python, "-m", "pip", "-q", *INSTALLS[install]]
            if install != "not installed":
                command.append(str(project))
            done = _run(command, cwd=project)
            assert done.returncode == 0, done.stdout + done.stderr
        yield venv


def _installed(venv: Path) -> dict[str, str]:
    done = _run([str(venv / "bin" / "python"), "-m", "pip", "freeze", "--exclude-editable"])
    assert done.returncode == 0, done.stderr
    return _pins(done.stdout.splitlines())


def run_notebooks(
    venv: Path, project: Path, paths: list[Path], python_path: str = ""
) -> list[dict]:
    """Execute ``paths`` with ``venv``'s Python, from outside the repository, offline
    (``python_path``: where else the kernel may import from)."""
    env = {
        "JUPYTER_DATA_DIR": str(project / ".jupyter-data"),
        "JUPYTER_PATH": "",
        "COURSE_TEST_OFFLINE_DIR": str(execute.OFFLINE_DIR),
        "PYTHONPATH": python_path,
    }
    done = _run(
        [str(venv / "bin" / "python"), "-c", RUNNER, *map(str, paths)], cwd=project, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _unpack(zip_path: Path) -> tuple[Path, bytes]:
    """The zip unpacked into a new temporary folder outside the repository; its bundle folder."""
    raw = zip_path.read_bytes()
    where = Path(tempfile.mkdtemp(prefix="course-edition-"))
    assert not where.resolve().is_relative_to(REPO.resolve())
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        archive.extractall(where)
    (bundle,) = where.iterdir()
    return bundle, raw


def _passed(key: str) -> Path:
    return RUNS / key


def _record(key: str, prefix: str) -> None:
    RUNS.mkdir(parents=True, exist_ok=True)
    for old in RUNS.glob(f"{prefix}-*"):
        old.unlink(missing_ok=True)
    _passed(key).touch()


def _check_runs(
    results: list[dict], bundle: Path, venv: Path, names: list[str], helpers_in: Path | None = None
) -> None:
    """Every notebook ran, in ``venv``'s Python, with the helpers from ``helpers_in``
    (default: ``bundle``) and the data from ``bundle``."""
    assert [r["name"] for r in results] == names
    failed = {r["name"]: r["error"] for r in results if r["error"]}
    assert failed == {}
    for r in results:
        helpers = Path(r["helpers"]).resolve()
        assert helpers.is_relative_to((helpers_in or bundle).resolve()), f"other helpers: {helpers}"
        assert Path(r["data"]).resolve() == (bundle / "data").resolve(), "other data"
        assert Path(r["prefix"]).resolve() == venv.resolve(), "the kernel ran in another Python"


@pytest.mark.notebook
@pytest.mark.parametrize(
    ("edition", "install"),
    [
        ("student", "editable"),
        ("student", "site-packages"),
        ("student", "not installed"),
        ("instructor", "editable"),
    ],
)
def test_an_edition_runs_from_a_fresh_venv_outside_the_repository(edition, install):
    from test_build import real_course

    out, results = real_course()
    assert not [r.error for r in results if r.status == "failed"]
    bundle, raw = _unpack(out / editions.zip_name(edition))
    try:
        names = sorted(p.name for p in (bundle / "notebooks").glob("*.ipynb"))
        assert names == [f"{r.name}.ipynb" for r in results]
        if edition == "instructor" and not IN_CI:
            names = names[:1]  # the student edition runs them all; CI runs both in full
        elif install != "editable":
            # how the helpers and data are found is the same for every notebook: the first
            # and the last show it; the README's way (editable) runs them all
            names = [names[0], names[-1]]
        key = f"{edition}-{install.replace(' ', '-')}-{_key(raw, RUNNER, *names)}"
        if _passed(key).exists():
            return
        with course_venv(bundle / "requirements.txt", bundle, install) as venv:
            pinned = _pins((bundle / "requirements.txt").read_text().splitlines())
            installed = _installed(venv)
            installed.pop("pakistan-iran-course", None)  # the bundle itself, in site-packages
            extra = set(installed) - set(pinned) - {"setuptools", "wheel", "pip"}
            assert extra == set(), "installed without a pin"
            assert installed.items() >= pinned.items()
            paths = [bundle / "notebooks" / name for name in names]
            if install == "not installed":  # the helpers come from the unpacked folder
                ran = run_notebooks(venv, bundle, paths, python_path=str(bundle))
            else:
                ran = run_notebooks(venv, bundle, paths)
            # pip install . copies the helpers into the venv; data/ stays in the folder
            _check_runs(ran, bundle, venv, names, venv if install == "site-packages" else bundle)
        _record(key, f"{edition}-{install.replace(' ', '-')}")
    finally:
        shutil.rmtree(bundle.parent, ignore_errors=True)


@pytest.mark.notebook
def test_a_bundle_without_data_stops_at_the_first_code_cell_saying_how_to_fix_it():
    from test_build import real_course

    out, _ = real_course()
    bundle, raw = _unpack(out / editions.zip_name("student"))
    key = f"no-data-{_key(raw, RUNNER)}"
    try:
        if _passed(key).exists():
            return
        shutil.rmtree(bundle / "data")
        first = sorted((bundle / "notebooks").glob("*.ipynb"))[0]
        nb = json.loads(first.read_text())
        first_code = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")
        with course_venv(bundle / "requirements.txt", bundle) as venv:
            (result,) = run_notebooks(venv, bundle, [first])
        assert (
            f"cell {first_code}: DataError: the course's data folder is missing"
            in (result["error"])
        )
        assert "Unpack the whole zip" in result["error"]
        assert "COURSE_DATA_DIR" in result["error"]
        _record(key, "no-data")
    finally:
        shutil.rmtree(bundle.parent, ignore_errors=True)


# ------------------------------------------------------------- Binder and JupyterHub


# What an image built from the repository runs on (a change elsewhere needs no new run).
BINDER_INPUTS = (
    "binder/",
    "helpers/",
    "data/",
    "seeds/",
    "notebooks/",
    "pyproject.toml",
    "package.json",
    "package-lock.json",
)


def _tracked_copy() -> tuple[Path, str]:
    """The repository's files (as a clone would hold them) in a temporary folder, and a hash
    of those an image build uses."""
    listed = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO)
    assert listed.returncode == 0, listed.stderr
    where = Path(tempfile.mkdtemp(prefix="course-binder-")) / "course"
    digest = hashlib.sha256()
    for rel in sorted(filter(None, listed.stdout.split("\0"))):
        source = REPO / rel
        if not source.is_file():
            continue  # deleted in the work tree
        target = where / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        if rel.startswith(BINDER_INPUTS):
            digest.update(rel.encode() + b"\0" + source.read_bytes())
    return where, digest.hexdigest()[:16]


def _tool(spec: str, command: str) -> Path:
    """``command`` from a venv of its own that holds ``spec`` (never the course's venv)."""
    venv = TOOLS / _key(spec, sys.version)
    with _locked(TOOLS / f"{venv.name}.lock"):
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            _run([sys.executable, "-m", "venv", str(venv)]).check_returncode()
            done = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", spec])
            if done.returncode:
                shutil.rmtree(venv, ignore_errors=True)
                _registry_failure(f"pip install {spec}", done)
            (venv / ".complete").touch()
    return venv / "bin" / command


@pytest.mark.notebook
def test_repo2docker_accepts_the_repository_and_installs_the_pins_then_runs_post_build():
    repo2docker = _tool(REPO2DOCKER, "jupyter-repo2docker")
    done = _run(
        [
            str(repo2docker),
            "--no-build",
            "--debug",
            "--user-id",
            "1000",
            "--user-name",
            "jovyan",
            str(REPO),
        ],
        cwd=tempfile.gettempdir(),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    dockerfile = done.stdout + done.stderr
    assert "Building conda environment for python=3.11" in dockerfile
    lines = [line.strip() for line in dockerfile.splitlines()]
    pins = lines.index(
        'RUN ${KERNEL_PYTHON_PREFIX}/bin/pip install --no-cache-dir -r "binder/requirements.txt"'
    )
    copy = lines.index("COPY --chown=1000:1000 src/ ${REPO_DIR}/")
    post_build = lines.index("RUN ./binder/postBuild")
    assert pins < copy < post_build


@pytest.mark.notebook
def test_the_binder_steps_install_the_course_and_run_a_notebook_in_a_fresh_venv():
    copy, tree = _tracked_copy()
    try:
        key = f"binder-{_key(tree, RUNNER)}"
        if _passed(key).exists():
            return
        with course_venv(copy / "binder" / "requirements.txt", copy, install=None) as venv:
            env = {"PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
            done = _run(["bash", str(copy / "binder" / "postBuild")], cwd=copy, env=env)
            if done.returncode and ("npm" in done.stderr and "ERR" in done.stderr):
                _registry_failure("binder/postBuild (npm ci)", done)
            assert done.returncode == 0, done.stdout + done.stderr
            if shutil.which("npm"):
                assert (copy / "node_modules" / "reveal.js" / "dist" / "reveal.js").is_file()
            first = sorted((copy / "notebooks").glob("*.ipynb"))[0]
            _check_runs(run_notebooks(venv, copy, [first]), copy, venv, [first.name])
        _record(key, "binder")
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)

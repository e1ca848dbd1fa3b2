"""The take-away editions: a zip a student or teacher unpacks anywhere and runs.

Each edition (student, instructor) holds the notebooks with the ``helpers``
package (without its publishing pipeline, ``helpers/publish/``, and its
editorial checks, ``helpers/checks/``, which no notebook imports), ``data/``,
``seeds/``, the licences, a ``pyproject.toml`` and a ``requirements.txt``
that pins, from ``requirements.lock``, only what the notebooks need at run
time and ends with ``-e .``: installing it installs ``helpers`` in place, so
``helpers.data.REPO_DIR`` is the unpacked folder and the notebooks find
``data/`` with no ``sys.path`` edits. The README gives three steps for Linux,
macOS and Windows, the course version and the date the facts run to.

>>> runtime_requirements()[-1]
'-e .'
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from importlib import metadata
from pathlib import Path

from helpers.data import REPO_DIR

# What the notebooks import or run in (pyproject.toml's dependencies are among
# their dependencies); tests, linters and the browser checks are left out.
RUNTIME_ROOTS = ("jupyterlab", "ipykernel", "pandas", "matplotlib", "ipywidgets", "jupyterlab-rise")
# Folders and files of the course a bundle carries as they are.
BUNDLED = ("helpers", "data", "seeds", "LICENSE", "LICENSE-CONTENT.md", "CITATION.cff")
SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints"}
# The pipeline (this package): for maintainers, never imported by a notebook.
LEFT_OUT = ("helpers/publish", "helpers/checks")
TITLES = {"student": "Student edition", "instructor": "Instructor edition"}
BLURBS = {
    "student": "Exercise solutions removed and no outputs: run every cell yourself.",
    "instructor": "Complete: solutions, speaker notes and the outputs of a full run.",
}


def _name(text: str) -> str:
    """A distribution name in canonical form (``Jinja2`` -> ``jinja2``)."""
    return re.sub(r"[-_.]+", "-", text).lower()


def locked_versions(lock: Path) -> dict[str, tuple[str, str]]:
    """``{canonical name: (name as pinned, version)}`` for every ``name==version`` in ``lock``."""
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = (part.strip() for part in line.split("==", 1))
            pins[_name(name)] = (name, version)
    return pins


@functools.cache  # installed packages do not change while a build runs
def _dependencies(name: str, extras: frozenset[str]) -> list[tuple[str, frozenset[str]]]:
    """What ``name`` (with ``extras``) requires on this machine, each with the extras it asks for.

    Requirements of other platforms, and of extras nobody asked for, are left out.
    """
    from packaging.requirements import Requirement

    found = []
    for text in metadata.distribution(name).requires or []:
        requirement = Requirement(text)
        marker = requirement.marker
        if marker is None or any(marker.evaluate({"extra": e}) for e in {"", *extras}):
            found.append((_name(requirement.name), frozenset(requirement.extras)))
    return found


def runtime_requirements(lock: Path | None = None) -> list[str]:
    """The pinned lines of a bundle's ``requirements.txt``, then ``-e .``.

    Starting from RUNTIME_ROOTS, it follows each installed package's
    dependencies (with the extras they ask for, as ``jsonschema[format-nongpl]``)
    and keeps those ``lock`` (default: the course's ``requirements.lock``)
    pins, at the pinned version. A root that is not pinned raises ValueError:
    the bundle would install an untested version.
    """
    pins = locked_versions(lock or REPO_DIR / "requirements.lock")
    missing = [root for root in RUNTIME_ROOTS if _name(root) not in pins]
    if missing:
        raise ValueError(f"requirements.lock pins no {', '.join(missing)}; run `make lock`")
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [(_name(root), frozenset[str]()) for root in RUNTIME_ROOTS]
    while todo:
        item = todo.pop()
        if item in seen or item[0] not in pins:
            continue  # a package for another platform, or one the lock does not hold
        seen.add(item)
        todo.extend(_dependencies(*item))
    needed = sorted({name for name, _ in seen})
    return [*(f"{pins[name][0]}=={pins[name][1]}" for name in needed), "-e ."]


@functools.cache
def _requires_python(name: str) -> str:
    return metadata.metadata(name).get("Requires-Python") or ""


def minimum_python(requirements: list[str]) -> str:
    """The oldest Python 3 release every pinned package accepts (``"3.11"``, ``"3.11.5"``)."""
    from packaging.specifiers import SpecifierSet

    wanted = SpecifierSet()
    for line in requirements:
        if "==" in line:
            name = line.split("==")[0]
            wanted &= SpecifierSet(_requires_python(name))
    for minor in range(8, 30):
        for patch in range(30):
            if f"3.{minor}.{patch}" in wanted:
                return f"3.{minor}" + (f".{patch}" if patch else "")
    raise ValueError(f"no Python 3 release satisfies {wanted}")


def course_version(repo: Path = REPO_DIR) -> str:
    """The course version, from ``pyproject.toml``'s ``[project]`` table."""
    text = (repo / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r'^version\s*=\s*"([^"]+)"', text, re.M)
    if not found:
        raise ValueError(f'{repo / "pyproject.toml"}: no version = "..." line')
    return found.group(1)


def facts_date() -> str:
    """The date the course's facts run to, as the course prints dates (``"3 Jun 2025"``)."""
    from helpers import data

    return data.format_date(data.facts_run_to())


README = """\
# Pakistan, Iran and "intelligence sharing" (July 2023): {title}

Course version **{version}**. The course's facts run to **{facts}**: anything later is not
in it.

{blurb} The notebooks, the small `helpers` package they import, the data
they read (`data/`) and the article they study (`seeds/`) are all in this folder.

## Run it in three steps

You need Python {python} or newer and, once, an internet connection to install the
packages. Open a terminal in this folder (the one holding this README), then:

**Linux and macOS**

```
python3 -m venv .venv
.venv/bin/pip install -r requirements.txt
.venv/bin/jupyter lab notebooks/{first}
```

**Windows** (Command Prompt or PowerShell)

```
python -m venv .venv
.venv\\Scripts\\pip install -r requirements.txt
.venv\\Scripts\\jupyter lab notebooks\\{first}
```

1. `python -m venv .venv` makes a private Python environment in `.venv/`.
2. `pip install -r requirements.txt` installs the exact versions the course was tested with,
   and the course's `helpers` package from this folder (`-e .`).
3. `jupyter lab` opens JupyterLab in your browser at the first notebook. Next time, only
   step 3 is needed. The notebooks need no network once installed.

## If a notebook stops at its first cell

Keep the folders together: `notebooks/`, `helpers/`, `data/` and `seeds/` must stay side by
side, as they are in the zip. A first cell that says the course's data folder is missing
means `data/` was not unpacked: unpack the whole zip again, or set the environment variable
`COURSE_DATA_DIR` to the folder that holds the CSV files. `ModuleNotFoundError: No module
named 'helpers'` means JupyterLab was started from another environment: start it with step 3.

## Licences

Code: MIT (`LICENSE`). Text and data: CC BY 4.0 (`LICENSE-CONTENT.md`). How to cite the
course: `CITATION.cff`.
"""


def _tree(repo: Path, name: str) -> dict[str, bytes]:
    """Every file of ``repo/name`` (a file or a folder) by path, without caches or hidden files."""
    root = repo / name
    files = sorted(root.rglob("*")) if root.is_dir() else [root]
    return {
        path.relative_to(repo).as_posix(): path.read_bytes()
        for path in files
        if path.is_file()
        and not SKIPPED_PARTS & set(path.parts)
        and not path.relative_to(repo).as_posix().startswith(tuple(f"{o}/" for o in LEFT_OUT))
        and not path.name.startswith(".")
        and path.suffix != ".pyc"
    }


def readme(edition: str, first: str, requirements: list[str], repo: Path = REPO_DIR) -> str:
    """The bundle's README.md: what it is, the course version, the facts' date, three steps."""
    return README.format(
        title=TITLES[edition],
        blurb=BLURBS[edition],
        version=course_version(repo),
        facts=facts_date(),
        python=minimum_python(requirements),
        first=first,
    )


def edition_files(
    edition: str, notebooks: dict[str, bytes], repo: Path = REPO_DIR
) -> dict[str, bytes]:
    """Every file of one edition's zip, by its path in the zip (``course-<edition>/...``).

    ``notebooks`` maps a notebook's file name (``00-start-here.ipynb``) to its
    bytes as the edition holds it (executed, or with solutions removed).
    """
    if edition not in TITLES:
        raise ValueError(f"no edition {edition!r} (known: {', '.join(TITLES)})")
    if not notebooks:
        raise ValueError(f"the {edition} edition has no notebooks")
    requirements = runtime_requirements(repo / "requirements.lock")
    files = {f"notebooks/{name}": data for name, data in notebooks.items()}
    for name in BUNDLED:
        files.update(_tree(repo, name))
    files["pyproject.toml"] = (repo / "pyproject.toml").read_bytes()
    files["requirements.txt"] = (
        "# The exact versions the course was tested with; `-e .` installs its helpers from here.\n"
        + "\n".join(requirements)
        + "\n"
    ).encode()
    files["README.md"] = readme(edition, min(notebooks), requirements, repo).encode()
    return {f"course-{edition}/{path}": data for path, data in sorted(files.items())}


BINDER_HEADER = """\
# What the notebooks need at run time, at the versions in requirements.lock (generated:
# python -m helpers.publish.editions binder). binder/postBuild installs the course's helpers.
"""


def binder_requirements(lock: Path | None = None) -> str:
    """The text of ``binder/requirements.txt``: the bundle's pins, without ``-e .``.

    repo2docker installs it before copying the course in; ``binder/postBuild``
    then installs ``helpers`` in place (``pip install -e .``).
    """
    return BINDER_HEADER + "\n".join(runtime_requirements(lock)[:-1]) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.publish.editions binder``: rewrite ``binder/requirements.txt``
    from the lock."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args != ["binder"]:
        print("usage: python -m helpers.publish.editions binder", file=sys.stderr)
        return 2
    target = REPO_DIR / "binder" / "requirements.txt"
    target.write_text(binder_requirements(), encoding="utf-8")
    print(f"wrote {target.relative_to(REPO_DIR).as_posix()}")
    return 0


ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold: fixed, so zips repeat


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip of ``files`` (name -> content) that is the same bytes every time.

    Entries are sorted and carry a fixed date and permissions, so the zip
    depends only on the names and contents.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever machine builds it
            archive.writestr(info, files[name])
    return buffer.getvalue()


def zip_name(edition: str) -> str:
    """Where the zip of one edition (student or instructor) goes, under ``build/``."""
    return f"notebooks/course-notebooks-{edition}.zip"


def edition_zips(staging: Path, repo: Path = REPO_DIR) -> dict[str, bytes]:
    """The zip of each edition whose notebooks are in ``staging/notebooks/<edition>/``."""
    zips = {}
    for edition in TITLES:
        folder = staging / "notebooks" / edition
        held = {p.name: p.read_bytes() for p in sorted(folder.glob("*.ipynb"))}
        if held:
            zips[zip_name(edition)] = zip_bytes(edition_files(edition, held, repo))
    return zips


if __name__ == "__main__":
    raise SystemExit(main())

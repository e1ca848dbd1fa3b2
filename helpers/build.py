"""Build the course into ``build/``: ``python -m helpers.build [-j N]`` (or ``make course``).

Each notebook is executed once, in its own kernel, in parallel, with the
network blocked; every export reuses that execution. Results are cached by a
hash of everything that can change them, so a rebuild with no change only
copies files. The build is written to a temporary folder and swapped in at
the end: a failed or interrupted build never destroys the last good one, and
a notebook that fails keeps its previous pages (marked stale on the home
page) while the others are rebuilt. Source notebooks are only read.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import hashlib
import html
import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from helpers import notebooks
from helpers.data import REPO_DIR, display_path

BUILD_DIR = REPO_DIR / "build"
CACHE_DIR = REPO_DIR / ".cache" / "build"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
# Bump when the build's own output format changes, to invalidate the cache.
BUILD_FORMAT = "1"
# Inputs that can change a notebook's outputs besides the notebook itself.
SHARED_INPUTS = ("helpers", "data", "seeds", "requirements.lock")
STUDENT_PROMPT = "# Your answer here: the solution is in the instructor edition.\n"


@dataclass
class Result:
    """How one notebook fared in a build."""

    name: str
    status: str  # "built", "cached" or "failed"
    seconds: float
    title: str = ""
    minutes: int | None = None
    objectives: tuple[str, ...] = ()
    error: str = ""


def input_hash(notebook: Path, repo: Path = REPO_DIR) -> str:
    """A hash of the notebook and every shared input: equal hashes, equal outputs."""
    digest = hashlib.sha256(BUILD_FORMAT.encode())
    digest.update(notebook.read_bytes())
    for name in SHARED_INPUTS:
        path = repo / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(file.relative_to(repo).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:20]


def student_copy(nb: Any) -> Any:
    """A copy for students: solution cells replaced by a prompt, outputs cleared."""
    import copy

    student = notebooks.strip_outputs(copy.deepcopy(nb))
    for cell in student.cells:
        if "solution" in cell.metadata.get("tags", []):
            if cell.cell_type == "code":
                cell.source = STUDENT_PROMPT
            else:
                cell.source = "*Write your answer here; the solution is in the instructor edition.*"
            cell.metadata.get("jupyter", {}).pop("source_hidden", None)
    return student


def export_html(nb: Any) -> str:
    """The executed notebook as a self-contained HTML page (no network needed)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="course_html",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(_tag_remover(), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    return body


def _tag_remover() -> Any:
    from nbconvert.preprocessors import TagRemovePreprocessor

    return TagRemovePreprocessor(
        remove_cell_tags={"remove-cell", "instructor-note"},
        remove_input_tags={"hide-input"},
        remove_all_outputs_tags={"remove-output"},
    )


def build_one(notebook: Path, timeout: int = 60) -> tuple[Result, dict[str, bytes]]:
    """Execute one notebook and produce its files (paths relative to ``build/``)."""
    import nbformat

    name = notebook.stem
    nb = notebooks.read(notebook)
    info = notebooks.outline(nb, name)
    result = Result(name, "built", 0.0, info.title, info.minutes, tuple(info.objectives))
    try:
        executed, seconds = notebooks.execute(
            nb, display_path(notebook), timeout=timeout, cwd=notebook.parent
        )
    except notebooks.NotebookFailed as err:
        result.status, result.error = "failed", str(err)
        return result, {}
    result.seconds = round(seconds, 2)
    files = {
        f"html/{name}.html": export_html(executed).encode("utf-8"),
        f"notebooks/instructor/{name}.ipynb": nbformat.writes(executed).encode("utf-8"),
        f"notebooks/student/{name}.ipynb": nbformat.writes(student_copy(executed)).encode("utf-8"),
    }
    return result, files


def _cache_get(key: str, name: str) -> tuple[Result, dict[str, bytes]] | None:
    folder = CACHE_DIR / f"{name}-{key}"
    meta = folder / "result.json"
    if not meta.is_file():
        return None
    result = Result(**json.loads(meta.read_text()))
    result.objectives = tuple(result.objectives)
    result.status = "cached"
    files = {
        p.relative_to(folder / "files").as_posix(): p.read_bytes()
        for p in sorted((folder / "files").rglob("*"))
        if p.is_file()
    }
    return result, files


def _cache_put(key: str, result: Result, files: dict[str, bytes]) -> None:
    folder = CACHE_DIR / f"{result.name}-{key}"
    for old in CACHE_DIR.glob(f"{result.name}-*"):
        shutil.rmtree(old, ignore_errors=True)
    for rel, data in files.items():
        target = folder / "files" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (folder / "result.json").write_text(json.dumps(asdict(result), indent=1))


def _previous_files(name: str, out_dir: Path) -> dict[str, bytes]:
    """The last good build's files for a notebook, kept when its new build fails."""
    if not out_dir.is_dir():
        return {}
    return {
        p.relative_to(out_dir).as_posix(): p.read_bytes()
        for p in sorted(out_dir.rglob(f"{name}.*"))
        if p.is_file()
    }


def index_page(results: list[Result]) -> str:
    """The course home page: every notebook, its objectives and minutes, and its files."""
    rows = []
    for r in results:
        objectives = "".join(f"<li>{html.escape(o)}</li>" for o in r.objectives)
        minutes = f"{r.minutes} minutes" if r.minutes else "time not stated"
        stale = (
            '<p class="stale"><strong>This notebook failed to build; the files are from '
            "the last good build.</strong></p>"
            if r.status == "failed"
            else ""
        )
        rows.append(
            f"""<section class="notebook">
<h2>{html.escape(r.title)}</h2>
<p class="meta">{minutes} · <code>{r.name}.ipynb</code></p>{stale}
<ul>{objectives}</ul>
<p class="links"><a href="html/{r.name}.html">Read the page</a> ·
<a href="notebooks/student/{r.name}.ipynb" download>Student notebook</a> ·
<a href="notebooks/instructor/{r.name}.ipynb" download>Instructor notebook</a></p>
</section>"""
        )
    total = sum(r.minutes or 0 for r in results)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pakistan, Iran and "intelligence sharing" (July 2023): the course</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em;
       line-height: 1.5; color: #111; }}
.notebook {{ border-top: 1px solid #ccc; padding: 0.5em 0; }}
.meta {{ color: #444; }} .stale {{ color: #D55E00; }}
a {{ color: #0072B2; }}
</style></head>
<body>
<h1>Pakistan, Iran and "intelligence sharing" (July 2023)</h1>
<p>A course in {len(results)} notebooks (about {total} minutes) on the July 2023 visit of
Pakistan's army chief to Tehran: its context, its actors and the regional dynamics.
Each notebook has a page to read, a student notebook (exercises open) and an
instructor notebook (solutions and outputs included).</p>
{"".join(rows)}
</body></html>
"""


def _replace_dir(new: Path, target: Path) -> None:
    """Swap ``new`` in for ``target``; the old folder is removed only after the swap."""
    old = target.with_name(f".build-old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def build(
    notebook_dir: Path = notebooks.NOTEBOOK_DIR,
    out_dir: Path = BUILD_DIR,
    jobs: int | None = None,
    use_cache: bool = True,
    timeout: int = 60,
    log: Any = print,
) -> list[Result]:
    """Build every notebook in ``notebook_dir`` into ``out_dir``; return one Result each."""
    paths = notebooks.discover(notebook_dir)
    if not paths:
        raise SystemExit(f"no notebooks (NN-name.ipynb) in {display_path(notebook_dir)}")
    keys = {p.stem: input_hash(p) for p in paths}
    outcomes: dict[str, tuple[Result, dict[str, bytes]]] = {}
    todo = []
    for path in paths:
        cached = _cache_get(keys[path.stem], path.stem) if use_cache else None
        if cached:
            outcomes[path.stem] = cached
            log(f"  cached  {path.stem}")
        else:
            todo.append(path)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    if todo:
        log(f"executing {len(todo)} notebook(s) with {workers} worker(s)")
        with cf.ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(build_one, p, timeout): p for p in todo}
            for future in cf.as_completed(futures):
                result, files = future.result()
                outcomes[result.name] = (result, files)
                if result.status == "failed":
                    log(f"  FAILED  {result.name}: {result.error}")
                    outcomes[result.name] = (result, _previous_files(result.name, out_dir))
                else:
                    log(f"  built   {result.name} ({result.seconds:.1f} s)")
                    if use_cache:
                        _cache_put(keys[result.name], result, files)
    results = [outcomes[p.stem][0] for p in paths]
    staging = out_dir.with_name(f".build-tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for path in paths:
            for rel, data in outcomes[path.stem][1].items():
                target = staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        (staging / "index.html").write_text(index_page(results), encoding="utf-8")
        _replace_dir(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return results


def summary(results: list[Result]) -> str:
    """A table of notebook, status and seconds, for the end of the build."""
    width = max(len(r.name) for r in results)
    lines = [f"{'notebook'.ljust(width)}  status  seconds"]
    for r in results:
        lines.append(f"{r.name.ljust(width)}  {r.status.ljust(6)}  {r.seconds:7.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: build the course; exit 1 if any notebook failed."""
    parser = argparse.ArgumentParser(prog="python -m helpers.build", description=__doc__)
    parser.add_argument(
        "-j", "--jobs", type=int, default=None, help="parallel kernels (default: cores)"
    )
    parser.add_argument("--no-cache", action="store_true", help="execute every notebook again")
    parser.add_argument("--timeout", type=int, default=60, help="seconds allowed per cell")
    parser.add_argument("--notebooks", type=Path, default=notebooks.NOTEBOOK_DIR)
    parser.add_argument("--out", type=Path, default=BUILD_DIR)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = build(args.notebooks, args.out, args.jobs, not args.no_cache, args.timeout)
    print(summary(results))
    failed = [r for r in results if r.status == "failed"]
    print(
        f"{len(results) - len(failed)} built, {len(failed)} failed in "
        f"{time.perf_counter() - started:.1f} s -> {display_path(args.out)}/index.html"
    )
    for r in failed:
        print(f"error: {r.error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

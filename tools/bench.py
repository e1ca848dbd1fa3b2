"""Time the course build against the naive nbconvert loop: ``make bench``.

In one run, on a snapshot of notebooks/ in a temporary folder (the course's
own build/ and .cache/ are not touched):

(a) a clean build: ``python -m helpers.publish`` with an empty cache;
(b) a no-change rebuild: the same command again;
(c) a rebuild after one notebook changed (only that one runs again);
(d) the naive equivalent: ``jupyter nbconvert --execute --to html`` and then
    ``--to slides`` for each notebook, one after the other.

It prints the times, the ratios and the machine, as a Markdown table ready for
docs/performance.md. Usage: ``python tools/bench.py [-j JOBS]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers import notebooks
from helpers.publish import execute


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run ``command`` quietly; return (wall seconds, exit code)."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-5:])
        print(f"  (exit {done.returncode}: {' '.join(command[-4:])})\n{tail}", file=sys.stderr)
    return seconds, done.returncode


def cpu_model() -> str:
    """The processor's name, from /proc/cpuinfo where there is one."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-j", "--jobs", type=int, default=None, help="parallel kernels")
    parser.add_argument("--notebooks", type=Path, default=notebooks.NOTEBOOK_DIR)
    args = parser.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="course-bench-"))
    try:
        snapshot = root / "notebooks"
        snapshot.mkdir()
        paths = notebooks.discover(args.notebooks)
        for path in paths:
            shutil.copy2(path, snapshot / path.name)
        print(f"{len(paths)} notebooks, snapshot in {root}", flush=True)

        build = [sys.executable, "-m", "helpers.publish", "--notebooks", str(snapshot)]
        build += ["--out", str(root / "build"), "--cache-dir", str(root / "cache")]
        if args.jobs:
            build += ["-j", str(args.jobs)]
        times: dict[str, float] = {}
        failures = 0

        print("(a) clean build ...", flush=True)
        times["clean"], code = run(build)
        failures += bool(code)
        print("(b) no-change rebuild ...", flush=True)
        times["nochange"], code = run(build)
        failures += bool(code)
        print("(c) rebuild after one notebook changed ...", flush=True)
        changed = sorted(snapshot.glob("*.ipynb"))[-1]
        changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        times["onechange"], code = run(build)
        failures += bool(code)

        print("(d) naive loop: nbconvert --execute --to html, then --to slides ...", flush=True)
        env = execute.kernel_env(offline=True)
        naive_out = root / "naive"
        started = time.perf_counter()
        for path in sorted(snapshot.glob("*.ipynb")):
            for to in ("html", "slides"):
                _, code = run(
                    [sys.executable, "-m", "jupyter", "nbconvert", "--execute", "--to", to]
                    + ["--output-dir", str(naive_out), str(path)],
                    env=env,
                )
                failures += bool(code)
        times["naive"] = time.perf_counter() - started
    finally:
        shutil.rmtree(root, ignore_errors=True)

    rows = [
        ("(a) clean build, empty cache", times["clean"]),
        ("(b) no-change rebuild", times["nochange"]),
        ("(c) rebuild after one notebook changed", times["onechange"]),
        ("(d) naive loop, serial: nbconvert --execute to html, then to slides", times["naive"]),
    ]
    jobs = args.jobs or os.cpu_count() or 1
    print()
    python = platform.python_version()
    print(f"Machine: {os.cpu_count()} cores (nproc), {cpu_model()}, Python {python},")
    print(f"{platform.system()} {platform.release()}; {len(paths)} notebooks; build -j {jobs}.")
    print()
    print("| what | seconds |")
    print("| --- | ---: |")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} |")
    print()
    print(f"- naive / clean build: {times['naive'] / times['clean']:.1f}x")
    print(f"- naive / no-change rebuild: {times['naive'] / times['nochange']:.0f}x")
    print(f"- naive / one-notebook rebuild: {times['naive'] / times['onechange']:.1f}x")
    if failures:
        print(f"\nwarning: {failures} command(s) failed; the times above include them")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

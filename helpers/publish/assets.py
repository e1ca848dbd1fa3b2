"""Stage 5, assets: the files pages and decks load, all shipped inside ``build/``.

The course's own script and style sheet (``templates/assets/``, which drive
the static quizzes and explorers) and reveal.js, installed by ``npm ci`` at
the version ``package-lock.json`` pins. Nothing is loaded from the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from helpers.data import REPO_DIR, display_path
from helpers.publish.common import files_under

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
REVEAL_DIR = REPO_DIR / "node_modules" / "reveal.js"
REVEAL_FILES = (
    "LICENSE",
    "package.json",
    "dist/reveal.js",
    "dist/reveal.css",
    "dist/theme/white.css",
    "dist/theme/fonts/source-sans-pro",
    "plugin/notes/notes.js",
)
REVEAL_PREFIX = "reveal.js"  # where the decks find reveal.js, relative to slides/


def course_assets() -> Iterator[tuple[str, Path]]:
    """The course's own script and style sheet for pages and decks (``assets/``)."""
    for file in files_under(TEMPLATE_DIR / "assets"):
        yield f"assets/{file.name}", file


def reveal_assets(reveal_dir: Path = REVEAL_DIR) -> Iterator[tuple[str, Path]]:
    """The reveal.js files a deck needs, as (path under ``build/``, source file)."""
    if not (reveal_dir / "dist" / "reveal.js").is_file():
        raise SystemExit(
            f"reveal.js is missing from {display_path(reveal_dir)}: run `npm ci` "
            "(make course and make test run it for you)"
        )
    for name in REVEAL_FILES:
        for file in files_under(reveal_dir / name):
            yield f"slides/{REVEAL_PREFIX}/{file.relative_to(reveal_dir).as_posix()}", file


def reveal_version(reveal_dir: Path = REVEAL_DIR) -> str:
    """The installed reveal.js version (from its package.json), or "" if it is missing."""
    try:
        return json.loads((reveal_dir / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return ""

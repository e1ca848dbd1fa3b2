"""Debian's headless Chromium, as the browser tests and the handouts use it.

Never a browser downloaded by Playwright: ``/usr/bin/chromium`` (Debian's package).
Nothing is imported until ``chromium()`` is called.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class NoBrowser(RuntimeError):
    """Chromium or Playwright is not installed."""


@contextmanager
def chromium(path: Path = CHROMIUM) -> Iterator[Any]:
    """A Playwright browser running the Chromium at ``path``; NoBrowser when it is missing."""
    if not path.exists():
        raise NoBrowser(f"no Chromium at {path}: `apt-get install chromium` to use it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise NoBrowser(f"Playwright is not installed ({error}): run `make setup`") from error
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()

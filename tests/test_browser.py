"""Exported decks and pages work in a real browser with the network off.

Headless Chromium (Debian's package, /usr/bin/chromium; never a downloaded
build) opens the files from disk. Every request that is not for a file is
aborted and recorded, and the tests assert there were none. Without Chromium
the tests are skipped, except in CI (CI=true), where they must run: .ci/run
installs it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_build import real_course, synthetic_course

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run should install Debian's chromium")
        pytest.skip(f"no Chromium at {CHROMIUM}: `apt-get install chromium` to run browser tests")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class OfflinePage:
    """A browser page that refuses, and records, every request not for a local file."""

    def __init__(self, browser):
        self.context = browser.new_context(
            offline=True, viewport={"width": 1280, "height": 800}, service_workers="block"
        )
        self.page = self.context.new_page()
        self.remote: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", self._seen)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._route)

    def _seen(self, request) -> None:
        if not request.url.startswith(("file:", "data:", "about:")):
            self.remote.append(request.url)

    def _route(self, route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.remote.append(route.request.url)
            route.abort()

    def open(self, path: Path):
        self.page.goto(path.resolve().as_uri(), wait_until="load")
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def offline(browser):
    page = OfflinePage(browser)
    yield page
    page.close()


def _deck_works(offline: OfflinePage, deck: Path) -> None:
    page = offline.open(deck)
    page.wait_for_function("typeof Reveal !== 'undefined' && Reveal.isReady()", timeout=10_000)
    assert page.evaluate("Reveal.getTotalSlides()") > 1
    first = page.evaluate("JSON.stringify(Reveal.getIndices())")
    page.locator(".reveal").click()  # focus the deck, as a presenter's click would
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"JSON.stringify(Reveal.getIndices()) !== {first!r}", timeout=5_000)
    moved = page.evaluate("Reveal.getIndices()")
    assert (moved["h"], moved.get("v", 0)) != (0, 0), "ArrowRight did not leave the first slide"
    page.evaluate("Reveal.next()")
    assert page.evaluate("JSON.stringify(Reveal.getIndices())") != first
    assert offline.errors == []
    assert offline.remote == []


def _images_have_alt(offline: OfflinePage, html: Path) -> int:
    page = offline.open(html)
    images = page.evaluate(
        """() => [...document.images].map(img => ({
            alt: img.getAttribute('alt') || '',
            loaded: img.complete && img.naturalWidth > 0,
        }))"""
    )
    assert all(image["alt"].strip() for image in images), images
    assert all(image["loaded"] for image in images), images
    assert offline.errors == []
    assert offline.remote == []
    return len(images)


def test_a_remote_request_is_caught_and_refused(offline, tmp_path):
    # the check itself works: a page that loads from the network is caught
    html = tmp_path / "remote.html"
    html.write_text(
        '<!DOCTYPE html><html><head><script src="https://example.invalid/x.js"></script>'
        '</head><body><img alt="x" src="http://example.invalid/a.png"></body></html>'
    )
    offline.open(html)
    assert sorted(set(offline.remote)) == [
        "http://example.invalid/a.png",
        "https://example.invalid/x.js",
    ]


def test_synthetic_deck_initialises_and_advances_offline(offline):
    _, out, _, _ = synthetic_course()
    _deck_works(offline, out / "slides/01-alpha.slides.html")


def test_synthetic_page_shows_its_figure_with_alt_text_offline(offline):
    _, out, _, _ = synthetic_course()
    assert _images_have_alt(offline, out / "html/01-alpha.html") == 1
    details = offline.page.locator("details.course-solution")
    assert details.count() == 1 and not details.first.evaluate("d => d.open")


def test_home_page_opens_offline(offline):
    _, out, _, _ = synthetic_course()
    page = offline.open(out / "index.html")
    assert page.locator("a[href$='.slides.html']").count() == 2
    assert offline.remote == []


def _real_built(kind: str) -> list[Path]:
    out, results = real_course()
    assert [r.name for r in results if r.status == "failed"] == []
    folder, suffix = {"deck": ("slides", ".slides.html"), "page": ("html", ".html")}[kind]
    return [out / folder / f"{r.name}{suffix}" for r in results if r.status != "failed"]


def test_every_course_deck_initialises_and_advances_offline(browser):
    decks = _real_built("deck")
    assert decks, "no deck of the course built"
    for deck in decks:
        offline = OfflinePage(browser)
        try:
            _deck_works(offline, deck)
        finally:
            offline.close()


def test_every_course_page_shows_images_with_alt_text_offline(browser):
    pages = _real_built("page")
    assert pages, "no page of the course built"
    images = 0
    for html in pages:
        offline = OfflinePage(browser)
        try:
            images += _images_have_alt(offline, html)
        finally:
            offline.close()
    assert images > 0, "the course's pages show no figure at all"


def _figures_cut_off(offline: OfflinePage, deck: Path) -> list[str]:
    """The figures of ``deck`` that run past the bottom of the screen when shown."""
    page = offline.open(deck)
    page.wait_for_function("typeof Reveal !== 'undefined' && Reveal.isReady()", timeout=10_000)
    count = page.evaluate("document.querySelectorAll('.reveal .slides img').length")
    cut = []
    for index in range(count):
        page.evaluate(
            f"""() => {{
                const img = document.querySelectorAll('.reveal .slides img')[{index}];
                const at = Reveal.getIndices(img.closest('section'));
                Reveal.slide(at.h, at.v);
            }}"""
        )
        bottom, screen, alt = page.evaluate(
            f"""() => {{
                const img = document.querySelectorAll('.reveal .slides img')[{index}];
                return [img.getBoundingClientRect().bottom, window.innerHeight,
                        (img.alt || '').slice(0, 60)];
            }}"""
        )
        if bottom > screen + 1:
            cut.append(f"{deck.name}: figure {index} ({alt}…) ends at {bottom:.0f} px of {screen}")
    return cut


def test_every_course_figure_fits_on_its_slide(browser):
    # on a projector nobody scrolls: a figure shows whole, with the sentence that introduces it
    cut = []
    for deck in _real_built("deck"):
        offline = OfflinePage(browser)
        try:
            cut += _figures_cut_off(offline, deck)
        finally:
            offline.close()
    assert cut == []

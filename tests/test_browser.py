"""Exported decks and pages work in a real browser with the network off.

Headless Chromium (Debian's package, /usr/bin/chromium; never a downloaded
build) opens the files from disk. Every request that is not for a file is
aborted and recorded, and the tests assert there were none. Without Chromium
the tests are skipped, except in CI (CI=true), where they must run: .ci/run
installs it.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from test_build import real_course, synthetic_course

from helpers.publish.browser import CHROMIUM, CHROMIUM_ARGS

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


ANSWER_EVERY_QUESTION = """() => [...document.querySelectorAll('[data-course-quiz]')].map(quiz => {
    const bank = JSON.parse(quiz.querySelector('script.course-quiz-data').textContent);
    const score = quiz.querySelector('.course-quiz-score');
    return [...quiz.querySelectorAll('.course-quiz-question')].map((question, q) => {
        const radios = question.querySelectorAll('input[type=radio]');
        const feedback = question.querySelector('.course-quiz-feedback');
        const button = question.querySelector('.course-quiz-check');
        const right = bank.right[q].indexOf(true), wrong = bank.right[q].indexOf(false);
        radios[wrong].checked = true; button.click();
        const afterWrong = feedback.textContent;
        radios[right].checked = true; button.click();
        return {wrong: afterWrong, right: feedback.textContent, score: score.textContent,
                links: [...feedback.querySelectorAll('a')].map(a => a.getAttribute('href'))};
    });
})"""

CHANGE_EVERY_CONTROL = """() => [...document.querySelectorAll('[data-course-explorer]')].map(ex => {
    const output = ex.querySelector('.course-explorer-output');
    return [...ex.querySelectorAll('select[data-control]')].map(select => {
        const start = output.innerHTML, first = select.value;
        for (const option of select.options) {
            select.value = option.value;
            select.dispatchEvent(new Event('change'));
            if (output.innerHTML !== start) { return true; }
        }
        select.value = first;
        return false;
    });
})"""

SHOW_EVERY_SLIDE = """() => document.querySelectorAll('.reveal .slides section').forEach(s => {
    s.hidden = false; s.removeAttribute('aria-hidden'); s.style.display = 'block';
})"""

FIGURES = ".course-slide-figure svg, .course-explorer-output svg[role=img]"

# Every <text> of every figure under `root` that overlaps another text of its figure, or
# runs past the figure's edge (where the SVG clips it), each as a sentence. A text's box
# is the browser's (getBoundingClientRect), less the empty band a font keeps above its
# tallest letters (DejaVu Sans: ascent 0.93 em, letters at most 0.77 em), so two lines of
# a label or legend set 1.2 em apart do not count; boxes that share at most 2 px of
# width or height touch and do not count either.
FIGURE_TEXT_CLASHES = """(root, figures) => {
    const touch = 2, headroom = 0.16, found = [];
    const inkBox = t => {
        const b = t.getBoundingClientRect(), m = t.getScreenCTM();
        const k = Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
        const em = parseFloat(getComputedStyle(t).fontSize) * k;
        const box = {left: b.left, right: b.right, top: b.top, bottom: b.bottom};
        // the band is above the letters: on top, or on the left of a label turned -90 degrees
        if (Math.abs(m.b) < 1e-6) box.top += headroom * em;
        else if (Math.abs(m.a) < 1e-6 && m.b < 0) box.left += headroom * em;
        else if (Math.abs(m.a) < 1e-6) box.right -= headroom * em;
        return box;
    };
    let texts = 0;
    for (const svg of root.querySelectorAll(figures)) {
        const frame = svg.getBoundingClientRect();
        if (frame.width === 0 || frame.height === 0) continue;
        const figure = (svg.getAttribute('aria-label') || '').slice(0, 40);
        const shown = [...svg.querySelectorAll('text')]
            .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
            .map(t => ({text: t.textContent.trim().slice(0, 40), box: inkBox(t)}));
        texts += shown.length;
        for (const {text, box} of shown) {
            const out = Math.max(frame.left - box.left, box.right - frame.right,
                                 frame.top - box.top, box.bottom - frame.bottom);
            if (out > touch) found.push(`${figure}…: '${text}' cut off by ${Math.round(out)} px`);
        }
        shown.forEach((a, i) => shown.slice(i + 1).forEach(b => {
            const w = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
            const h = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
            if (w > touch && h > touch) {
                const size = `${Math.round(w)}x${Math.round(h)} px`;
                found.push(`${figure}…: '${a.text}' over '${b.text}' (${size})`);
            }
        }));
    }
    return {texts, found};
}"""

MEASURE_EVERY_SLIDE = (
    """() => {
    const scale = Reveal.getScale();
    const figures = '"""
    + FIGURES
    + """';
    const clashes = """
    + FIGURE_TEXT_CLASHES
    + """;
    const raster = el => el.tagName.toLowerCase() === 'img' || !!el.querySelector('image');
    // a letter in a figure: its font size in the SVG's units, times the SVG's scale on screen
    const svgPx = t => {
        const m = t.getScreenCTM();
        const k = Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
        return parseFloat(getComputedStyle(t).fontSize) * k;
    };
    return Reveal.getSlides().map(slide => {
        const at = Reveal.getIndices(slide);
        Reveal.slide(at.h, at.v);
        const top = slide.getBoundingClientRect().top, tall = slide.clientHeight * scale;
        let smallest = 1e9, where = '', figureText = 1e9, figureWhere = '', bottom = top;
        const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode, element = node.parentElement;
            if (!node.textContent.trim() || element.closest('aside.notes, script, style')) continue;
            const box = element.getBoundingClientRect();
            if (box.width === 0 && box.height === 0) continue;
            if (element instanceof SVGElement) {
                if (raster(element.closest('svg[role=img]') || element)) continue;
                const px = svgPx(element);
                if (px < figureText) { figureText = px; figureWhere = node.textContent.trim(); }
                continue;
            }
            const px = parseFloat(getComputedStyle(element).fontSize) * scale;
            if (px < smallest) { smallest = px; where = node.textContent.trim().slice(0, 40); }
        }
        // how far down the slide its content reaches (a quiz or explorer scrolls in its box)
        const boxes = '.course-quiz, .course-explorer';
        for (const el of slide.querySelectorAll(
                `h1, h2, h3, p, li, table, pre, .course-slide-figure svg, img, ${boxes}`)) {
            const inBox = el.parentElement && el.parentElement.closest(boxes);
            if (el.closest('aside.notes') || inBox) continue;
            const box = el.getBoundingClientRect();
            if (box.height > 0) bottom = Math.max(bottom, Math.min(box.bottom, top + tall));
        }
        const heading = slide.querySelector('h1, h2, h3');
        const shown = [...slide.querySelectorAll(`p, li, table, svg, img, ${boxes}`)]
            .filter(el => !el.closest('aside.notes, h1, h2, h3'));
        return {at: at.h + '/' + (at.v || 0), smallest, where, figureText, figureWhere,
                figureClashes: clashes(slide, figures),
                overflow: slide.scrollHeight - slide.clientHeight,
                code: !!slide.querySelector('.jp-CodeCell .jp-InputArea'),
                heading: !!heading,
                title: heading ? heading.textContent.replace('\u00b6', '').trim() : '',
                headingOnly: shown.length === 0,
                fill: (bottom - top) / tall,
                // a figure: plotting's slide SVG, or an explorer's drawn by course.js (SVG,
                // text as text); an explorer's figure with a picture in it is counted apart
                figures: [...slide.querySelectorAll(figures)].filter(svg => !raster(svg))
                    .map(svg => svg.getBoundingClientRect().height / tall),
                raster: [...slide.querySelectorAll(
                        `.course-explorer-output img, ${figures}`)].filter(raster)
                    .map(el => (el.getAttribute('alt') || el.getAttribute('aria-label') || '')
                        .slice(0, 50))};
    });
}"""
)


FIGURE_BOTTOMS = """() => [...document.querySelectorAll('.reveal .slides img')].map(img => {
    const at = Reveal.getIndices(img.closest('section'));
    Reveal.slide(at.h, at.v);
    return [img.getBoundingClientRect().bottom, window.innerHeight, (img.alt || '').slice(0, 60)];
})"""

IMAGES = """() => [...document.images].map(img => ({
    alt: img.getAttribute('alt') || '', loaded: img.complete && img.naturalWidth > 0}))"""

NAV = """() => [...document.querySelectorAll('nav.course-nav a')]
    .map(a => [a.getAttribute('rel') || '', a.getAttribute('href')])"""


@functools.cache
def survey(browser) -> dict[str, dict]:
    """Every page and deck of the real course opened once, offline, and looked at the
    way each test below needs: what the browser shows, what a learner's clicks do, what
    axe-core finds. The tests then check one thing each from this record.

    Test workers share one survey: the first to ask takes a lock and records it, the
    others read it. It is keyed on every byte the build wrote, this file and the
    browser's version, so a survey of other pages or other checks is never reused.
    """
    import fcntl
    import hashlib
    import json
    import tempfile

    out, _ = real_course()
    key = hashlib.sha256(
        (out / ".build-manifest.json").read_bytes()
        + Path(__file__).read_bytes()
        + browser.version.encode()
    ).hexdigest()[:20]
    shared = Path(tempfile.gettempdir()) / f"course-browser-survey-{key}.json"
    with open(f"{shared}.lock", "w") as lock:
        fcntl.lockf(lock, fcntl.LOCK_EX)
        if not shared.exists():
            record = _survey(browser, out)
            temp = shared.with_suffix(".tmp")
            temp.write_text(json.dumps(record, default=str))
            temp.rename(shared)
    record = json.loads(shared.read_text())
    for found in record.values():
        found["path"] = Path(found["path"])
    return record


def _survey(browser, out: Path) -> dict[str, dict]:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()  # injects the copy of axe-core inside the package: no network
    files = {"home": [out / "index.html"], "page": _real_built("page"), "deck": _real_built("deck")}
    record: dict[str, dict] = {}
    for kind, paths in files.items():
        for path in paths:
            offline = OfflinePage(browser)
            found: dict = {"kind": kind, "path": path}
            try:
                if kind == "deck":
                    offline.page.set_viewport_size({"width": 1280, "height": 720})
                page = offline.open(path)
                found["images"] = page.evaluate(IMAGES)
                found["nav"] = page.evaluate(NAV)
                if kind == "deck":  # every slide as the deck opens, before any choice is made
                    page.wait_for_function("typeof Reveal !== 'undefined' && Reveal.isReady()")
                    found["first_slide"] = page.evaluate("Reveal.getSlides()[0].textContent")
                    found["total"] = page.evaluate("Reveal.getTotalSlides()")
                    found["slides"] = page.evaluate(MEASURE_EVERY_SLIDE)
                if kind == "page":  # an explorer's figure, as the page first draws it
                    found["figure_clashes"] = page.evaluate(
                        f"figures => ({FIGURE_TEXT_CLASHES})(document, figures)", FIGURES
                    )
                if kind != "home":
                    found["quizzes"] = page.evaluate(ANSWER_EVERY_QUESTION)
                    found["explorers"] = page.evaluate(CHANGE_EVERY_CONTROL)
                if kind == "deck":
                    page.set_viewport_size({"width": 1280, "height": 800})
                    found["figures"] = page.evaluate(FIGURE_BOTTOMS)
                    page.evaluate("Reveal.slide(0, 0)")
                    page.locator(".reveal").click()  # focus the deck, as a presenter's click would
                    page.keyboard.press("ArrowRight")
                    page.wait_for_function(
                        "Reveal.getIndices().h + (Reveal.getIndices().v || 0) > 0"
                    )
                    page.evaluate(SHOW_EVERY_SLIDE)  # axe checks only what is shown
                found["axe"] = [
                    f"{v['id']} ({v['impact']}): {v['nodes'][0]['html'][:80]}"
                    for v in axe.run(page).response["violations"]
                    if v["impact"] in ("serious", "critical")
                ]
                found["errors"], found["remote"] = list(offline.errors), list(offline.remote)
            finally:
                offline.close()
            record[f"{path.parent.name}/{path.name}"] = found
    return record


def _of(browser, kind: str) -> dict[str, dict]:
    return {name: found for name, found in survey(browser).items() if found["kind"] == kind}


def test_every_page_and_deck_opens_offline_without_errors(browser):
    record = survey(browser)
    assert len(_of(browser, "page")) == len(_of(browser, "deck")) >= 9
    assert {n: f["remote"] for n, f in record.items() if f["remote"]} == {}
    assert {n: f["errors"] for n, f in record.items() if f["errors"]} == {}


def test_every_course_deck_initialises_and_advances_offline(browser):
    # (the survey presses ArrowRight on every deck and waits for the slide to change)
    for name, found in _of(browser, "deck").items():
        assert found["total"] > 1, name


def test_every_course_page_shows_images_with_alt_text_offline(browser):
    images = [i for f in _of(browser, "page").values() for i in f["images"]]
    assert images, "the course's pages show no figure at all"
    assert all(i["alt"].strip() and i["loaded"] for i in images)


def test_every_course_figure_fits_on_its_slide(browser):
    # on a projector nobody scrolls: a figure shows whole, with the sentence that introduces it
    cut = [
        f"{name}: figure {i} ({alt}…) ends at {bottom:.0f} px of {screen}"
        for name, found in _of(browser, "deck").items()
        for i, (bottom, screen, alt) in enumerate(found["figures"])
        if bottom > screen + 1
    ]
    assert cut == []


def test_every_quiz_question_answers_right_and_wrong_on_every_page_and_deck(browser):
    quizzes = {n: f["quizzes"] for n, f in survey(browser).items() if f.get("quizzes")}
    # the review notebook's quizzes, on its page and in its deck
    assert {"html/08-review.html", "slides/08-review.slides.html"} <= set(quizzes)
    for name, page_quizzes in quizzes.items():
        for questions in page_quizzes:
            for answer in questions:
                assert answer["wrong"].startswith("Not quite."), (name, answer)
                assert answer["right"].startswith("Correct.") and "Source:" in answer["right"]
                assert all(
                    h.startswith(("https://", "http://", "../data/")) for h in answer["links"]
                )
            total = len(questions)
            assert questions[-1]["score"] == f"Score: {total} of {total} right ({total} answered)"


def test_every_explorer_control_changes_its_output_on_every_page_and_deck(browser):
    controls = {
        n: f["explorers"] for n, f in survey(browser).items() if any(f.get("explorers", []))
    }
    explorers = ("02-the-actors", "03-the-border", "04-militancy-on-the-border")
    explorers += ("05-regional-dynamics", "06-what-happened-next", "07-reading-the-news")
    built = {f"html/{n}.html" for n in explorers} | {f"slides/{n}.slides.html" for n in explorers}
    assert built <= set(controls)
    dead = [
        (name, e, c)
        for name, explorers in controls.items()
        for e, changes in enumerate(explorers)
        for c, changed in enumerate(changes)
        if not changed
    ]
    assert dead == [], "a control that changes nothing"


def test_every_page_and_deck_has_previous_home_and_next(browser):
    for kind in ("page", "deck"):
        built = list(_of(browser, kind).values())
        for index, found in enumerate(built):
            name = found["path"].name
            hrefs = dict((rel, href) for rel, href in found["nav"] if rel)
            assert ["", "../index.html"] in [list(r) for r in found["nav"]], name
            if index > 0:
                assert hrefs["prev"] == built[index - 1]["path"].name, name
            if index < len(built) - 1:
                assert hrefs["next"] == built[index + 1]["path"].name, name


def test_no_serious_accessibility_violation_on_any_page_or_deck(browser):
    assert {n: f["axe"] for n, f in survey(browser).items() if f["axe"]} == {}


def test_every_slide_is_readable_from_the_back_of_the_room(browser):
    # a projector at 1280x720: every letter at least 20 px, nothing cut off or scrolling,
    # a heading on every slide, and code on at most a tenth of the slides
    slides = [(n, s) for n, f in _of(browser, "deck").items() for s in f["slides"]]
    small = [
        (n, s["at"], round(s["smallest"], 1), s["where"]) for n, s in slides if s["smallest"] < 20
    ]
    overflowing = [(n, s["at"], s["overflow"]) for n, s in slides if s["overflow"] > 2]
    untitled = [(n, s["at"]) for n, s in slides if not s["heading"]]
    assert small == [] and overflowing == [] and untitled == []
    assert sum(s["code"] for _, s in slides) <= len(slides) // 10


def test_every_figure_on_a_slide_fills_the_slide_and_its_letters_read_from_the_back(browser):
    # a figure is SVG with its text kept as text: it fills the space under its heading
    # (at least 60% of the slide's height) and its smallest letter is at least 18 px at 1280x720;
    # an explorer's figure drawn by course.js (06's timeline) is measured the same way
    slides = [(n, s) for n, f in _of(browser, "deck").items() for s in f["slides"]]
    figures = [(n, s["at"], h) for n, s in slides for h in s["figures"]]
    assert len(figures) >= 15, "the course's figures are not on its slides as SVG"
    timeline = [s for n, s in slides if n.startswith("slides/06-") and "timeline" in s["title"]]
    assert any(len(s["figures"]) == 1 for s in timeline), "06's explorer, measured"
    assert [f for f in figures if f[2] < 0.6] == []
    small = [
        (n, s["at"], round(s["figureText"], 1), s["figureWhere"])
        for n, s in slides
        if s["figures"] and s["figureText"] < 18
    ]
    assert small == []


def test_the_figure_text_check_catches_text_over_text_and_text_past_the_edge(offline, tmp_path):
    # planted: a label over another, a source line running off the right, a ylabel turned
    # -90 degrees through a tick label; spared: a two-line label 1.2 em apart and a legend
    # 1.05 em apart (their font boxes overlap, their letters do not), labels side by side,
    # and text in an SVG that is no figure
    html = tmp_path / "clash.html"
    lines = "".join(
        f'<text x="600" y="{60 + 21 * n}" font-size="20">legend entry {n}</text>' for n in range(4)
    )
    html.write_text(
        '<!DOCTYPE html><html><body style="margin:0">'
        '<div class="course-slide-figure"><svg viewBox="0 0 800 400" width="800" height="400" '
        'aria-label="Planted" style="font-family: DejaVu Sans">'
        '<text x="100" y="100" font-size="20">Raisi killed</text>'
        '<text x="150" y="108" font-size="20">strikes</text>'
        '<text x="10" y="390" font-size="20">Source: a line far too long to fit in this figure '
        "at all, not even close: it runs off the right and on past the end</text>"
        '<text x="40" y="300" font-size="20" transform="rotate(-90 40 300)">Category</text>'
        '<text x="30" y="250" font-size="20">2026-war</text>'
        '<text x="100" y="200" font-size="20">first line of a label</text>'
        '<text x="100" y="224" font-size="20">second line, gyp</text>'
        '<text x="400" y="200" font-size="20">Mar</text><text x="450" y="200" font-size="20">'
        f"Apr</text>{lines}</svg></div>"
        '<svg width="100" height="50"><text x="0" y="20">Not</text><text x="5" y="22">a figure'
        "</text></svg></body></html>"
    )
    page = offline.open(html)
    clashes = page.evaluate(f"figures => ({FIGURE_TEXT_CLASHES})(document, figures)", FIGURES)
    assert clashes["texts"] == 13
    found = "\n".join(clashes["found"])
    assert "'Raisi killed' over 'strikes'" in found
    assert "'Source: a line far too long to fit in th' cut off by" in found
    assert "'Category' over '2026-war'" in found
    assert len(clashes["found"]) == 3, found


def test_no_figure_text_overlaps_other_text_or_runs_past_its_figure(browser):
    # a label over a label, a legend or a tick is unreadable from any seat, and a source
    # line cut at the figure's edge loses its source: on every slide, and on every page's
    # explorer figures as they open
    checked, clashes = 0, []
    for name, found in survey(browser).items():
        measured = [(s["at"], s["figureClashes"]) for s in found.get("slides", [])]
        measured += [("page", found["figure_clashes"])] if "figure_clashes" in found else []
        for at, clash in measured:
            checked += clash["texts"]
            clashes += [f"{name} {at}: {c}" for c in clash["found"]]
    assert checked >= 500, "the check saw too little of the figures' text"
    assert clashes == []


def test_no_explorer_on_a_slide_shows_its_figure_as_a_picture(browser):
    # an explorer's figure on a slide is SVG drawn for the slide, as every other figure
    raster = [
        (name, s["at"], alt)
        for name, found in _of(browser, "deck").items()
        for s in found["slides"]
        for alt in s["raster"]
    ]
    assert raster == []


def test_continued_slides_are_at_most_a_tenth_of_each_deck(browser):
    for name, found in _of(browser, "deck").items():
        continued = [s for s in found["slides"] if s["title"].endswith("(continued)")]
        assert len(continued) <= len(found["slides"]) // 10, (name, len(continued))


def test_every_content_slide_fills_at_least_two_fifths_of_the_slide(browser):
    # title and section slides (a heading and nothing else) aside
    thin = [
        (name, s["at"], round(s["fill"], 2), s["title"][:40])
        for name, found in _of(browser, "deck").items()
        for s in found["slides"][1:]
        if not s["headingOnly"] and s["fill"] < 0.4
    ]
    assert thin == []


def test_title_slide_gives_minutes_and_the_date_the_facts_run_to(browser):
    from helpers import data

    for name, found in _of(browser, "deck").items():
        first = found["first_slide"]
        assert "minutes" in first and data.format_date(data.facts_run_to()) in first, name

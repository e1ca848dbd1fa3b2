"""Handouts (the print stage, helpers/publish/handouts.py): each deck printed to a PDF, one
page per slide, and the close-reading printout.

They are made from the real course built into a temporary folder, with Debian's
Chromium; without it the tests are skipped, except in CI (CI=true), where they must run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from test_browser import browser  # noqa: F401 (the fixture)
from test_build import real_course

from helpers import article
from helpers.data import REPO_DIR
from helpers.publish import handouts
from helpers.publish.browser import chromium
from helpers.publish.slides import SLIDE_HEIGHT_PX, SLIDE_WIDTH_PX

SCRIPT = Path(handouts.__file__)

pytestmark = pytest.mark.notebook


def _flat(text: str) -> str:
    """Text with every run of white space made one space (PDF text breaks lines anywhere),
    and ligatures ("ﬁ") spelled out."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


@pytest.fixture(scope="module")
def built(browser):  # noqa: F811
    """The real course's build folder, with its handouts made by the print stage's command."""
    import hashlib
    import shutil
    import tempfile

    out, results = real_course()
    assert [r.name for r in results if r.status == "failed"] == []
    # handouts already made from these exact decks by this exact stage are reused
    key = hashlib.sha256(
        (out / ".build-manifest.json").read_bytes() + SCRIPT.read_bytes()
    ).hexdigest()[:20]
    kept = Path(tempfile.gettempdir()) / f"course-handouts-{key}"
    if kept.is_dir():
        shutil.copytree(kept, out / "handouts", dirs_exist_ok=True)
        return out
    # the stage imports this checkout's helpers, not those of wherever they are installed from
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_DIR), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, "-m", "helpers.publish.handouts", "--build", str(out),
         "--no-contact-sheets"],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    aside = kept.with_name(f"{kept.name}.{os.getpid()}")
    shutil.copytree(out / "handouts", aside, dirs_exist_ok=True)
    try:
        aside.rename(kept)
    except OSError:  # another test worker kept the same handouts first
        shutil.rmtree(aside, ignore_errors=True)
    return out


def _deck_facts(chromium_browser, decks: list[Path]) -> list[tuple[int, str]]:
    """For each deck, its number of slides (as reveal.js counts them) and its first heading.

    One page opens every deck in turn: a new page for each would double the time.
    """
    facts = []
    with handouts.offline_page(chromium_browser) as page:
        for deck in decks:
            page.goto(deck.resolve().as_uri(), wait_until="load")
            page.wait_for_function(handouts.REVEAL_READY, timeout=20_000)
            facts.append(
                page.evaluate(
                    "[Reveal.getTotalSlides(),"
                    " document.querySelector('.reveal .slides section h1').textContent]"
                )
            )
    return facts


# What a PDF says about itself, as pypdf reads it: one JSON line per file named on the
# command line, [pages, [width, height] of the first page in points, [text of each page]].
READ_PDFS = """
import json, sys
from pypdf import PdfReader
for path in sys.argv[1:]:
    pdf = PdfReader(path)
    box = pdf.pages[0].mediabox
    texts = [page.extract_text() for page in pdf.pages]
    print(json.dumps([len(pdf.pages), [float(box.width), float(box.height)], texts]))
"""


class PdfReading:
    """``READ_PDFS`` run on some PDFs in child processes, while the test does other work.

    pypdf is pure Python and takes seconds to read every page of the course's decks: in
    two processes, it keeps both cores busy while the browser counts slides.
    """

    def __init__(self, pdfs: list[Path], processes: int = 2):
        shares: list[list[Path]] = [[] for _ in range(processes)]
        for pdf in sorted(pdfs, key=lambda pdf: pdf.stat().st_size, reverse=True):
            min(shares, key=lambda share: sum(p.stat().st_size for p in share)).append(pdf)
        self.children = [
            (
                share,
                subprocess.Popen(
                    [sys.executable, "-c", READ_PDFS, *map(str, share)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
            for share in shares
            if share
        ]

    def result(self) -> dict[Path, tuple[int, list[float], list[str]]]:
        """{PDF: (pages, [width, height] of page 1, text of each page)}, once all are read."""
        read = {}
        for share, child in self.children:
            out, err = child.communicate(timeout=300)
            assert child.returncode == 0, err
            read.update(
                zip(share, (tuple(json.loads(line)) for line in out.splitlines()), strict=True)
            )
        return read

    def stop(self) -> None:
        """Kill the children still reading (when the test failed before it needed them)."""
        for _, child in self.children:
            if child.poll() is None:
                child.kill()
                child.wait()


def test_every_deck_has_a_pdf_with_one_page_per_slide_and_text_on_each(browser, built):  # noqa: F811
    pytest.importorskip("pypdf")
    decks = handouts.decks(built)
    assert len(decks) >= 9, "the course has nine decks"
    pdfs = [built / "handouts" / f"{handouts.stem(deck)}.pdf" for deck in decks]
    reading = PdfReading(pdfs)
    try:
        facts = _deck_facts(browser, decks)
        read = reading.result()
    finally:
        reading.stop()
    for deck, pdf, (slides, title) in zip(decks, pdfs, facts, strict=True):
        pages, (width, height), page_texts = read[pdf]
        assert pages == slides, deck.name
        # each page is the deck's size: CSS px are 3/4 of a PDF point
        assert (round(width), round(height)) == (
            SLIDE_WIDTH_PX * 3 // 4,
            SLIDE_HEIGHT_PX * 3 // 4,
        ), deck.name
        texts = [_flat(text) for text in page_texts]
        assert [n for n, text in enumerate(texts, start=1) if not text] == [], deck.name
        assert _flat(title.replace("¶", "")) in texts[0], deck.name


def test_close_reading_printout_numbers_every_paragraph_and_leaves_a_column(built):
    pypdf = pytest.importorskip("pypdf")
    pdf = pypdf.PdfReader(built / "handouts" / handouts.CLOSE_READING_PDF)
    text = _flat(" ".join(page.extract_text() for page in pdf.pages))
    assert handouts.WHO_SPEAKS in text
    paragraphs = article.paragraphs()
    for number, paragraph in enumerate(paragraphs, start=1):
        start = " ".join(paragraph.split()[:4])
        assert f"{number} {start}" in text, f"paragraph {number} ({start}…) not numbered"
    assert "londonpost.news" in text  # the source line


def test_printout_escapes_the_article_text():
    page = handouts.close_reading_html(["<b>bold</b> & “quoted”"], _SEED_FACTS)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; “quoted”" in page
    assert "<b>bold</b>" not in page
    assert page.count('<td class="who"></td>') == 1


_SEED_FACTS = {
    "Headline (as on the page)": "A headline",
    "Page": "Outlet, https://example.org/a",
    "Publication date, author": "unknown",
    "Events it reports": "a visit",
}


def test_seed_table_is_read_and_a_missing_row_names_the_file(tmp_path):
    facts = handouts.seed_facts()
    assert "londonpost.news" in facts["Page"] and "<" not in facts["Page"]
    readme = tmp_path / "README.md"
    readme.write_text("| | |\n|---|---|\n| Page | Outlet |\n| Events it reports | |\n")
    with pytest.raises(ValueError, match=rf"{re.escape(str(readme))}:4: the row 'Events"):
        handouts.seed_facts(readme)
    with pytest.raises(KeyError, match="no row 'Headline"):
        handouts.close_reading_html(["x"], {"Page": "Outlet"})


def test_without_chromium_the_script_says_so_in_one_line_and_exits_2(monkeypatch, tmp_path, capsys):
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "01-x.slides.html").write_text("<html></html>")
    missing = tmp_path / "no-chromium"
    monkeypatch.setattr(handouts, "chromium", lambda: chromium(missing))
    assert handouts.main(["--build", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(missing) in err and "apt-get install chromium" in err

"""The print stage: each deck as a PDF, a contact sheet per deck, the close-reading printout.

It runs after the site is built (``make handouts`` = ``make course`` then this stage):

    .venv/bin/python -m helpers.publish.handouts                    # from build/
    .venv/bin/python -m helpers.publish.handouts --build other/     # another build folder
    .venv/bin/python -m helpers.publish.handouts --no-contact-sheets

For every deck ``slides/NN-….slides.html`` it writes

- ``handouts/NN-….pdf``: reveal.js's print mode (``?print-pdf``) printed by headless
  Chromium, one page per slide, each page the deck's own size (1280 x 800 CSS px);
- ``contact-sheets/NN-….png``: every slide as a numbered thumbnail, in one image;

and ``handouts/article-close-reading.pdf``: the seed article (cleaned view), paragraphs
numbered, with an empty column for the close-reading activity in TEACHING.md.

It uses Debian's Chromium at /usr/bin/chromium (never a browser downloaded by
Playwright) and exits with status 2 and one line saying so when it is missing. No
page reaches the network: every request that is not for a local file is refused.
"""

from __future__ import annotations

import argparse
import html
import io
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import article
from helpers.data import REPO_DIR
from helpers.publish.browser import NoBrowser, chromium

SEED_README = REPO_DIR / "seeds" / "README.md"
CLOSE_READING_PDF = "article-close-reading.pdf"
WHO_SPEAKS = "Who speaks? (PTI / ISPR / Iranian media / unattributed)"
THUMB_WIDTH, COLUMNS, GUTTER, LABEL_PX = 320, 4, 16, 26

# Print mode with no margin round the slide (so a page is exactly the deck's size), all
# fragments shown on one page, and a slide that runs long cut at one page.
PRINT_QUERY = "?print-pdf&margin=0&pdfSeparateFragments=false&pdfMaxPagesPerSlide=1"
PDF_READY = "document.addEventListener('pdf-ready', () => { window.coursePdfReady = true; });"
# The course's previous / home / next links are for the screen; on paper they cover the slide.
PRINT_CSS = "nav.course-deck-nav { display: none !important; }"
# A slide taller than its page would lose what runs past the bottom (Chromium moves it to a
# page that reveal.js's page box then hides): shrink it to fit, and count it.
SHRINK_TO_FIT = """() => [...document.querySelectorAll('.reveal .pdf-page')].filter(page => {
    const slide = page.querySelector(':scope > section');
    const room = page.clientHeight - 2, need = slide ? slide.scrollHeight : 0;
    if (need > room) { slide.style.zoom = room / need; }
    return need > room;
}).length"""
REVEAL_READY = "typeof Reveal !== 'undefined' && Reveal.isReady()"
NEXT_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def decks(build: Path) -> list[Path]:
    """The built decks ``build/slides/NN-….slides.html``, in course order."""
    return sorted((build / "slides").glob("[0-9][0-9]-*.slides.html"))


def stem(deck: Path) -> str:
    """``NN-topic`` for ``NN-topic.slides.html``."""
    return deck.name.removesuffix(".slides.html")


def _local_only(route) -> None:
    if route.request.url.startswith(("file:", "data:", "about:")):
        route.continue_()
    else:
        route.abort()


@contextmanager
def offline_page(
    browser, width: int = 1280, height: int = 800, scale: float = 1
) -> Iterator[object]:
    """A page that loads local files only: every other request is aborted."""
    context = browser.new_context(
        offline=True,
        viewport={"width": width, "height": height},
        device_scale_factor=scale,
        service_workers="block",
    )
    try:
        page = context.new_page()
        page.route("**/*", _local_only)
        yield page
    finally:
        context.close()


# ------------------------------------------------------------------ deck PDFs


@contextmanager
def printing_page(browser) -> Iterator[object]:
    """An offline page for ``deck_pdf`` to print one deck after another.

    One page for all the decks: making a browser context for each costs ~0.2 s a deck.
    Every deck loaded in it is a new document, so nothing carries over from the last.
    """
    with offline_page(browser) as page:
        page.add_init_script(PDF_READY)  # runs again in each document the page loads
        yield page


def deck_pdf(page, deck: Path, out: Path) -> tuple[int, int]:
    """Print ``deck`` to ``out`` from reveal.js's print mode, one page per slide.

    ``page`` comes from ``printing_page``. Returns the number of slides and how many of
    them had to be shrunk to fit their page.
    """
    page.goto(deck.resolve().as_uri() + PRINT_QUERY, wait_until="load")
    page.wait_for_function(REVEAL_READY, timeout=20_000)
    page.wait_for_function("window.coursePdfReady === true", timeout=20_000)
    page.add_style_tag(content=PRINT_CSS)
    page.evaluate("document.fonts.ready.then(() => true)")
    shrunk = page.evaluate(SHRINK_TO_FIT)
    slides = page.evaluate("Reveal.getTotalSlides()")
    width, height = page.evaluate("[Reveal.getConfig().width, Reveal.getConfig().height]")
    out.parent.mkdir(parents=True, exist_ok=True)
    page.pdf(
        path=str(out),
        width=f"{width}px",
        height=f"{height}px",
        print_background=True,
        margin={"top": "0", "right": "0", "bottom": "0", "left": "0"},
    )
    return slides, shrunk


# ------------------------------------------------------------- contact sheets


def slide_shots(browser, deck: Path) -> list[tuple[str, bytes]]:
    """Each slide of ``deck`` as shown on a 1280 x 800 screen: (label, PNG bytes), in order.

    The screen is 1280 x 800 CSS px, as in the room; the image has half as many pixels a
    side (device scale 0.5), which is all a thumbnail THUMB_WIDTH wide needs, and faster.
    """
    shots = []
    with offline_page(browser, scale=0.5) as page:
        page.goto(deck.resolve().as_uri(), wait_until="load")
        page.wait_for_function(REVEAL_READY, timeout=20_000)
        places = page.evaluate(
            "() => Reveal.getSlides().map(s => { const i = Reveal.getIndices(s);"
            " return [i.h, i.v || 0]; })"
        )
        for number, (h, v) in enumerate(places, start=1):
            page.evaluate(f"Reveal.slide({h}, {v}, 999)")  # 999: every fragment shown
            page.evaluate(NEXT_FRAMES)
            shots.append((f"{number}  ({h}.{v})" if v else str(number), page.screenshot()))
    return shots


def contact_sheet(title: str, shots: list[tuple[str, bytes]], out: Path) -> tuple[int, int]:
    """Tile ``shots`` as labelled thumbnails THUMB_WIDTH px wide into ``out``; its size."""
    from PIL import Image, ImageDraw, ImageFont

    thumbs = []
    for label, png in shots:
        image = Image.open(io.BytesIO(png)).convert("RGB")
        height = round(image.height * THUMB_WIDTH / image.width)
        thumbs.append((label, image.resize((THUMB_WIDTH, height), Image.Resampling.LANCZOS)))
    cell_h = max((t.height for _, t in thumbs), default=0) + LABEL_PX
    rows = -(-len(thumbs) // COLUMNS)
    header = 40
    size = (
        GUTTER + COLUMNS * (THUMB_WIDTH + GUTTER),
        header + GUTTER + rows * (cell_h + GUTTER),
    )
    sheet = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=18)
    draw.text((GUTTER, 10), f"{title}: {len(thumbs)} slides", fill="black", font=font)
    for index, (label, thumb) in enumerate(thumbs):
        x = GUTTER + (index % COLUMNS) * (THUMB_WIDTH + GUTTER)
        y = header + GUTTER + (index // COLUMNS) * (cell_h + GUTTER)
        sheet.paste(thumb, (x, y + LABEL_PX))
        draw.rectangle((x - 1, y + LABEL_PX - 1, x + thumb.width, y + LABEL_PX + thumb.height),
                       outline="#888888")
        draw.text((x, y + 2), f"slide {label}", fill="black", font=font)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out)
    return size


# ------------------------------------------------------- close-reading printout


def seed_facts(path: Path = SEED_README) -> dict[str, str]:
    """The rows of the table in seeds/README.md, as {label: value} (markdown links unwrapped)."""
    facts = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 2 or not cells[0] or set(cells[0]) <= {"-"}:
            continue
        if not cells[1]:
            raise ValueError(f"{path}:{number}: the row '{cells[0]}' has no value")
        facts[cells[0]] = re.sub(r"<(https?://[^>]+)>", r"\1", cells[1]).replace("`", "")
    return facts


def _fact(facts: dict[str, str], label: str) -> str:
    if label not in facts:
        raise KeyError(f"{SEED_README}: no row '{label}' in the table (found: {sorted(facts)})")
    return facts[label]


def close_reading_html(paragraphs: list[str] | None = None, facts: dict[str, str] | None = None
                       ) -> str:
    """The printout as HTML: the article's paragraphs numbered, with an empty column to fill."""
    paragraphs = article.paragraphs() if paragraphs is None else paragraphs
    facts = seed_facts() if facts is None else facts
    esc = html.escape
    rows = "\n".join(
        f'<tr><td class="n">{n}</td><td>{esc(text)}</td><td class="who"></td></tr>'
        for n, text in enumerate(paragraphs, start=1)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Close reading: who speaks?</title>
<style>
@page {{ size: A4; margin: 14mm 12mm 16mm 12mm; }}
body {{ font: 11pt/1.4 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #000; }}
h1 {{ font-size: 17pt; margin: 0 0 4pt; }}
p {{ margin: 3pt 0; }}
.meta {{ font-size: 9.5pt; }}
table {{ border-collapse: collapse; width: 100%; margin-top: 8pt; }}
th, td {{ border: 1px solid #444; padding: 5pt 6pt; vertical-align: top; text-align: left; }}
th {{ background: #e8e8e8; font-size: 10pt; }}
td.n {{ width: 2.2em; text-align: right; font-weight: bold; }}
td.who, th.who {{ width: 30%; }}
tr {{ break-inside: avoid; }}
thead {{ display: table-header-group; }}
</style></head><body>
<h1>Close reading: who speaks?</h1>
<p class="meta"><b>The article:</b> {esc(_fact(facts, "Headline (as on the page)"))}<br>
<b>Source:</b> {esc(_fact(facts, "Page"))}<br>
<b>Date:</b> publication date {esc(_fact(facts, "Publication date, author"))};
it reports {esc(_fact(facts, "Events it reports"))}.</p>
<p>For each paragraph, write in the last column whose words it gives: the PTI wire story,
the ISPR (the Pakistani military's media wing) statement it relays, Iranian (state) media,
or nobody named (unattributed). Then compare your marks with the voices chart in
notebook 01.</p>
<table>
<thead><tr><th>¶</th><th>The article (cleaned: page residue removed, every word kept)</th>
<th class="who">{esc(WHO_SPEAKS)}</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<p class="meta">The article's text belongs to its publisher; it is reproduced for criticism
and teaching only (see seeds/README.md).</p>
</body></html>
"""


def close_reading_pdf(browser, out: Path) -> int:
    """Write the printout to ``out``; return the number of paragraphs."""
    paragraphs = article.paragraphs()
    with offline_page(browser, 794, 1123) as page:
        page.set_content(close_reading_html(paragraphs), wait_until="load")
        out.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(
            path=str(out),
            prefer_css_page_size=True,
            print_background=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=(
                '<div style="font-size:8pt;width:100%;text-align:center">'
                'Close reading: who speaks? · page <span class="pageNumber"></span> of '
                '<span class="totalPages"></span></div>'
            ),
        )
    return len(paragraphs)


# ------------------------------------------------------------------------ main


def make_handouts(build: Path, sheets: bool = True, log=print) -> dict[str, int]:
    """Write every handout (and contact sheet) under ``build``; {file name: slides or ¶}."""
    found = decks(build)
    if not found:
        raise FileNotFoundError(f"no deck in {build / 'slides'}: run `make course` first")
    made = {}
    with chromium() as browser, printing_page(browser) as printer:
        for deck in found:
            started = time.perf_counter()
            pdf = build / "handouts" / f"{stem(deck)}.pdf"
            made[pdf.name], shrunk = deck_pdf(printer, deck, pdf)
            note = f"{made[pdf.name]} slides ({shrunk} too tall for a page, shrunk to fit)"
            if sheets:
                shots = slide_shots(browser, deck)
                png = build / "contact-sheets" / f"{stem(deck)}.png"
                contact_sheet(stem(deck), shots, png)
                note += f", contact sheet of {len(shots)}"
            log(f"  {pdf.relative_to(build)}: {note} ({time.perf_counter() - started:.1f} s)")
        out = build / "handouts" / CLOSE_READING_PDF
        made[out.name] = close_reading_pdf(browser, out)
        log(f"  {out.relative_to(build)}: {made[out.name]} numbered paragraphs")
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", type=Path, default=REPO_DIR / "build",
                        help="the built course (default: build/)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--contact-sheets", dest="sheets", action="store_true", default=True,
                       help="also save contact sheets (the default)")
    group.add_argument("--no-contact-sheets", dest="sheets", action="store_false",
                       help="PDFs only")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        made = make_handouts(args.build, sheets=args.sheets)
    except NoBrowser as error:
        print(f"handouts: {error}", file=sys.stderr)
        return 2
    except FileNotFoundError as error:
        print(f"handouts: {error}", file=sys.stderr)
        return 1
    print(f"handouts: {len(made)} PDFs in {args.build / 'handouts'} "
          f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

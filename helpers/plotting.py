"""The course's figure style, and one way to show a figure properly.

Every figure in the course goes through :func:`show`, which insists on a
title, labelled axes, a source line and alt text, renders a PNG that is the
same bytes on every run, and attaches the alt text to the image output's
metadata so that exported pages carry it.

Typical use in a notebook::

    fig, ax = plotting.figure()
    ax.barh(names, values, color=plotting.PALETTE[0])
    plotting.show(fig, title="...", xlabel="...", ylabel="...",
                  source="Dawn, 16 Jul 2023", alt="Bar chart of ...")
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish green": "#009E73",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "sky blue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
PALETTE = list(OKABE_ITO.values())

# Fixed colours for the two countries so every notebook shows them alike.
COUNTRY_COLOURS = {
    "Pakistan": OKABE_ITO["bluish green"],
    "Iran": OKABE_ITO["blue"],
    "Afghanistan": OKABE_ITO["orange"],
    "other": "#999999",
}

# Sizes chosen to stay legible on a classroom projector at the back of the room.
STYLE: dict[str, Any] = {
    "figure.figsize": (10, 5.6),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 14,
    "axes.titlesize": 18,
    "axes.titleweight": "bold",
    "axes.labelsize": 15,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "svg.hashsalt": "pakistan-iran-course",
    "path.simplify": True,
    # Labels come from data: "$36m ... $2bn" must print dollars, not start maths mode.
    "text.parse_math": False,
}

MIN_ALT_LENGTH = 20

# The deck's copy of a figure: SVG with its text kept as text, so it stays sharp on any
# projector and the browser tests measure its letters like any other text. It travels in
# the notebook beside the page's PNG under a type of its own, which JupyterLab and the
# pages ignore; the slides stage puts it on the slide (helpers.publish.slides).
SLIDE_FIGURE = "image/vnd.course.slide+svg"
# The slide style: the figure fills the box a slide gives it under its heading
# (SLIDE_FIGURE_BOX_PX, in slide pixels of a 1280x800 deck, which a 1280x720 projector
# shows at 0.86), and no letter is under SLIDE_MIN_PT points; a point is drawn at
# SLIDE_FIGURE_BOX_PX[1] / (72 * SLIDE_FIGSIZE[1]) slide pixels, so 15 pt shows at
# about 18 px on the projector.
SLIDE_FIGURE_BOX_PX = (1240, 540)
SLIDE_FIGSIZE = (12.4, 5.4)
SLIDE_MIN_PT = 16.0


def use_style() -> None:
    """Apply the course style to matplotlib (idempotent; nothing happens at import)."""
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(STYLE)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=PALETTE)


def colours_for(categories: Iterable[str]) -> dict[str, str]:
    """Map categories to palette colours in sorted order, so the mapping is stable.

    >>> colours_for(["b", "a"])
    {'a': '#0072B2', 'b': '#E69F00'}
    """
    ordered = sorted(set(categories))
    if len(ordered) > len(PALETTE):
        raise ValueError(
            f"{len(ordered)} categories but only {len(PALETTE)} distinguishable colours; "
            "group the small ones into 'other'"
        )
    return dict(zip(ordered, PALETTE, strict=False))


def figure(nrows: int = 1, ncols: int = 1, **options: Any) -> tuple[Figure, Any]:
    """A new figure in the course style: ``fig, ax = figure()``.

    ``options`` go to ``plt.subplots`` (``figsize=(8, 4)``, ``sharex=True``, ...).
    """
    import matplotlib.pyplot as plt

    use_style()
    return plt.subplots(nrows, ncols, **options)


def decorate(ax: Axes, **options: Any) -> Axes:
    """Set axes properties in one call, as ``ax.set(**options)``, then tidy the legend.

    >>> # decorate(ax, xlabel="Year", ylabel="Events", xlim=(2019, 2026))
    """
    ax.set(**options)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False)
    return ax


def _check(fig: Figure, title: str, alt: str, source: str, labelled: bool) -> None:
    problems = []
    if not title or not title.strip():
        problems.append("a title (title='What the reader should see')")
    if not source or not source.strip():
        problems.append("a source line (source='Outlet, date')")
    if not alt or len(alt.strip()) < MIN_ALT_LENGTH:
        problems.append(
            f"alt text of at least {MIN_ALT_LENGTH} characters describing what the figure shows"
        )
    if labelled:
        for ax in fig.get_axes():
            if ax.get_visible() and ax.axison and not (ax.get_xlabel() and ax.get_ylabel()):
                problems.append(
                    "labels on both axes (xlabel=..., ylabel=...; labelled=False for a map "
                    "or table without axes)"
                )
                break
    if problems:
        raise ValueError("this figure needs " + "; ".join(problems))


def _slide_style(fig: Figure) -> None:
    """Redraw ``fig`` for a slide: the slide's figure box, and every letter at least
    SLIDE_MIN_PT (text grows by a fifth, the smallest more)."""
    import warnings

    fig.set_size_inches(*SLIDE_FIGSIZE)
    for text in fig.findobj(lambda artist: hasattr(artist, "set_fontsize")):
        if hasattr(text, "get_fontsize") and text.get_text():
            text.set_fontsize(max(SLIDE_MIN_PT, 1.2 * float(text.get_fontsize())))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "tight_layout not applied" leaves the figure as is
        fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.set_layout_engine(None)  # as in _render: no second draw in savefig


# text kept as text; one font name per letter, not matplotlib's list of ten fallbacks
_SVG_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": STYLE["svg.hashsalt"],
    "font.sans-serif": ["DejaVu Sans"],
}
_SVG_ID = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def slide_svg(svg: str) -> str:
    """Matplotlib's SVG made fit to sit inside a page: no XML prologue or metadata, no
    style sheet (its ``*`` rule would reach the whole deck), and ids made unique to
    the figure, so two figures on one deck cannot share a clip path."""
    import hashlib

    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'<g id="[^"]*">', "<g>", svg)  # matplotlib's names for its groups
    svg = re.sub(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>\s*", "", svg, flags=re.S)
    svg = svg.replace("<svg ", '<svg style="stroke-linejoin: round; stroke-linecap: butt" ', 1)
    prefix = "f" + hashlib.sha1(svg.encode("utf-8")).hexdigest()[:8] + "-"
    return _SVG_ID.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg).strip() + "\n"


def render(
    fig: Figure,
    *,
    title: str,
    alt: str,
    source: str,
    xlabel: str | None = None,
    ylabel: str | None = None,
    labelled: bool = True,
) -> bytes:
    """Title, label and source-line ``fig``, check it, and return its PNG bytes.

    The PNG carries no timestamp or software version, so the same figure
    gives the same bytes on every run. The figure is closed afterwards.
    """
    return _render(fig, title, alt, source, xlabel, ylabel, labelled, slide=False)[0]


class SlideFigure(NamedTuple):
    """A figure drawn once for a page and a slide alike: SVG in the slide style, its
    text kept as text (so it is sharp on any projector and measured like other text),
    and its alt text. What an explorer's callback returns for a figure (``render_svg``);
    it unpacks as ``svg, alt``."""

    svg: str
    alt: str

    def html(self) -> str:
        """The figure as a page or a slide shows it: an image named by its alt text."""
        import html

        labelled = self.svg.replace(
            "<svg ", f'<svg role="img" aria-label="{html.escape(self.alt)}" ', 1
        )
        return f'<div class="course-slide-figure course-explorer-figure">{labelled}</div>'


def _decorate(
    fig: Figure,
    title: str,
    alt: str,
    source: str,
    xlabel: str | None,
    ylabel: str | None,
    labelled: bool,
) -> None:
    """Label, check, title and source-line ``fig`` (raises ValueError if something is missing)."""
    axes = fig.get_axes()
    if axes and xlabel is not None:
        axes[-1].set_xlabel(xlabel)
    if axes and ylabel is not None:
        axes[0].set_ylabel(ylabel)
    _check(fig, title, alt, source, labelled)
    fig.suptitle(title, fontsize=STYLE["axes.titlesize"], fontweight="bold", x=0.01, ha="left")
    fig.text(0.01, 0.005, f"Source: {source}", fontsize=11, color="#444444", va="bottom")


def _svg(fig: Figure) -> str:
    """``fig`` redrawn in the slide style, as SVG ready to sit inside a page."""
    import matplotlib as mpl

    _slide_style(fig)
    vector = io.StringIO()
    with mpl.rc_context(_SVG_RC):
        fig.savefig(vector, format="svg", metadata={"Date": None})
    return slide_svg(vector.getvalue())


def _render(
    fig: Figure,
    title: str,
    alt: str,
    source: str,
    xlabel: str | None,
    ylabel: str | None,
    labelled: bool,
    slide: bool,
) -> tuple[bytes, str]:
    """The PNG of ``fig`` and, if ``slide``, its SVG for a deck in the slide style."""
    import matplotlib.pyplot as plt

    try:
        _decorate(fig, title, alt, source, xlabel, ylabel, labelled)
        fig.tight_layout(rect=(0, 0.05, 1, 1))
        # tight_layout leaves a placeholder layout engine behind, and savefig then draws
        # the whole figure once more before drawing it for real: a quarter of the cost
        fig.set_layout_engine(None)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
        svg = _svg(fig) if slide else ""
    finally:
        plt.close(fig)
    return buffer.getvalue(), svg


def render_svg(
    fig: Figure,
    *,
    title: str,
    alt: str,
    source: str,
    xlabel: str | None = None,
    ylabel: str | None = None,
    labelled: bool = True,
) -> SlideFigure:
    """Title, label and source-line ``fig``, check it, and return it as a SlideFigure.

    For an explorer's answers: one drawing serves JupyterLab, the page and the
    deck (no PNG), and costs about half of ``render``'s PNG. Same bytes on every
    run; the figure is closed afterwards.
    """
    import matplotlib.pyplot as plt

    try:
        _decorate(fig, title, alt, source, xlabel, ylabel, labelled)
        # Tick labels get their text only when drawn, so the slide style, which enlarges
        # text it can see, would miss them: size them ahead (cheaper than a draw).
        for ax in fig.get_axes():
            for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
                ticks = axis.get_major_ticks()
                if ticks and not ticks[0].label1.get_text():  # labels given are sized below
                    size = float(ticks[0].label1.get_fontsize())
                    ax.tick_params(axis=name, labelsize=max(SLIDE_MIN_PT, 1.2 * size))
        return SlideFigure(_svg(fig), alt)
    finally:
        plt.close(fig)


def show(
    fig: Figure,
    *,
    title: str,
    alt: str,
    source: str,
    xlabel: str | None = None,
    ylabel: str | None = None,
    labelled: bool = True,
) -> None:
    """Render ``fig`` with :func:`render` and display it with its alt text.

    The alt text travels in the output's metadata (``{"image/png": {"alt": ...}}``),
    which nbconvert writes into the ``<img alt=...>`` of exported pages, and
    also as the plain-text version of the output. The bundle carries the
    figure for a deck too (SLIDE_FIGURE: SVG in the slide style).
    """
    import base64

    from IPython.display import display

    png, svg = _render(fig, title, alt, source, xlabel, ylabel, labelled, slide=True)
    bundle = {
        "image/png": base64.b64encode(png).decode("ascii"),
        SLIDE_FIGURE: svg,
        "text/plain": f"[Figure] {alt}",
    }
    display(bundle, raw=True, metadata={"image/png": {"alt": alt}})

"""Stage 3c, export: an executed notebook as a page and as a deck (nbconvert).

Both use the course's own templates (``templates/course_html``,
``templates/course_slides``), which load only files shipped in ``build/``.
Element ids the templates draw from ``uuid4()`` are counted from the
notebook's name instead, so two builds write the same bytes.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from helpers.publish.assets import REVEAL_PREFIX, TEMPLATE_DIR
from helpers.publish.common import CACHE_DIR
from helpers.publish.slides import (
    FIGURE_MAX_PX,
    FIGURE_SLIDE_PX,
    SLIDE_HEIGHT_PX,
    SLIDE_WIDTH_PX,
    slide_view,
)
from helpers.publish.views import page_view

# Compiled templates, shared by every build process: compiling them takes ~0.3 s
# per process, longer than exporting a short notebook. Keyed by each template's
# source, so an edited template is compiled again.
TEMPLATE_CACHE_DIR = CACHE_DIR.parent / "templates"


def _tag_remover() -> Any:
    from nbconvert.preprocessors import TagRemovePreprocessor

    return TagRemovePreprocessor(
        remove_cell_tags={"remove-cell"},
        remove_input_tags={"hide-input"},
        remove_all_outputs_tags={"remove-output"},
    )


def _counting_uuid4(salt: str) -> Callable[[], uuid.UUID]:
    """A stand-in for the templates' ``uuid4()``: element ids that repeat build to build."""
    counter = iter(range(1 << 30))
    return lambda: uuid.uuid5(uuid.NAMESPACE_URL, f"{salt}/element/{next(counter)}")


def _prepared(exporter: Any) -> Any:
    """An exporter that removes tagged cells and keeps its compiled templates on disk."""
    from jinja2 import FileSystemBytecodeCache

    exporter.register_preprocessor(_tag_remover(), enabled=True)
    try:
        TEMPLATE_CACHE_DIR.mkdir(parents=True, exist_ok=True)
        exporter.environment.bytecode_cache = FileSystemBytecodeCache(str(TEMPLATE_CACHE_DIR))
    except OSError:  # a read-only checkout: compile in memory, as nbconvert does
        pass
    return exporter


# One exporter of each kind per process: a worker that exports several notebooks
# compiles the templates once.
@functools.cache
def _html_exporter() -> Any:
    from nbconvert import HTMLExporter

    return _prepared(
        HTMLExporter(
            template_name="course_html",
            extra_template_basedirs=[str(TEMPLATE_DIR)],
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
    )


@functools.cache
def _slides_exporter() -> Any:
    from nbconvert import SlidesExporter

    exporter = SlidesExporter(
        template_name="course_slides",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        reveal_url_prefix=REVEAL_PREFIX,
        reveal_theme="white",
        reveal_transition="none",
        reveal_number="c/t",
        reveal_width=str(SLIDE_WIDTH_PX),
        reveal_height=str(SLIDE_HEIGHT_PX),
    )
    exporter.environment.globals["figure_max_px"] = FIGURE_MAX_PX
    exporter.environment.globals["figure_slide_px"] = FIGURE_SLIDE_PX
    return _prepared(exporter)


def _export(exporter: Any, nb: Any, salt: str) -> str:
    exporter.environment.globals["uuid4"] = _counting_uuid4(salt)
    body, _ = exporter.from_notebook_node(nb)
    return body


def export_html(nb: Any, title: str = "", name: str = "notebook") -> str:
    """The executed notebook as a self-contained HTML page (no network needed)."""
    return _export(_html_exporter(), page_view(nb, title or name), name)


def export_slides(
    nb: Any,
    title: str = "",
    name: str = "notebook",
    minutes: int | None = None,
    facts_as_of: str = "",
) -> str:
    """The executed notebook as a reveal.js deck that loads reveal.js from ``reveal.js/``."""
    deck = slide_view(nb, title or name, minutes, facts_as_of, page=f"../html/{name}.html")
    return _export(_slides_exporter(), deck, name)

"""The text colours of pages and decks meet WCAG AA (4.5:1) against their backgrounds."""

from __future__ import annotations

import re

from helpers.publish.assets import TEMPLATE_DIR

CSS = (TEMPLATE_DIR / "assets" / "course.css").read_text(encoding="utf-8")
PAGE, CODE = "#FFFFFF", "#F5F5F5"  # the page and JupyterLab's code-cell background


def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_is_computed_as_wcag_defines_it():
    assert round(contrast("#000000", "#FFFFFF"), 1) == 21.0
    assert round(contrast("#777777", "#FFFFFF"), 2) == 4.48  # just below AA: must fail
    assert contrast("#AA22FF", CODE) < 4.5  # JupyterLab's operator colour, which we replace


def test_every_text_colour_of_the_course_css_meets_aa_on_its_background():
    code = re.findall(r"--jp-mirror-editor-[a-z0-9-]+-color:\s*(#[0-9A-Fa-f]{3,6})", CSS)
    code += re.findall(r"\.highlight [^{]*\{\s*color:\s*(#[0-9A-Fa-f]{3,6})", CSS)
    text = re.findall(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{3,6})", CSS)
    assert len(code) >= 20 and len(text) >= 5
    weak = [c for c in code if contrast(c, CODE) < 4.5]
    weak += [c for c in text if c.upper() != "#FFF" and contrast(c, PAGE) < 4.5]
    assert weak == []


def test_quiz_feedback_colours_meet_aa():
    for colour in ("#006B4F", "#A33B00"):  # right and wrong, in helpers/quiz.py and course.css
        assert colour in CSS and contrast(colour, PAGE) >= 4.5

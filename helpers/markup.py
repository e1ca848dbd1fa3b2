"""Data is text, never markup: put data into Markdown or HTML safely.

Rows in ``data/`` are copied from web pages by people; a row may carry a
pasted tag, a stray ``<`` or ``&``, or something worse. Every helper that
puts a row's text into Markdown (which renders raw HTML on a page) or HTML
goes through these functions, so the text shows literally and runs nothing.

>>> print(text("<b>bold</b> & [link](x) for $2bn"))
&lt;b&gt;bold&lt;/b&gt; &amp; \\[link\\](x) for \\$2bn
>>> link("Dawn", "https://www.dawn.com/news/1")
'[Dawn](https://www.dawn.com/news/1)'
>>> html_text("<i>")
'&lt;i&gt;'
"""

from __future__ import annotations

import html
import re
from typing import Any

# Markdown punctuation that means something anywhere in a line: emphasis, links,
# code, table cells, strike-through and maths ("$2bn and $3bn" would be maths in JupyterLab).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
# ...and what means something only at the start of a line: headings, lists, quotes.
_LINE_START = re.compile(r"^(#|[-+]\s|\d+[.)]\s)")
_SAFE_URL = re.compile(r"https?://[^\s\"'<>\\`]+", re.IGNORECASE)


class UnsafeURLError(ValueError):
    """A link target that is not a plain http(s) web address."""


def _plain(value: Any) -> str:
    """``value`` as one line of text (None and NaN as empty)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return " ".join(str(value).split())


def text(value: Any) -> str:
    """``value`` as Markdown that renders exactly as the text reads.

    HTML special characters become entities and Markdown punctuation is
    backslash-escaped, so no tag, link or emphasis can come out of data.
    Line breaks are folded into spaces (a row is one paragraph or one cell).
    """
    # '&', '<' and '>' become entities, so no tag and no autolink can form
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(_plain(value), quote=False))
    return _LINE_START.sub(r"\\\1", escaped)


def html_text(value: Any) -> str:
    """``value`` escaped for HTML text or an attribute value (quotes included)."""
    return html.escape(_plain(value), quote=True)


def safe_url(url: Any) -> str:
    """``url`` if it is a plain ``http``/``https`` address; else UnsafeURLError.

    ``javascript:``, ``data:`` and other schemes, and addresses with quotes,
    spaces or angle brackets (which could break out of an attribute), are refused.
    """
    candidate = _plain(url)
    if not _SAFE_URL.fullmatch(candidate):
        raise UnsafeURLError(
            f"{candidate[:80]!r} is not a plain http(s) web address; "
            "a link from data must start with http:// or https://"
        )
    return candidate


def link(label: Any, url: Any) -> str:
    """A Markdown link whose label shows literally and whose target is checked.

    Parentheses in the address are percent-encoded so the link cannot end early.
    """
    target = safe_url(url).replace("(", "%28").replace(")", "%29")
    return f"[{text(label)}]({target})"


def html_link(label: Any, url: Any, new_tab: bool = False) -> str:
    """An HTML ``<a>`` element with an escaped label and a checked target."""
    extra = ' target="_blank" rel="noopener"' if new_tab else ""
    return f'<a href="{html.escape(safe_url(url), quote=True)}"{extra}>{html_text(label)}</a>'


_MD_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\((https?://[^)\s]+)\)")
_BACKSLASH = re.compile(r"\\([!-/:-@\[-`{-~])")


def _unescape_markdown(fragment: str) -> str:
    """Text of a Markdown fragment made by ``text``: backslashes dropped, entities decoded."""
    return html.unescape(_BACKSLASH.sub(r"\1", fragment))


_ANY_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\([^)\s]+\)")


def link_labels(markdown: str) -> str:
    """A Markdown line with every link replaced by its label, as plain text.

    For places that show an objective or a title where its links cannot go
    (the course's home page lists objectives whose glossary links point into a notebook).

    >>> link_labels("compare how [PTI](00-start-here.ipynb#glossary) reported it")
    'compare how PTI reported it'
    """
    return _unescape_markdown(_ANY_LINK.sub(r"\1", markdown))


def markdown_to_html(markdown: str) -> str:
    """The small Markdown the helpers write (text and links) as safe HTML.

    Used where no Markdown renderer runs (a widget's HTML, a page's script):
    everything is escaped; only ``[label](http…)`` links become ``<a>``.
    """
    out, position = [], 0
    for match in _MD_LINK.finditer(markdown):
        out.append(html.escape(_unescape_markdown(markdown[position : match.start()])))
        label = _unescape_markdown(match.group(1))
        out.append(html_link(label, html.unescape(match.group(2)), new_tab=True))
        position = match.end()
    out.append(html.escape(_unescape_markdown(markdown[position:])))
    return "".join(out)


# ---------------------------------------------------------------- row ids
# On a page, a row id (``F012``) in the text links to that row on the data pages
# the build writes (``build/data/facts.html#F012``); in JupyterLab it stays plain.
# The ids that exist come from ``helpers.data.row_ids()``: this module reads no data,
# so ``data`` can use it without a loop.

# the datasets with row ids a notebook cites, and the page each is shown on
ID_PAGES = {"F": "facts", "E": "events", "R": "outlet_reports", "X": "estimates", "O": "offices"}
_ID = re.compile(r"\b([FERXO])(\d{3})\b")
_SKIP = re.compile(r"<(script|style|a|code|pre)\b.*?</\1>", re.S | re.I)


def link_ids(page: str, ids: set[str], prefix: str = "../data/") -> str:
    """``page`` with every known row id in its text linked to its row's page.

    Ids inside scripts, styles, code and existing links are left alone, and so
    is anything inside a tag (an attribute).
    """
    out, position = [], 0
    for skip in _SKIP.finditer(page):
        out.append(_link_text(page[position : skip.start()], ids, prefix))
        out.append(skip.group(0))
        position = skip.end()
    out.append(_link_text(page[position:], ids, prefix))
    return "".join(out)


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


def _link_text(fragment: str, ids: set[str], prefix: str) -> str:
    parts = _TAG_OR_TEXT.split(fragment)
    for index in range(0, len(parts), 2):  # even parts are text between tags
        parts[index] = _ID.sub(
            lambda m: (
                f'<a href="{prefix}{ID_PAGES[m.group(1)]}.html#{m.group(0)}">{m.group(0)}</a>'
                if m.group(0) in ids
                else m.group(0)
            ),
            parts[index],
        )
    return "".join(parts)

"""Tables that read well on a page and a projector: full text, wrapped, no index.

pandas cuts long text at 50 characters by default, which hides exactly the
sources and explanations a learner should read. ``table`` shows every word.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler


def table(
    frame: pd.DataFrame,
    columns: list[str] | None = None,
    rename: dict[str, str] | None = None,
    index: bool = False,
) -> Styler:
    """Show ``frame`` (or some ``columns``) with wrapped, left-aligned text.

    ``rename`` maps column names to headings a reader understands. The
    result renders the same HTML on every run (its id comes from the
    content, not a random number), and shows markup in the data as text.
    An unknown column is a clear error.
    """
    if columns is not None:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise KeyError(
                f"no column {', '.join(map(repr, missing))}; "
                f"the table has {', '.join(map(str, frame.columns))}"
            )
        frame = frame[columns]
    if rename:
        frame = frame.rename(columns=rename)
    digest = hashlib.sha1(frame.to_csv().encode("utf-8")).hexdigest()[:10]
    # A Styler writes cell text into HTML as it is unless told to escape it; data
    # is text, never markup, so cells and headings are escaped.
    styler = frame.style.format(escape="html").format_index(escape="html", axis="columns")
    styler = styler.format_index(escape="html", axis="index")
    styler = styler.set_uuid(digest).set_properties(
        **{"text-align": "left", "white-space": "normal", "vertical-align": "top"}
    )
    styler = styler.set_table_styles([{"selector": "th", "props": "text-align: left;"}])
    return styler if index else styler.hide(axis="index")

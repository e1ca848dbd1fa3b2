"""Interactive explorers that still teach without a kernel.

An :class:`Explorer` pairs ipywidgets controls with a plain callback that
turns the controls' values into something to show (a DataFrame, Markdown
text, or a figure rendered by ``plotting.render``). It always shows the
result for the default values first, so an exported page or slide carries a
static view; tests call ``explorer.update(name=value)`` and check what the
callback returned, with no browser involved.

On a page or deck, with no kernel, an explorer answers each choice in one of
two ways. A small one embeds every combination's result, rendered now
(``static_html``). A larger one gives a :class:`PageView`: the items its
result is made of (table rows, timeline events, places), which items each
control value keeps, and the texts of each selection, all computed by the
helpers when the notebook runs; the page's script (``course.js``) only
selects and draws, with the renderer the view names (``table``, ``timeline``,
``pair``). A new explorer reuses a renderer, or adds one to ``RENDERERS`` in
course.js; ``tests/test_explorers.py`` compares a page's answers with Python's.

>>> ex = Explorer({"n": [1, 2, 3]}, lambda n: n * 10)
>>> ex.update(n=2)
20
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The most results a page embeds for one explorer: tables and text are small and quick
# to compute; a figure takes most of a second to draw and tens of kilobytes to embed.
# Past the cap the page keeps the default view and says why (a range slider over many
# years has thousands of combinations).
MAX_STATIC_COMBINATIONS = 400
MAX_STATIC_FIGURES = 24


class Explorer:
    """Controls plus a callback; ``show()`` displays both, ``update()`` drives it."""

    def __init__(
        self,
        controls: dict[str, Sequence[Any] | tuple[int, int] | str],
        callback: Callable[..., Any],
        *,
        description: str = "",
        defaults: dict[str, Any] | None = None,
        known: dict[str, Sequence[str]] | None = None,
        page: PageView | Callable[[], PageView] | None = None,
    ):
        """``controls`` maps a callback argument to its choices.

        A list of options gives a dropdown, a ``(low, high)`` pair of ints a
        range slider, and a string a text box with that default. ``known``
        lists, for a text box, the values a page without a kernel offers in
        its place (a dropdown), since a page cannot run the callback.
        ``page`` says how a page answers every choice from embedded data
        (:class:`PageView`) when there are too many to precompute one by one;
        give a function that returns it when it is costly to make (base maps):
        it is called the first time a page needs it, never for ``update()``.
        """
        self.controls = controls
        self.callback = callback
        self.description = description
        self.known = known or {}
        self._page = page
        self.values: dict[str, Any] = {name: _default(spec) for name, spec in controls.items()} | (
            defaults or {}
        )
        self.last: Any = None
        self._widgets: dict[str, Any] = {}
        self._output: Any = None

    @property
    def page(self) -> PageView | None:
        """How a page answers every choice (made now if it was given as a function)."""
        if callable(self._page):
            self._page = self._page()
        return self._page

    def update(self, **values: Any) -> Any:
        """Set some control values, run the callback, and return (and show) its result."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise TypeError(
                f"no control named {', '.join(sorted(unknown))}; "
                f"this explorer has {', '.join(self.controls)}"
            )
        self.values.update(values)
        self.last = self.callback(**self.values)
        if self._output is not None:
            self._render()
        return self.last

    def _render(self) -> None:
        from IPython.display import display

        self._output.clear_output(wait=True)
        with self._output:
            display_result(self.last, display)

    def show(self) -> None:
        """Display the controls and the result for the current values.

        One output carries two views: the ipywidgets one, which JupyterLab
        shows and a kernel drives, and a static one (``static_html``) that a
        page or deck shows instead, with every combination's result computed
        now, so its controls work without a kernel.
        """
        import ipywidgets as w
        from IPython.display import display

        for name, spec in self.controls.items():
            self._widgets[name] = _make_widget(name, spec, self.values[name])
            self._widgets[name].observe(
                lambda change, key=name: self.update(**{key: change["new"]}), names="value"
            )
        self._output = w.Output()
        box = w.VBox(
            [w.HTML(f"<b>{html.escape(self.description)}</b>")] if self.description else []
        )
        box.children = (*box.children, w.HBox(list(self._widgets.values())), self._output)
        self.last = self.callback(**self.values)
        self._render()
        bundle = box._repr_mimebundle_()
        bundle["text/html"] = self.static_html()
        display(bundle, raw=True)

    def combinations(self) -> list[dict[str, Any]]:
        """Every combination of control values a page offers, in a fixed order."""
        import itertools

        options = [
            _static_options(spec, self.known.get(n), self.values[n])
            for n, spec in self.controls.items()
        ]
        return [
            dict(zip(self.controls, combo, strict=True)) for combo in itertools.product(*options)
        ]

    def static_html(self, cap: int | None = None) -> str:
        """The explorer for a page with no kernel: the same controls as dropdowns,
        and the result of every combination of choices (at most ``cap``, by default
        MAX_STATIC_COMBINATIONS, or MAX_STATIC_FIGURES if the result is a figure;
        past it the page keeps the current result and says why). Identical results
        are stored once. The course's script (``course.js``) swaps them on a change."""
        if self.page is not None:
            return page_html(self, self.page)
        if cap is None:
            cap = MAX_STATIC_FIGURES if _is_figure(self.last) else MAX_STATIC_COMBINATIONS
        options = {
            name: _static_options(spec, self.known.get(name), self.values[name])
            for name, spec in self.controls.items()
        }
        count = 1
        for values in options.values():
            count *= len(values)
        title = (
            f'<p class="course-explorer-title"><b>{html.escape(self.description)}</b></p>'
            if self.description
            else ""
        )
        shown = (
            '<div class="course-explorer-output" aria-live="polite" tabindex="0">'
            f"{result_html(self.last)}</div>"
        )
        if count > cap:
            note = (
                f'<p class="course-widget-note">This explorer has {count:,} combinations of '
                f"choices, more than a page holds ({cap}) one by one, and no page view "
                "(widgets.PageView). Open the notebook in JupyterLab to try them.</p>"
            )
            return f'<div class="course-explorer">{title}{note}{shown}</div>'
        outputs: list[str] = []
        slots: dict[str, int] = {}
        keys = []
        for combo in self.combinations():
            rendered = result_html(self.callback(**combo))
            keys.append(slots.setdefault(rendered, len(slots)))
            if keys[-1] == len(outputs):
                outputs.append(rendered)
        selects = []
        for position, (name, values) in enumerate(options.items()):
            choices = "".join(
                f'<option value="{i}"{" selected" if _same(v, self.values[name]) else ""}>'
                f"{html.escape(_option_label(v))}</option>"
                for i, v in enumerate(values)
            )
            label = html.escape(name.replace("_", " "))
            selects.append(
                f'<label>{label} <select data-control="{position}">{choices}</select></label>'
            )
        payload = {"sizes": [len(v) for v in options.values()], "keys": keys, "outputs": outputs}
        data = _script_safe(json.dumps(payload, separators=(",", ":")))
        return (
            f'<div class="course-explorer" data-course-explorer>{title}'
            f'<div class="course-explorer-controls">{"".join(selects)}</div>{shown}'
            f'<script type="application/json" class="course-explorer-data">{data}</script></div>'
        )


@dataclass(frozen=True)
class PageView:
    """How a page with no kernel answers every choice of an explorer from embedded data.

    The explorer's result is a selection of ``items`` (ids, in the order the
    result shows them: table rows, events on a timeline, places on a map).
    ``match`` gives, for each control, the ids one of its values keeps (a
    range control is asked one year at a time, ``(y, y)``, and keeps the
    items of every year in the range). The page keeps the items every control
    keeps (``combine="all"``: a filter) or each control's items in control
    order (``combine="any"``: a pick, such as two places). ``describe(ids)``
    gives the texts and drawing details that depend on a selection (alt text,
    counts, a distance); it runs here, in Python, once per distinct selection.
    ``templates`` are texts that depend only on the choice: ``{name}`` is the
    label of control ``name``'s value (a range reads ``2019–2025``).
    ``kind`` names the course.js renderer (``table``, ``timeline``, ``pair``),
    ``base`` is the HTML it starts from and ``data`` what it draws with. The
    page's script only selects and draws; every number comes from here.
    """

    kind: str
    items: Sequence[str]
    match: Mapping[str, Callable[[Any], Iterable[str]]]
    combine: str = "all"
    describe: Callable[[list[str]], Mapping[str, Any]] | None = None
    templates: Mapping[str, str] = field(default_factory=dict)
    base: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)


def page_options(explorer: Explorer) -> dict[str, list[Any]]:
    """The values each control offers on a page: a dropdown's options, a range's years."""
    options = {}
    for name, spec in explorer.controls.items():
        if _is_range(spec):
            options[name] = list(range(spec[0], spec[1] + 1))
        else:
            options[name] = _static_options(spec, explorer.known.get(name), explorer.values[name])
    return options


def page_payload(explorer: Explorer, view: PageView) -> dict[str, Any]:
    """Everything a page needs to answer every choice of ``explorer`` (see PageView).

    Raises ValueError if ``match`` names an item that is not in ``items``, or a
    range control keeps one item for two different years.
    """
    if view.combine not in ("all", "any"):
        raise ValueError(f"combine must be 'all' or 'any', not {view.combine!r}")
    index = {item: i for i, item in enumerate(view.items)}
    everything = (1 << len(index)) - 1

    def positions(ids: Iterable[str], name: str, value: Any) -> list[int]:
        found = []
        for item in ids:
            if item not in index:
                raise ValueError(f"{name}={value!r} keeps {item!r}, which is not among the items")
            found.append(index[item])
        return found if view.combine == "any" else sorted(found)

    options = page_options(explorer)
    controls, filters, masks = [], [], []
    for name, values in options.items():
        spec = explorer.controls[name]
        labels = [_option_label(v) for v in values]
        if _is_range(spec):
            if view.combine == "any":
                raise ValueError(f"a range ({name}) filters items; it cannot pick them")
            keys = [-1] * len(index)
            for k, year in enumerate(values):
                for i in positions(view.match[name]((year, year)), name, (year, year)):
                    if keys[i] not in (-1, k):
                        raise ValueError(f"{view.items[i]!r} is kept by two years of {name}")
                    keys[i] = k
            low, high = explorer.values[name]
            default: Any = [values.index(low), values.index(high)]
            filters.append({"keys": keys})
            by_year = [0] * len(values)
            for i, k in enumerate(keys):
                by_year[k] |= (1 << i) if k >= 0 else 0
            spans = []
            for a in range(len(values)):
                mask = 0
                for b in range(a, len(values)):
                    mask |= by_year[b]
                    spans.append(mask)
            masks.append(sorted(set(spans)))
        else:
            kept = [positions(view.match[name](v), name, v) for v in values]
            filters.append(
                {"options": [None if sorted(k) == list(range(len(index))) else k for k in kept]}
            )
            masks.append(kept if view.combine == "any" else [sum(1 << i for i in k) for k in kept])
            default = next(i for i, v in enumerate(values) if _same(v, explorer.values[name]))
        label = name.replace("_", " ")
        controls.append(
            {
                "name": name,
                "label": label,
                "range": _is_range(spec),
                "options": labels,
                "default": default,
            }
        )
    texts: dict[str, Any] = {}
    if view.describe is not None:
        import itertools

        if view.combine == "all":
            selections = {everything}
            for choice in masks:
                selections = {s & m for s in selections for m in choice}
            picked = [[i for i in range(len(index)) if s >> i & 1] for s in sorted(selections)]
        else:
            picked = [sum(combo, []) for combo in itertools.product(*masks)]
        for selection in picked:
            key = ",".join(map(str, selection))
            if key not in texts:
                texts[key] = dict(view.describe([view.items[i] for i in selection]))
    return {
        "kind": view.kind,
        "combine": view.combine,
        "size": len(index),
        "items": [str(item) for item in view.items],
        "controls": controls,
        "filters": filters,
        "texts": texts,
        "templates": dict(view.templates),
        "data": dict(view.data),
    }


def page_html(explorer: Explorer, view: PageView) -> str:
    """The explorer for a page: its controls (a range as two dropdowns, from and to), the
    base view and the payload course.js answers every choice from (``page_payload``)."""
    payload = page_payload(explorer, view)

    def select(control: dict[str, Any], attributes: str, chosen: int) -> str:
        choices = "".join(
            f'<option value="{i}"{" selected" if i == chosen else ""}>{html.escape(text)}</option>'
            for i, text in enumerate(control["options"])
        )
        return f"<select {attributes}>{choices}</select>"

    selects = []
    for position, control in enumerate(payload["controls"]):
        label = html.escape(control["label"])
        if control["range"]:
            ends = "".join(
                f"<label>{label} {word} "
                + select(control, f'data-control="{position}" data-end="{end}"', chosen)
                + "</label>"
                for end, (word, chosen) in enumerate(
                    zip(("from", "to"), control["default"], strict=True)
                )
            )
            selects.append(f'<span role="group" aria-label="{label}">{ends}</span>')
        else:
            selects.append(
                f"<label>{label} "
                + select(control, f'data-control="{position}"', control["default"])
                + "</label>"
            )
    title = (
        f'<p class="course-explorer-title"><b>{html.escape(explorer.description)}</b></p>'
        if explorer.description
        else ""
    )
    data = _script_safe(json.dumps(payload, separators=(",", ":"), sort_keys=True))
    return (
        f'<div class="course-explorer" data-course-explorer data-kind="{html.escape(view.kind)}">'
        f'{title}<div class="course-explorer-controls">{"".join(selects)}</div>'
        f'<div class="course-explorer-output" aria-live="polite" tabindex="0">{view.base}</div>'
        f'<script type="application/json" class="course-explorer-page">{data}</script></div>'
    )


def mark_rows(table_html: str, ids: Sequence[str]) -> str:
    """Number a table's body rows ``data-item="0"``, ``"1"``... for a page to show or hide;
    ``ids`` are the rows' ids, one per body row (a mismatch is a ValueError)."""
    head, found, body = table_html.partition("<tbody>")
    count = iter(range(len(ids) + 1))
    marked = re.sub(r"<tr(?=[\s>])", lambda m: f'<tr data-item="{next(count)}"', body)
    if not found or next(count) != len(ids):
        raise ValueError(f"the table has not one body row for each of the {len(ids)} items")
    return head + found + marked


def _is_figure(result: Any) -> bool:
    from helpers.plotting import SlideFigure

    return isinstance(result, SlideFigure) or _is_png(result)


def _is_png(result: Any) -> bool:
    """A callback's ``(png bytes, alt text)``."""
    return isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], bytes)


def _is_range(spec: Any) -> bool:
    return isinstance(spec, tuple) and len(spec) == 2 and all(isinstance(v, int) for v in spec)


def _static_options(spec: Any, known: Sequence[str] | None, current: Any) -> list[Any]:
    """The values a page's dropdown offers for one control."""
    if isinstance(spec, str):
        values = list(known or [])
        return [current, *[v for v in values if v != current]]
    if _is_range(spec):
        low, high = spec
        return [(a, b) for a in range(low, high + 1) for b in range(a, high + 1)]
    return list(spec)


def _same(a: Any, b: Any) -> bool:
    return tuple(a) == tuple(b) if isinstance(a, (tuple, list)) else a == b


def _option_label(value: Any) -> str:
    if isinstance(value, tuple):
        return f"{value[0]}–{value[1]}"
    return str(value)


def _script_safe(payload: str) -> str:
    """JSON that cannot close the ``<script>`` element it sits in."""
    return payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def result_html(result: Any) -> str:
    """A callback's result as HTML for a page: the same view ``display_result`` gives."""
    import base64
    import sys

    from helpers.plotting import SlideFigure

    if isinstance(result, SlideFigure):
        return result.html()
    if _is_png(result):
        png, alt = result
        data = base64.b64encode(png).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'
    if "pandas" in sys.modules and isinstance(result, sys.modules["pandas"].DataFrame):
        from helpers.tables import table

        pd = sys.modules["pandas"]  # as display_result: a plain 0, 1, 2 index is not shown
        return table(result, index=not isinstance(result.index, pd.RangeIndex)).to_html()
    if isinstance(result, str):
        import mistune

        # the helpers build this Markdown with every data value escaped (helpers.markup)
        return mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])(result)
    return f"<pre>{html.escape(str(result))}</pre>"


def display_result(result: Any, display: Callable[..., Any]) -> None:
    """Show a callback's result: a SlideFigure as its SVG, bytes as a PNG (with alt text
    if given), a table with its text in full (``tables.table``), else as is."""
    import base64
    import sys

    from helpers.plotting import SlideFigure

    if isinstance(result, SlideFigure):
        display(
            {"image/svg+xml": result.svg, "text/plain": f"[Figure] {result.alt}"},
            raw=True,
            metadata={"image/svg+xml": {"alt": result.alt}},
        )
    elif _is_png(result):
        png, alt = result
        display(
            {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": f"[Figure] {alt}"},
            raw=True,
            metadata={"image/png": {"alt": alt}},
        )
    elif "pandas" in sys.modules and isinstance(result, sys.modules["pandas"].DataFrame):
        from helpers.tables import table

        # pandas would cut each cell to 50 characters; a learner needs the whole event.
        # A plain 0, 1, 2 ... index means nothing to a reader, so only a real one is shown.
        pd = sys.modules["pandas"]
        display(table(result, index=not isinstance(result.index, pd.RangeIndex)))
    elif isinstance(result, str):
        from IPython.display import Markdown

        display(Markdown(result))
    else:
        display(result)


def _default(spec: Any) -> Any:
    if isinstance(spec, str):
        return spec
    if isinstance(spec, tuple) and len(spec) == 2 and all(isinstance(v, int) for v in spec):
        return spec
    return list(spec)[0]


def _make_widget(name: str, spec: Any, value: Any) -> Any:
    import ipywidgets as w

    label = name.replace("_", " ")
    style = {"description_width": "initial"}
    if isinstance(spec, str):
        return w.Text(value=value, description=label, style=style)
    if isinstance(spec, tuple) and len(spec) == 2 and all(isinstance(v, int) for v in spec):
        return w.IntRangeSlider(
            value=value, min=spec[0], max=spec[1], description=label, style=style
        )
    return w.Dropdown(options=list(spec), value=value, description=label, style=style)

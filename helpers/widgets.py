"""Interactive explorers that still teach without a kernel.

An :class:`Explorer` pairs ipywidgets controls with a plain callback that
turns the controls' values into something to show (a DataFrame, Markdown
text, or a figure rendered by ``plotting.render``). It always shows the
result for the default values first, so an exported page or slide carries a
static view; tests call ``explorer.update(name=value)`` and check what the
callback returned, with no browser involved.

>>> ex = Explorer({"n": [1, 2, 3]}, lambda n: n * 10)
>>> ex.update(n=2)
20
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any


class Explorer:
    """Controls plus a callback; ``show()`` displays both, ``update()`` drives it."""

    def __init__(
        self,
        controls: dict[str, Sequence[Any] | tuple[int, int] | str],
        callback: Callable[..., Any],
        *,
        description: str = "",
        defaults: dict[str, Any] | None = None,
    ):
        """``controls`` maps a callback argument to its choices.

        A list of options gives a dropdown, a ``(low, high)`` pair of ints a
        range slider, and a string a text box with that default.
        """
        self.controls = controls
        self.callback = callback
        self.description = description
        self.values: dict[str, Any] = {name: _default(spec) for name, spec in controls.items()} | (
            defaults or {}
        )
        self.last: Any = None
        self._widgets: dict[str, Any] = {}
        self._output: Any = None

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
        """Display the controls and the result for the current values."""
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
        display(box)
        # A static copy of the default view, so pages and slides show a result
        # even where no kernel runs.
        self.last = self.callback(**self.values)
        display_result(self.last, display)


def display_result(result: Any, display: Callable[..., Any]) -> None:
    """Show a callback's result: bytes as a PNG (with alt text if given), a table with
    its text in full (``tables.table``), else as is."""
    import base64
    import sys

    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], bytes):
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

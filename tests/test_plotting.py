"""helpers.plotting: figures need title, labels, source and alt text; output is stable."""

import base64

import pytest

from helpers import plotting


def _bar():
    fig, ax = plotting.figure()
    ax.bar(["a", "b"], [1, 2])
    return fig


ALT = "Bar chart with two bars, a at 1 and b at 2."


def test_render_is_deterministic_png():
    first = plotting.render(_bar(), title="T", alt=ALT, source="S", xlabel="x", ylabel="y")
    second = plotting.render(_bar(), title="T", alt=ALT, source="S", xlabel="x", ylabel="y")
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert first == second
    assert b"Software" not in first


@pytest.mark.parametrize(
    "kwargs, complaint",
    [
        ({"title": ""}, "a title"),
        ({"source": " "}, "a source line"),
        ({"alt": "chart"}, "alt text of at least"),
        ({"xlabel": None, "ylabel": None}, "labels on both axes"),
    ],
)
def test_render_refuses_incomplete_figures(kwargs, complaint):
    options = {"title": "T", "alt": ALT, "source": "S", "xlabel": "x", "ylabel": "y"} | kwargs
    with pytest.raises(ValueError, match=complaint):
        plotting.render(_bar(), **options)


def test_unlabelled_axes_allowed_when_asked():
    png = plotting.render(_bar(), title="Map", alt=ALT, source="S", labelled=False)
    assert png.startswith(b"\x89PNG")


def test_render_closes_the_figure():
    import matplotlib.pyplot as plt

    before = len(plt.get_fignums())
    plotting.render(_bar(), title="T", alt=ALT, source="S", xlabel="x", ylabel="y")
    assert len(plt.get_fignums()) == before


def test_show_attaches_alt_text_to_the_image_output(monkeypatch):
    shown = {}

    def fake_display(bundle, raw, metadata):
        shown.update(bundle=bundle, raw=raw, metadata=metadata)

    monkeypatch.setattr("IPython.display.display", fake_display)
    plotting.show(_bar(), title="T", alt=ALT, source="S", xlabel="x", ylabel="y")
    assert shown["metadata"] == {"image/png": {"alt": ALT}}
    assert base64.b64decode(shown["bundle"]["image/png"]).startswith(b"\x89PNG")
    assert ALT in shown["bundle"]["text/plain"]


def test_palette_is_okabe_ito_and_colours_for_is_stable():
    assert plotting.PALETTE[:3] == ["#0072B2", "#E69F00", "#009E73"]
    assert plotting.colours_for(["z", "a", "a"]) == {"a": "#0072B2", "z": "#E69F00"}
    with pytest.raises(ValueError, match="distinguishable colours"):
        plotting.colours_for([str(i) for i in range(9)])


def test_use_style_sets_projector_sizes():
    import matplotlib as mpl

    plotting.use_style()
    assert mpl.rcParams["font.size"] >= 14
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == plotting.PALETTE


def test_decorate_sets_properties_and_legend():
    fig, ax = plotting.figure()
    ax.plot([1, 2], [1, 2], label="line")
    plotting.decorate(ax, xlabel="X", ylabel="Y", xlim=(0, 3))
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_xlim()) == ("X", "Y", (0.0, 3.0))
    assert ax.get_legend() is not None
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_show_carries_a_slide_svg_with_text_as_text_at_slide_size():
    import re

    png, svg = plotting._render(_bar(), "T", ALT, "S", "x", "y", True, slide=True)
    again = plotting._render(_bar(), "T", ALT, "S", "x", "y", True, slide=True)[1]
    assert svg == again  # the same bytes every run
    assert svg.startswith("<svg ") and "<?xml" not in svg and "<style" not in svg
    assert "<text" in svg and "Date" not in svg
    # every letter at least SLIDE_MIN_PT, in a figure the slide's box holds
    sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert sizes and min(sizes) >= plotting.SLIDE_MIN_PT
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    assert abs(width / height - plotting.SLIDE_FIGSIZE[0] / plotting.SLIDE_FIGSIZE[1]) < 0.01
    # ids belong to this figure, so two figures on one deck never share a clip path
    assert all(i.startswith("f") and "-" in i for i in re.findall(r'\bid="([^"]+)"', svg))
    # the page's PNG is drawn before the slide style: it is the PNG render() gives
    assert png == plotting.render(_bar(), title="T", alt=ALT, source="S", xlabel="x", ylabel="y")


def test_an_explorer_figure_is_one_slide_svg_named_by_its_alt_text():
    import re

    import matplotlib.pyplot as plt

    before = len(plt.get_fignums())
    figure = plotting.render_svg(
        _bar(), title="T", alt=ALT + ' <"&>', source="S", xlabel="x", ylabel="y"
    )
    assert len(plt.get_fignums()) == before  # closed
    # drawn in the slide style, as a figure shown on a slide: text as text, every letter
    # at least SLIDE_MIN_PT, in the slide's figure box, the same bytes every run
    again = plotting.render_svg(_bar(), title="T", alt=ALT, source="S", xlabel="x", ylabel="y")
    assert figure.svg == again.svg and figure.svg.startswith("<svg ")
    sizes = [float(v) for v in re.findall(r"font-size: ([\d.]+)px", figure.svg)]
    assert sizes and min(sizes) >= plotting.SLIDE_MIN_PT
    box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', figure.svg).groups()
    assert (
        abs(float(box[0]) / float(box[1]) - plotting.SLIDE_FIGSIZE[0] / plotting.SLIDE_FIGSIZE[1])
        < 0.01
    )
    svg, alt = figure  # unpacks like the (png, alt) an explorer used to return
    assert alt.endswith('<"&>')
    html = figure.html()
    assert (
        'role="img" aria-label="Bar chart with two bars, a at 1 and b at 2. &lt;&quot;&amp;&gt;"'
        in html
    )
    assert html.count("<svg") == 1 and "<text" in html
    with pytest.raises(ValueError, match="a title"):
        plotting.render_svg(_bar(), title="", alt=ALT, source="S", xlabel="x", ylabel="y")


def test_an_explorer_figure_shows_as_svg_in_jupyterlab_and_inline_on_a_page():
    from helpers import widgets

    figure = plotting.render_svg(_bar(), title="T", alt=ALT, source="S", xlabel="x", ylabel="y")
    shown = []
    widgets.display_result(figure, lambda bundle, **kw: shown.append((bundle, kw)))
    ((bundle, options),) = shown
    assert bundle["image/svg+xml"] == figure.svg and bundle["text/plain"] == f"[Figure] {ALT}"
    assert options["metadata"] == {"image/svg+xml": {"alt": ALT}}
    assert widgets.result_html(figure) == figure.html()

"""The figures of chapter 5 draw what they promise from the numbers they are given, and
reject bad input by name; none stays open in pyplot."""
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from convzoo import plot  # noqa: E402


@pytest.fixture(autouse=True)
def no_open_figures():
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


def texts(ax):
    return [t.get_text() for t in ax.texts]


def by_gid(fig, gid):
    (found,) = [a for a in fig.findobj() if getattr(a, "get_gid", lambda: None)() == gid]
    return found


def draws(fig):
    assert isinstance(fig, Figure)
    fig.savefig(io.BytesIO(), format="png")


def test_outer_product_figure_shows_the_column_the_row_and_their_product():
    fig = plot.outer_product_figure([1, 2, 1], [-1, 0, 1, 3])
    col, row, kernel = fig.axes
    assert texts(col) == ["1", "2", "1"] and texts(row) == ["-1", "0", "1", "3"]
    assert texts(kernel) == [f"{v:g}" for v in np.outer([1, 2, 1], [-1, 0, 1, 3]).ravel()]
    assert "(3, 4)" in kernel.get_title()
    draws(fig)


def test_curves_figure_draws_each_curve_at_its_x():
    x, curves = [1, 2, 3, 4], {"sobel": [0, 0, 0, 0], "random": [0.7, 0.4, 0.2, 0]}
    fig = plot.curves_figure(x, curves, "rank r", "relative error", title="t")
    for label, y in curves.items():
        line = by_gid(fig, f"curve {label}")
        np.testing.assert_array_equal(line.get_xdata(), x)
        np.testing.assert_array_equal(line.get_ydata(), y)
    (ax,) = fig.axes
    assert ax.get_ylim()[0] == 0 and ax.get_yscale() == "linear"
    assert plot.curves_figure(x, {"a": [1, 2, 3, 4]}, "m", "s", logy=True).axes[0] \
        .get_yscale() == "log"
    draws(fig)


@pytest.mark.parametrize("layers, pairs", [
    ([("conv", (6, 4, 3, 3), 1)], [24]),                                  # every pair
    ([("dw", (4, 1, 3, 3), 4), ("pw", (6, 4, 1, 1), 1)], [4, 24]),       # one each, then all
    ([("dw x2", (8, 1, 3, 3), 4)], [8]),                                  # depth multiplier 2
    ([("grouped", (6, 2, 1, 1), 2)], [12]),
])
def test_channel_graph_draws_one_line_per_connected_channel_pair(layers, pairs):
    fig = plot.channel_graph_figure({"net": layers})
    for i, n in enumerate(pairs):
        segments = by_gid(fig, f"net layer {i}").get_segments()
        assert len(segments) == n
        assert all(s[0][0] == i and s[1][0] == i + 1 for s in segments)
    sizes = [layers[0][1][1] * layers[0][2]] + [shape[0] for _, shape, _ in layers]
    for i, n in enumerate(sizes):
        assert len(by_gid(fig, f"net tensor {i}").get_offsets()) == n
    draws(fig)


def test_channel_graph_of_a_depthwise_layer_joins_channel_c_to_c_only():
    fig = plot.channel_graph_figure({"dw": [("dw", (3, 1, 3, 3), 3)]})
    ys_in = by_gid(fig, "dw tensor 0").get_offsets()[:, 1]
    ys_out = by_gid(fig, "dw tensor 1").get_offsets()[:, 1]
    joined = {(list(ys_in).index(s[0][1]), list(ys_out).index(s[1][1]))
              for s in by_gid(fig, "dw layer 0").get_segments()}
    assert joined == {(0, 0), (1, 1), (2, 2)}
    assert "27 weights" in "".join(texts(fig.axes[0]))


def test_ratio_figure_draws_bars_from_zero_at_the_values():
    series = {"MACs": [8.5, 8.8, 7.9], "torch time": [2.0, 3.1, 1.2]}
    fig = plot.ratio_figure(["a", "b", "c"], series, "standard / separable", reference=9)
    (ax,) = fig.axes
    for name, values in series.items():
        bars = [b for b in ax.patches if b.get_gid() == f"bars {name}"]
        assert [b.get_height() for b in bars] == values
        assert all(b.get_y() == 0 for b in bars)
    assert by_gid(fig, "reference").get_ydata()[0] == 9
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    draws(fig)


def test_manifold_figure_has_a_panel_per_setting_with_the_points_given(rng):
    points, back = rng.standard_normal((40, 2)), rng.standard_normal((40, 2))
    fig = plot.manifold_figure(points, {"n = 2": back, "n = 30": points})
    assert [ax.get_title() for ax in fig.axes] == ["input", "n = 2", "n = 30"]
    np.testing.assert_array_equal(by_gid(fig, "points n = 2").get_offsets(), back)
    np.testing.assert_array_equal(by_gid(fig, "points input").get_offsets(), points)
    draws(fig)


@pytest.mark.parametrize("call, match", [
    (lambda: plot.outer_product_figure([[1, 2]], [1]), "^column must be 1-D"),
    (lambda: plot.outer_product_figure([1], []), "^row must hold at least one"),
    (lambda: plot.curves_figure([1, 2], {}, "x", "y"), "^curves must be a non-empty dict"),
    (lambda: plot.curves_figure([1, 2], {"a": [1, 2, 3]}, "x", "y"), r"^curves\['a'\] has shape"),
    (lambda: plot.curves_figure([1, 2], {"a": [0, 1]}, "x", "y", logy=True), "positive"),
    (lambda: plot.channel_graph_figure({"a": []}), r"^chains\['a'\] must be a non-empty"),
    (lambda: plot.channel_graph_figure({"a": [("c", (4, 3, 3), 1)]}), "weight_shape"),
    (lambda: plot.channel_graph_figure({"a": [("c", (5, 2, 3, 3), 2)]}), "not divisible"),
    (lambda: plot.channel_graph_figure({"a": [("c", (4, 2, 3, 3), 1), ("d", (4, 3, 1, 1), 1)]}),
     "takes 3 channels, the layer before gives 4"),
    (lambda: plot.ratio_figure(["a"], {"s": [1, 2]}, "y"), r"^series\['s'\] has shape"),
    (lambda: plot.ratio_figure(["a"], {"s": [-1]}, "y"), ">= 0"),
    (lambda: plot.ratio_figure([], {"s": []}, "y"), "^labels must be"),
    (lambda: plot.manifold_figure(np.zeros((5, 3)), {"a": np.zeros((5, 3))}), r"^points must have"),
    (lambda: plot.manifold_figure(np.zeros((5, 2)), {"a": np.zeros((4, 2))}), r"^recovered\['a'\]"),
])
def test_figures_reject_bad_input_by_name(call, match):
    with pytest.raises(ValueError, match=match):
        call()

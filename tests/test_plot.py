"""Each figure function returns a Figure with the panels and marks it promises, and leaves
no figure open in pyplot."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from convzoo import plot  # noqa: E402
from convzoo.correlation import correlate2d  # noqa: E402
from convzoo.matrix import conv_matrix  # noqa: E402


@pytest.fixture(autouse=True)
def no_open_figures():
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


def texts(ax):
    return [t.get_text() for t in ax.texts]


def outlines(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()]


def test_correlation_figure_outlines_the_window_and_its_output_cell():
    x = np.arange(20.0).reshape(4, 5)
    k = np.array([[1.0, 0.0], [0.0, -1.0]])
    fig = plot.correlation_figure(x, k, position=(1, 2), padding=1)
    assert isinstance(fig, Figure)
    ax_x, ax_k, ax_y = fig.axes
    assert len(texts(ax_x)) == 6 * 7 and len(texts(ax_k)) == 4 and len(texts(ax_y)) == 5 * 6
    (window,) = outlines(ax_x)
    assert (window.get_x(), window.get_y(), window.get_width(), window.get_height()) == (2, 1, 2, 2)
    (cell,) = outlines(ax_y)
    assert (cell.get_x(), cell.get_y()) == (2, 1)
    y = correlate2d(np.pad(x, 1), k, "valid")
    assert texts(ax_y)[1 * 6 + 2] == f"{y[1, 2]:.0f}"
    assert f"= {y[1, 2]:.0f}" in fig._suptitle.get_text()
    fig.savefig(__import__("io").BytesIO(), format="png")      # it draws


def test_correlation_figure_with_stride_moves_the_window_by_the_stride():
    fig = plot.correlation_figure(np.ones((7, 7)), np.ones((3, 3)), position=(1, 2), stride=2)
    (window,) = outlines(fig.axes[0])
    assert (window.get_x(), window.get_y()) == (4, 2)
    assert len(texts(fig.axes[2])) == 3 * 3


def test_flip_figure_shows_the_kernel_and_its_flip():
    k = np.arange(6.0).reshape(2, 3)
    fig = plot.flip_figure(k)
    left, right = fig.axes
    assert texts(left) == [f"{v:.0f}" for v in k.ravel()]
    assert texts(right) == [f"{v:.0f}" for v in k[::-1, ::-1].ravel()]


def test_matrix_figure_shows_the_nonzero_pattern_and_block_grid():
    m = conv_matrix(np.ones((3, 3)), (5, 6))           # 3 x 4 blocks of (4, 6)
    fig = plot.matrix_figure(m, block_shape=(4, 6))
    ax, colorbar = fig.axes
    (image,) = ax.images
    shown = image.get_array()
    assert shown.shape == m.shape
    assert np.array_equal(~np.ma.getmaskarray(shown) & np.isfinite(shown.filled(np.nan)), m != 0)
    assert len(ax.lines) == (3 - 1) + (5 - 1)             # block boundaries
    assert f"{np.count_nonzero(m) / m.size:.1%}" in ax.get_title()


def test_error_maps_figure_has_an_image_and_colour_bar_per_map(rng):
    maps = {"border": rng.random((6, 6)), "stride": rng.random((3, 4))}
    fig = plot.error_maps_figure(maps, title="equivariance")
    assert len(fig.axes) == 4
    images = [a for a in fig.axes if a.images and a.get_title()]
    assert [a.images[0].get_array().shape for a in images] == [(6, 6), (3, 4)]
    assert [a.get_title().split("\n")[0] for a in images] == ["border", "stride"]
    assert f"max {maps['stride'].max():.2g}" in images[1].get_title()
    assert images[0].images[0].get_clim() == (0.0, maps["border"].max())


def test_error_map_of_zeros_is_drawn_as_no_error():
    fig = plot.error_maps_figure({"exact": np.zeros((4, 4))})
    assert fig.axes[0].images[0].get_clim() == (0.0, 1.0)


def test_timing_figure_has_one_bar_per_measurement_on_a_log_axis():
    fig = plot.timing_figure({"loop": 2.0, "im2col": 3e-3, "torch": 4e-5})
    (ax,) = fig.axes
    assert len(ax.patches) == 3 and ax.get_xscale() == "log"
    assert texts(ax) == ["2 s", "3 ms", "40 us"]


@pytest.mark.parametrize("call, words", [
    (lambda: plot.correlation_figure(np.ones(3), np.ones((2, 2))), ["x", "(3,)"]),
    (lambda: plot.correlation_figure(np.ones((3, 3)), np.ones((2, 2)), position=(2, 0)),
     ["position", "(2, 2)"]),
    (lambda: plot.correlation_figure(np.ones((2, 2)), np.ones((3, 3))), ["k (3, 3)", "x (2, 2)"]),
    (lambda: plot.flip_figure(np.ones((2, 2, 2))), ["k", "(2, 2, 2)"]),
    (lambda: plot.matrix_figure(np.ones(4)), ["m", "(4,)"]),
    (lambda: plot.error_maps_figure({}), ["maps"]),
    (lambda: plot.error_maps_figure({"a": np.ones(3)}), ["maps['a']", "(3,)"]),
    (lambda: plot.timing_figure({"a": 0.0}), ["seconds"]),
])
def test_bad_input_raises_value_error_naming_argument_and_shapes(call, words):
    with pytest.raises(ValueError) as error:
        call()
    for word in words:
        assert word in str(error.value)

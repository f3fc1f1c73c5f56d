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


def test_timing_figure_within_a_factor_of_100_has_bars_from_zero_labelled_with_ratios():
    fig = plot.timing_figure({"im2col copy": 0.06, "matmul": 0.05, "conv2d": 0.12})
    (ax,) = fig.axes
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert ax.get_xscale() == "linear" and ax.get_xlim()[0] == 0
    assert [b.get_width() for b in bars] == [0.06, 0.05, 0.12] and all(b.get_x() == 0 for b in bars)
    assert texts(ax) == ["60 ms, 1.2x the fastest", "50 ms, fastest", "120 ms, 2.4x the fastest"]


def test_timing_figure_beyond_a_factor_of_100_has_dots_on_a_log_axis_one_label_a_decade():
    fig = plot.timing_figure({"loop": 2.0, "im2col": 3e-3, "torch": 4e-5})
    (ax,) = fig.axes
    assert ax.get_xscale() == "log" and not ax.patches            # no bars on a log axis
    (dots,) = ax.lines
    assert list(dots.get_xdata()) == [2.0, 3e-3, 4e-5]
    assert texts(ax) == ["2 s, 50,000x the fastest", "3 ms, 75x the fastest", "40 us, fastest"]
    majors = [t for t in ax.xaxis.get_majorticklocs() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert np.allclose(np.diff(np.log10(majors)), 1)               # one tick per power of ten
    assert all(t.get_text() == "" for t in ax.xaxis.get_minorticklabels())


def test_photograph_is_a_grey_image_of_block_means_from_matplotlibs_sample_data():
    from matplotlib import cbook
    from matplotlib.image import imread

    photo = plot.photograph("grace_hopper.jpg", step=4)
    rgb = imread(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    assert photo.shape == (rgb.shape[0] // 4, rgb.shape[1] // 4)
    assert 0 <= photo.min() and photo.max() <= 1
    assert photo[10, 20] == pytest.approx(rgb[40:44, 80:84].mean() / 255)


def test_feature_maps_figure_shows_the_image_then_each_map_on_a_symmetric_scale(rng):
    image, a, b = rng.random((8, 9)), rng.standard_normal((6, 7)), -rng.random((6, 7))
    fig = plot.feature_maps_figure(image, {"a": a, "b": b}, title="edges")
    panels = fig.axes
    assert len(panels) == 3 and panels[0].images[0].get_array().shape == (8, 9)
    for ax, m in zip(panels[1:], (a, b)):
        top = np.abs(m).max()
        assert ax.images[0].get_clim() == (-top, top)
        np.testing.assert_array_equal(ax.images[0].get_array(), m)
    assert [ax.get_title().split("\n")[0] for ax in panels[1:]] == ["a", "b"]


def gids(ax, kind=Rectangle):
    return {p.get_gid(): p for p in ax.patches if isinstance(p, kind) and p.get_gid()}


def test_kernel_stack_figure_draws_a_sheet_per_channel_and_the_window_through_all_of_them():
    fig = plot.kernel_stack_figure((3, 5, 6), (2, 3, 2, 3), position=(1, 2))
    (ax,) = fig.axes
    patches = gids(ax)
    assert {f"x {c}" for c in range(3)} | {f"w[{o}] {c}" for o in range(2) for c in range(3)} \
        | {f"y {o}" for o in range(2)} <= set(patches)
    assert "x 3" not in patches and "w[2] 0" not in patches and "y 2" not in patches
    assert (patches["x 0"].get_width(), patches["x 0"].get_height()) == (6, 5)
    assert (patches["w[1] 2"].get_width(), patches["w[1] 2"].get_height()) == (3, 2)
    assert (patches["y 1"].get_width(), patches["y 1"].get_height()) == (6 - 3 + 1, 5 - 2 + 1)
    for c in (0, 2):                                  # the window on the front and back sheets
        sheet, window = patches[f"x {c}"], patches[f"x window {c}"]
        assert (window.get_x() - sheet.get_x(), window.get_y() - sheet.get_y()) == (2, 1)
        assert (window.get_width(), window.get_height()) == (3, 2)
    assert (patches["y window 0"].get_x() - patches["y 0"].get_x(),
            patches["y window 0"].get_y() - patches["y 0"].get_y()) == (2, 1)


def test_volume_figure_outlines_the_kernel_on_the_depth_slices_it_reads():
    fig = plot.volume_figure((5, 4, 4), (3, 2, 2), positions=[(0, 1, 0), (2, 0, 2)])
    (ax,) = fig.axes
    patches = gids(ax)
    assert {f"0 x {s}" for s in range(5)} <= set(patches) and "0 x 5" not in patches
    assert {"0 x window 0", "0 x window 2", "1 x window 2", "1 x window 4"} <= set(patches)
    window, sheet = patches["1 x window 4"], patches["1 x 4"]
    assert (window.get_x() - sheet.get_x(), window.get_y() - sheet.get_y()) == (2, 0)
    assert (window.get_width(), window.get_height()) == (2, 2)
    # the slices outside the kernel are greyed, those inside are not
    assert patches["1 x 0"].get_facecolor() != patches["1 x 2"].get_facecolor()
    assert patches["1 x 2"].get_facecolor() == patches["1 x 4"].get_facecolor()
    out, voxel = patches["1 y 2"], patches["1 y window 2"]               # output (3, 3, 3)
    assert (out.get_width(), out.get_height()) == (3, 3)
    assert (voxel.get_x() - out.get_x(), voxel.get_y() - out.get_y()) == (2, 0)


def test_weight_sharing_figure_numbers_each_position_with_the_kernel_it_uses():
    fig = plot.weight_sharing_figure((4, 6), tile=(2, 3))
    conv, tiled, local = fig.axes
    assert texts(conv) == ["0"] * 24
    assert texts(tiled) == [str((r % 2) * 3 + c % 3) for r in range(4) for c in range(6)]
    assert texts(local) == [str(r * 6 + c) for r in range(4) for c in range(6)]
    assert [ax.get_title().split("\n")[1] for ax in fig.axes] == [
        "1 kernel for 24 positions", "6 kernels for 24 positions", "24 kernels for 24 positions"]


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
    (lambda: plot.photograph(step=0), ["step", "0"]),
    (lambda: plot.feature_maps_figure(np.ones(3), {"a": np.ones((2, 2))}), ["image", "(3,)"]),
    (lambda: plot.feature_maps_figure(np.ones((3, 3)), {"a": np.ones(2)}), ["maps['a']", "(2,)"]),
    (lambda: plot.kernel_stack_figure((3, 5, 5), (2, 2, 3, 3)), ["weight_shape (2, 2, 3, 3)", "x_shape (3, 5, 5)"]),
    (lambda: plot.kernel_stack_figure((1, 2, 2), (1, 1, 3, 3)), ["weight_shape (1, 1, 3, 3)", "x_shape (1, 2, 2)"]),
    (lambda: plot.kernel_stack_figure((1, 5, 5), (1, 1, 3, 3), (3, 0)), ["position", "(3, 3)"]),
    (lambda: plot.volume_figure((2, 4, 4), (3, 3, 3), [(0, 0, 0)]), ["kernel_shape (3, 3, 3)", "volume_shape (2, 4, 4)"]),
    (lambda: plot.volume_figure((5, 4, 4), (3, 3, 3), [(3, 0, 0)]), ["positions", "(3, 2, 2)"]),
    (lambda: plot.volume_figure((5, 4, 4), (3, 3, 3), []), ["positions"]),
    (lambda: plot.weight_sharing_figure((4, 4), (0, 2)), ["tile", "0"]),
])
def test_bad_input_raises_value_error_naming_argument_and_shapes(call, words):
    with pytest.raises(ValueError) as error:
        call()
    for word in words:
        assert word in str(error.value)

"""The figures of chapter 3 draw what torch computes: the kernel copies the scatter adds and
their sum, the window the zero-insertion view reads, the output_padding that gives each
input size back, the overlap counts, upsampled images and strengths as given; they refuse
bad input by name and leave no figure open in pyplot."""
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from convzoo import plot  # noqa: E402
from convzoo.upsampling import checkerboard_strength  # noqa: E402


@pytest.fixture(autouse=True)
def no_open_figures():
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


def draws(fig):
    fig.savefig(io.BytesIO(), format="png")


def by_gid(ax, prefix):
    return {a.get_gid(): a for a in ax.get_children() if (a.get_gid() or "").startswith(prefix)}


def all_with_gid(ax, gid):
    """Every artist of ax with this gid, in drawing order (bar() gives each bar the gid)."""
    return [a for a in ax.get_children() if a.get_gid() == gid]


def box(patch):
    return (patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height())


def torch_transpose(x, k, **kwargs):
    """torch's conv_transpose2d of one image with one kernel, in float64."""
    return F.conv_transpose2d(torch.from_numpy(np.asarray(x, float))[None, None],
                              torch.from_numpy(np.asarray(k, float))[None, None],
                              **kwargs)[0, 0].numpy()


def cell_values(ax, shape):
    """The numbers written in the first h * w texts of a grid axis, as an (h, w) array."""
    texts = [float(t.get_text()) for t in ax.texts[:shape[0] * shape[1]]]
    return np.array(texts).reshape(shape)


@pytest.mark.parametrize("stride, padding", [((2, 2), (1, 1)), ((1, 2), (0, 1)), ((3, 1), (0, 0))])
def test_scatter_figure_stamps_each_copy_where_the_formula_says_and_sums_to_torch(stride, padding):
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    k = np.arange(1.0, 10.0).reshape(3, 3)
    fig = plot.scatter_figure(x, k, stride=stride, padding=padding)
    assert isinstance(fig, Figure)
    axes = fig.axes
    assert len(axes) == 2 + x.size + 1
    full = torch_transpose(x, k, stride=stride)              # before padding crops
    out = torch_transpose(x, k, stride=stride, padding=padding)
    for n, (i, j) in enumerate(np.ndindex(*x.shape)):
        (stamp,) = by_gid(axes[2 + n], f"stamp {i},{j}").values()
        assert box(stamp) == (j * stride[1], i * stride[0], 3, 3)
        written = sorted(float(t.get_text()) for t in axes[2 + n].texts)
        assert written == sorted(x[i, j] * k.ravel())
    assert np.array_equal(cell_values(axes[-1], full.shape), full)
    (outline,) = by_gid(axes[-1], "output").values()
    assert box(outline) == (padding[1], padding[0], out.shape[1], out.shape[0])
    draws(fig)


@pytest.mark.parametrize("stride, padding, output_padding, position", [
    (2, 1, 1, (1, 2)), (2, 0, 0, (0, 0)), (3, 2, 2, (2, 1)), (1, 1, 0, (1, 1))])
def test_zero_insertion_window_times_the_turned_kernel_is_torchs_output(stride, padding,
                                                                        output_padding,
                                                                        position):
    x = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, 5.0]])
    k = np.array([[1.0, 2.0, 0.0], [-1.0, 3.0, 1.0], [2.0, 0.0, 4.0]])
    fig = plot.zero_insertion_figure(x, k, stride=stride, padding=padding,
                                     output_padding=output_padding, position=position)
    ax_z, ax_k, ax_out = fig.axes
    out = torch_transpose(x, k, stride=stride, padding=padding, output_padding=output_padding)
    border = 3 - 1 - padding
    size = [(n - 1) * stride + 1 + 2 * border + output_padding for n in x.shape]
    z = cell_values(ax_z, size)
    assert z.sum() == x.sum()                                 # every pixel once, zeros around
    (window,) = by_gid(ax_z, "window").values()
    i, j = position
    assert box(window) == (j, i, 3, 3)
    assert (z[i:i + 3, j:j + 3] * k[::-1, ::-1]).sum() == out[i, j]
    assert np.array_equal(cell_values(ax_k, k.shape), k[::-1, ::-1])
    assert np.array_equal(cell_values(ax_out, out.shape), out)
    assert fig._suptitle.get_text().endswith(f"= {out[i, j]:.0f}")
    draws(fig)


def test_output_padding_figure_outlines_the_output_padding_that_gives_n_back():
    sizes, k, s, p = [5, 6, 7], 3, 3, 1
    fig = plot.output_padding_figure(sizes, k, stride=s, padding=p)
    (ax,) = fig.axes
    outlined = {gid: patch for gid, patch in by_gid(ax, "n=").items()
                if hasattr(patch, "get_fill") and not patch.get_fill()}
    assert len(outlined) == len(sizes)
    for n in sizes:
        m = F.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=s, padding=p).shape[-1]
        back = {o: F.conv_transpose1d(torch.zeros(1, 1, m), torch.zeros(1, 1, k), stride=s,
                                      padding=p, output_padding=o).shape[-1] for o in range(s)}
        (o,) = [o for o, length in back.items() if length == n]
        assert box(outlined[f"n={n} output_padding={o}"])[2] == n
        others = [t for t in ax.texts if t.get_gid() and t.get_gid().startswith(f"n={n} ")]
        assert len(others) == s - 1                          # the lengths that miss n
    draws(fig)


def test_overlap_figure_bars_and_maps_are_torchs_counts_with_their_strength():
    pairs, n = [(3, 2), (4, 2), (3, 1)], 6
    fig = plot.overlap_figure(pairs, n=n)
    axes = np.array(fig.axes).reshape(2, len(pairs))
    for col, (k, s) in enumerate(pairs):
        line = F.conv_transpose1d(torch.ones(1, 1, n), torch.ones(1, 1, k), stride=s)[0, 0]
        bars = all_with_gid(axes[0, col], f"k={k} s={s} bars")
        assert [r.get_height() for r in bars] == line.tolist()
        square = torch_transpose(np.ones((n, n)), np.ones((k, k)), stride=s)
        (image,) = by_gid(axes[1, col], f"k={k} s={s} map").values()
        assert np.array_equal(image.get_array(), square)
        inside = square[k:-k, k:-k]
        assert f"strength inside {checkerboard_strength(inside, s):.2f}" in axes[1, col].get_title()
    assert "0.00" in axes[1, 1].get_title() and "0.00" not in axes[1, 0].get_title()
    draws(fig)


def test_upsampled_figure_shows_each_image_as_given_under_its_label():
    rng = np.random.default_rng(3)
    images = {"a": rng.standard_normal((4, 6)), "b": rng.standard_normal((8, 8))}
    fig = plot.upsampled_figure(images, title="t")
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    for ax, a in zip(fig.axes, images.values()):
        assert np.array_equal(ax.images[0].get_array(), a)
    draws(fig)


def test_strengths_figure_draws_each_number_as_a_bar_from_zero():
    columns = {"m1": {"x": 0.5, "y": 0.0, "z": 0.9}, "m2": {"x": 0.1, "y": 0.2, "z": 0.3}}
    fig = plot.strengths_figure(columns, title="t")
    for ax, (measure, values) in zip(fig.axes, columns.items()):
        bars = all_with_gid(ax, f"{measure} bars")
        assert [r.get_width() for r in bars] == list(values.values())
        assert all(r.get_x() == 0 for r in bars)
        assert [t.get_text() for t in ax.texts] == [f"{v:.2f}" for v in values.values()]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["x", "y", "z"]
    draws(fig)


@pytest.mark.parametrize("call, message", [
    (lambda: plot.scatter_figure(np.ones((4, 3)), np.ones((2, 2))), "at most 9 pixels"),
    (lambda: plot.scatter_figure(np.ones((2, 2, 1)), np.ones((2, 2))), "x"),
    (lambda: plot.scatter_figure(np.ones((2, 2)), np.ones((2, 2)), padding=5), "padding"),
    (lambda: plot.zero_insertion_figure(np.ones((2, 2)), np.ones((3, 3)), 2, 1,
                                        position=(9, 0)), "position"),
    (lambda: plot.output_padding_figure([], 3, 2), "sizes"),
    (lambda: plot.output_padding_figure([2], 5, 2), "5"),
    (lambda: plot.overlap_figure([(3, 0)]), "pairs"),
    (lambda: plot.overlap_figure("3, 2"), "pairs"),
    (lambda: plot.upsampled_figure({"a": np.ones(3)}), "images['a']"),
    (lambda: plot.strengths_figure({"m": {"x": 1.0}, "n": {"y": 1.0}}), "columns['n']"),
    (lambda: plot.strengths_figure({"m": {"x": -1.0}}), ">= 0"),
])
def test_bad_input_is_refused_by_name(call, message):
    with pytest.raises(ValueError, match=None) as error:
        call()
    assert message in str(error.value)

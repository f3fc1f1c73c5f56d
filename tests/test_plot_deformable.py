"""The figures of chapter 7 draw what the library computes: sampling points where
sampling_points puts them (and torchvision reads), the four bilinear weights of a point,
samples along a row, the offset channels as split_offset reads them. No figure stays open."""
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from convzoo import plot  # noqa: E402
from convzoo.deformable import bilinear, join_offset, sampling_points  # noqa: E402


@pytest.fixture(autouse=True)
def no_open_figures():
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


def collection(ax, gid):
    (found,) = [c for c in ax.collections if c.get_gid() == gid]
    return found.get_offsets()


def texts(ax, prefix):
    return {t.get_gid(): t.get_text() for t in ax.texts if (t.get_gid() or "").startswith(prefix)}


def test_sampling_figure_draws_the_grid_and_the_points_sampling_points_gives(rng):
    image = rng.random((12, 14))
    moved = rng.uniform(-2, 2, (1, 2 * 2 * 6, 5, 6))          # 2 offset groups: group 0 drawn
    offsets = {"zero": np.zeros_like(moved), "moved": moved}
    fig = plot.sampling_figure(image, offsets, (2, 3), position=(3, 4), stride=2, padding=1,
                               dilation=(1, 2))
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    py, px = sampling_points(moved, (2, 3), stride=2, padding=1, dilation=(1, 2))
    grid_y, grid_x = np.mgrid[0:2, 0:3]
    for ax, (label, offset) in zip(fig.axes, offsets.items()):
        assert ax.get_title() == label
        # the grid of output (3, 4): rows 3*2 - 1 + u, columns 4*2 - 1 + 2v
        np.testing.assert_allclose(collection(ax, "grid points"),
                                   np.c_[(7 + 2 * grid_x).ravel(), (5 + grid_y).ravel()])
    np.testing.assert_allclose(collection(fig.axes[0], "sampling points"),
                               collection(fig.axes[0], "grid points"))
    np.testing.assert_allclose(collection(fig.axes[1], "sampling points"),
                               np.c_[px[0, 0, :, :, 3, 4].ravel(), py[0, 0, :, :, 3, 4].ravel()])
    assert fig.axes[0].get_xlim() == fig.axes[1].get_xlim()      # the same crop
    fig.savefig(io.BytesIO(), format="png")


def test_sampling_figure_moves_a_point_when_its_offset_channel_changes():
    offset = np.zeros((1, 18, 4, 4))
    offset[0, 2 * 5, 1, 2] = 1.5                # dy of tap 5 = (1, 2) at output (1, 2)
    fig = plot.sampling_figure(np.zeros((6, 6)), {"one tap": offset}, (3, 3), (1, 2))
    points = collection(fig.axes[0], "sampling points")
    grid = collection(fig.axes[0], "grid points")
    moved = np.flatnonzero(np.any(points != grid, axis=1))
    assert list(moved) == [5] and tuple(points[5] - grid[5]) == (0.0, 1.5)


@pytest.mark.parametrize("call, message", [
    (lambda: plot.sampling_figure(np.zeros((4, 4)), {}, (3, 3), (0, 0)), "offsets"),
    (lambda: plot.sampling_figure(np.zeros((4, 4)), {"a": np.zeros((1, 17, 2, 2))}, (3, 3),
                                  (0, 0)), r"offset.*\(1, 17, 2, 2\)"),
    (lambda: plot.sampling_figure(np.zeros((4, 4)), {"a": np.zeros((1, 18, 2, 2)),
                                                     "b": np.zeros((1, 18, 3, 2))}, (3, 3),
                                  (0, 0)), "one output size"),
    (lambda: plot.sampling_figure(np.zeros((4, 4)), {"a": np.zeros((1, 18, 2, 2))}, (3, 3),
                                  (2, 0)), r"position.*\(2, 2\)"),
    (lambda: plot.sampling_figure(np.zeros((2, 4, 4)), {"a": np.zeros((1, 18, 2, 2))}, (3, 3),
                                  (0, 0)), "image must be 2-D"),
])
def test_sampling_figure_rejects_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_bilinear_figure_labels_each_neighbour_with_its_weight_and_shades_the_outside():
    image = np.arange(12.0).reshape(3, 4)
    fig = plot.bilinear_figure(image, [(1.2, 2.3), (-0.4, 3.7)])
    inside, outside = fig.axes
    weights = {gid.split()[-1]: float(t) for gid, t in texts(inside, "weight text").items()}
    assert weights == {"1,2": 0.56, "1,3": 0.24, "2,2": 0.14, "2,3": 0.06}
    # the rectangle opposite neighbour (1, 2) spans from the point to (2, 3): area 0.8 * 0.7
    (opposite,) = [p for p in inside.patches if p.get_gid() == "weight 1,2"]
    assert (opposite.get_x(), opposite.get_y(), opposite.get_width(),
            opposite.get_height()) == pytest.approx((2.3, 1.2, 0.7, 0.8))
    assert f"{bilinear(image, 1.2, 2.3):.3g}" in inside.get_title()
    values = texts(outside, "value")
    assert values["value -1,3"] == "0" and values["value 0,3"] == "3" and values["value 0,4"] == "0"
    shaded = {p.get_gid(): p.get_facecolor() for p in outside.patches
              if (p.get_gid() or "").startswith("pixel")}
    assert shaded["pixel -1,3"] != shaded["pixel 0,3"]
    assert "bilinear = 0.54" in outside.get_title()       # only (0, 3) is inside: 0.6 * 0.3 * 3
    assert sum(float(t) for t in texts(outside, "weight text").values()) == pytest.approx(1)


@pytest.mark.parametrize("points, message", [([], "points"), ([(0, np.nan)], "finite"),
                                             ([(0,)], "points")])
def test_bilinear_figure_rejects_bad_points(points, message):
    with pytest.raises(ValueError, match=message):
        plot.bilinear_figure(np.zeros((3, 3)), points)


def test_border_figure_draws_each_rule_and_the_pixels():
    row, xs = np.array([1.0, 2.0, 3.0]), np.linspace(-2, 4, 13)
    fig = plot.border_figure(row, xs, {"zeros": np.zeros(13), "clamp": np.ones(13)})
    (ax,) = fig.axes
    lines = {line.get_gid(): line for line in ax.lines if line.get_gid()}
    assert set(lines) == {"zeros", "clamp", "pixels"}
    np.testing.assert_array_equal(lines["clamp"].get_xdata(), xs)
    np.testing.assert_array_equal(lines["pixels"].get_ydata(), row)
    with pytest.raises(ValueError, match=r"samples\['a'\].*\(13,\)"):
        plot.border_figure(row, xs, {"a": np.zeros(12)})


def test_offset_layout_figure_labels_channels_as_split_offset_reads_them():
    fig = plot.offset_layout_figure((2, 3), offset_groups=2, mask=True)
    strip, mask_strip, taps = fig.axes
    axes = texts(strip, "offset channel")
    assert len(axes) == 24
    assert [axes[f"offset channel {c} axis"] for c in range(4)] == ["dy", "dx", "dy", "dx"]
    labels = texts(taps, "tap")
    # tap (1, 0) of group 1 is t = 6 + 3 = 9: offset channels 18, 19, mask channel 9
    assert labels["tap 1,1,0 channels"] == "t=9\n18,19\nm 9"
    # the offset channels of a tap have its colour, and so has its mask channel
    colour = {p.get_gid(): p.get_facecolor() for ax in fig.axes for p in ax.patches if p.get_gid()}
    assert colour["offset channel 18"] == colour["offset channel 19"] == colour["tap 1,1,0"]
    assert colour["mask channel 9"] == colour["tap 1,1,0"]
    assert colour["offset channel 18"] != colour["offset channel 20"]
    assert len(texts(mask_strip, "mask channel")) == 12


def test_offset_layout_figure_agrees_with_join_offset():
    # an offset that is c in channel c: join_offset puts dy of tap (u, v) of group g where
    # the figure says
    dy = np.arange(0, 24, 2.0).reshape(1, 2, 2, 3, 1, 1)
    assert join_offset(dy, dy + 1).ravel().tolist() == list(range(24))
    labels = texts(plot.offset_layout_figure((2, 3), 2).axes[1], "tap")
    assert labels["tap 0,1,2 channels"] == "t=5\n10,11"


@pytest.mark.parametrize("kwargs, message", [(dict(kernel_size=(0, 3)), "kernel_size"),
                                             (dict(kernel_size=3, offset_groups=0), "offset_groups"),
                                             (dict(kernel_size=(5, 5), offset_groups=2), "72")])
def test_offset_layout_figure_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot.offset_layout_figure(**kwargs)

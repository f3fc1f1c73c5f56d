"""convzoo.plot.fast: chapter 9's figures show what they are given."""
import numpy as np
import pytest
from matplotlib.patches import Rectangle

from convzoo import fast
from convzoo.plot.fast import bench_figure, roofline_figure, transforms_figure


def test_transforms_figure_writes_each_entry_as_a_fraction_and_greys_the_zeros():
    fig = transforms_figure({"B^T": fast.WINOGRAD_BT, "G": fast.WINOGRAD_G})
    assert [ax.get_title() for ax in fig.axes] == ["B^T", "G"]
    g = fig.axes[1]
    assert [t.get_text() for t in g.texts] == ["1", "0", "0", "1/2", "1/2", "1/2",
                                               "1/2", "-1/2", "1/2", "0", "0", "1"]
    cells = [p for p in g.patches if isinstance(p, Rectangle)]
    grey = [p.get_facecolor() == cells[1].get_facecolor() for p in cells]
    assert grey == list((fast.WINOGRAD_G == 0).ravel())


@pytest.mark.parametrize("matrices, match", [
    ({}, "^matrices must be a non-empty dict"),
    ({"v": np.ones(3)}, r"^matrices\['v'\]"),
])
def test_transforms_figure_rejects_bad_input_by_name(matrices, match):
    with pytest.raises(ValueError, match=match):
        transforms_figure(matrices)


def test_roofline_figure_draws_the_roof_through_the_ridge_and_every_point_where_measured():
    points = {"depthwise": (2.0, 11.0), "dense 3x3": (60.0, 140.0)}
    fig = roofline_figure(150.0, 10.0, points)
    ax = fig.axes[0]
    roof = next(line for line in ax.lines if line.get_gid() == "roof")
    x, y = roof.get_data()
    np.testing.assert_allclose(y, np.minimum(150.0, 10.0 * x))
    assert x.min() < 2.0 and x.max() > 60.0                      # every point under the roof's span
    for label, (i, g) in points.items():
        marker = next(c for c in ax.collections if c.get_gid() == f"point {label}")
        np.testing.assert_allclose(marker.get_offsets(), [[i, g]])
    assert any("ridge 15.0" in t.get_text() for t in ax.texts)


@pytest.mark.parametrize("args, match", [
    ((150.0, 10.0, {}), "^points must be a non-empty dict"),
    ((150.0, 10.0, {"a": (1.0,)}), r"^points\['a'\] must be"),
    ((150.0, 10.0, {"a": (0.0, 1.0)}), r"^points\['a'\] must be"),
    ((0.0, 10.0, {"a": (1.0, 1.0)}), "^peak_gflops must be positive"),
    ((150.0, -1.0, {"a": (1.0, 1.0)}), "^bandwidth_gbs must be positive"),
])
def test_roofline_figure_rejects_bad_input_by_name(args, match):
    with pytest.raises(ValueError, match=match):
        roofline_figure(*args)


def test_bench_figure_draws_one_bar_per_operator_with_its_median_and_goal():
    rows = [{"operator": "conv2d", "ratio": 1.8, "median_ratio": 1.3, "goal": 1.5},
            {"operator": "channel_shuffle", "ratio": 0.7}]
    fig = bench_figure(rows)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert [round(b.get_width(), 6) for b in bars] == [1.8, 0.7]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["conv2d", "channel_shuffle"]
    assert bars[0].get_y() > bars[1].get_y()                     # the first row on top
    medians = next(c for c in ax.collections if c.get_gid() == "medians")
    np.testing.assert_allclose(medians.get_offsets(), [[1.3, bars[0].get_y() + 0.3]])
    goals = next(c for c in ax.collections if c.get_gid() == "goals")
    np.testing.assert_allclose(goals.get_offsets()[:, 0], [1.5])
    assert ax.get_xscale() == "log"


@pytest.mark.parametrize("rows, match", [
    ([], "^rows must be a non-empty list"),
    ([{"ratio": 1.0}], r"^rows\[0\] must be a dict with 'operator'"),
    ([{"operator": "a"}], r"^rows\[0\] must be a dict with 'operator' and 'ratio'"),
    ([{"operator": "a", "ratio": 1.0}, {"operator": "b", "ratio": -2.0}],
     r"^rows\[1\]\['ratio'\] must be a positive number"),
    ([{"operator": "a", "ratio": 1.0, "goal": "fast"}], r"^rows\[0\]\['goal'\]"),
])
def test_bench_figure_rejects_bad_rows_by_name(rows, match):
    with pytest.raises(ValueError, match=match):
        bench_figure(rows)

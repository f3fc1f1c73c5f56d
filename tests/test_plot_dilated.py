"""The figures of chapter 4 draw what the library computes: the taps a dilated kernel reads,
the units a stack depends on, coverage maps with their holes, the weights left on a small
feature map; and they leave no figure open in pyplot."""
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from convzoo import plot  # noqa: E402
from convzoo.arithmetic import receptive_field  # noqa: E402
from convzoo.convolution import conv2d  # noqa: E402
from convzoo.dilated import coverage, coverage_map  # noqa: E402


@pytest.fixture(autouse=True)
def no_open_figures():
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


def draws(fig):
    fig.savefig(io.BytesIO(), format="png")


def by_gid(ax, prefix):
    return {a.get_gid(): a for a in ax.get_children() if (a.get_gid() or "").startswith(prefix)}


def test_dilated_kernel_figure_marks_the_pixels_the_output_reads():
    k = np.arange(1.0, 7.0).reshape(2, 3)
    fig = plot.dilated_kernel_figure(k, (3, 2), (9, 8), position=(1, 2))
    assert isinstance(fig, Figure)
    ax_k, ax_big, ax_x = fig.axes
    assert [t.get_text() for t in ax_k.texts] == ["1", "2", "3", "4", "5", "6"]
    assert len(ax_big.texts) == 4 * 5                          # (2 - 1) 3 + 1, (3 - 1) 2 + 1
    assert [t.get_text() for t in ax_big.texts][:5] == ["1", "0", "2", "0", "3"]
    taps = by_gid(ax_x, "tap")
    corners = sorted((int(p.get_y()), int(p.get_x())) for p in taps.values())
    assert corners == [(1 + 3 * u, 2 + 2 * v) for u in range(2) for v in range(3)]
    assert set(taps) == {f"tap {u} {v}" for u in range(2) for v in range(3)}
    (span,) = [p for p in ax_x.patches if not p.get_fill()]
    assert (span.get_x(), span.get_y(), span.get_width(), span.get_height()) == (2, 1, 5, 4)
    assert "14 zeros inserted" in ax_big.get_title()          # 4 x 5 - 2 x 3
    draws(fig)


@pytest.mark.parametrize("causal", [False, True])
def test_dependency_figure_colours_what_coverage_says_and_nothing_after_t(causal):
    k, rates = 2, [1, 2, 4]
    fig = plot.dependency_figure(k, rates, causal=causal)
    (ax,) = fig.axes
    layers = [(k, 1, d) for d in rates]
    R = receptive_field(layers)
    levels = by_gid(ax, "level")
    counts = [len(levels[f"level {n}"].get_offsets()) for n in range(len(rates) + 1)]
    assert counts == [int(np.count_nonzero(coverage(layers[n:]))) for n in range(len(rates))] + [1]
    inputs = levels["level 0"].get_offsets()[:, 0]
    top = levels[f"level {len(rates)}"].get_offsets()[0, 0]
    assert inputs.max() - inputs.min() == R - 1
    if causal:
        assert inputs.max() == top                          # the newest input it reads is t
    else:
        assert inputs.min() < top < inputs.max()
    taps = by_gid(ax, "taps")
    assert len(taps["taps 0"].get_segments()) == k * counts[1]
    assert f"reads {R} inputs" in ax.get_title()
    draws(fig)


def test_coverage_figure_counts_the_pixels_never_read():
    maps = {"rates 2, 2": coverage_map([(3, 1, 2)] * 2), "rates 1, 2": coverage_map([(3, 1, 1),
                                                                                   (3, 1, 2)])}
    fig = plot.coverage_figure(maps)
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 2
    assert f"{81 - 25} never read" in panels[0].get_title()   # 5 of 9 rows and columns read
    assert "0 never read" in panels[1].get_title()
    shown = panels[0].images[0].get_array()
    assert np.array_equal(np.ma.getmaskarray(shown), maps["rates 2, 2"] == 0)
    draws(fig)


def test_valid_weights_figure_follows_the_counts_of_conv2d():
    fig = plot.valid_weights_figure(9, [1, 4, 8, 9])
    (ax,) = fig.axes
    lines = {line.get_gid(): line.get_ydata() for line in ax.lines}
    assert list(lines["full"]) == [49 / 81, 1 / 81, 0.0, 0.0]   # rate 4: only the centre output
    assert lines["centre"][-1] == 1.0 and lines["centre"][0] == 0.0   # rate 9 > map: a 1x1
    assert lines["centre"][2] == 49 / 81          # rate 8: rows and columns 1-7 only the centre
    on_map = conv2d(np.ones((1, 1, 9, 9)), np.ones((1, 1, 3, 3)), padding=4, dilation=4)
    assert lines["mean"][1] == pytest.approx(on_map.mean() / 9)
    draws(fig)


@pytest.mark.parametrize("call, words", [
    (lambda: plot.dilated_kernel_figure(np.ones(3), 2, (5, 5)), ["k", "(3,)"]),
    (lambda: plot.dilated_kernel_figure(np.ones((3, 3)), 3, (5, 9)), ["spans (7, 7)", "(5, 9)"]),
    (lambda: plot.dilated_kernel_figure(np.ones((3, 3)), 2, (5, 5), (1, 0)),
     ["position", "(1, 1)", "(1, 0)"]),
    (lambda: plot.dependency_figure(2, []), ["dilations", "[]"]),
    (lambda: plot.dependency_figure(0, [1]), ["kernel_size", ">= 1"]),
    (lambda: plot.coverage_figure({"a": np.ones(3)}), ["maps['a']", "(3,)"]),
    (lambda: plot.coverage_figure({"a": -np.ones((2, 2))}), ["maps['a']", ">= 0"]),
    (lambda: plot.valid_weights_figure(9, [1], kernel_size=2), ["kernel_size", "odd"]),
])
def test_bad_input_names_the_argument(call, words):
    with pytest.raises(ValueError) as error:
        call()
    for word in words:
        assert word in str(error.value), (word, str(error.value))

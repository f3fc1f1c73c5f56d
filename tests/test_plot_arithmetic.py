"""The figures of chapter 2 show what they promise: the windows and unread cells of the
output-size formula, the staircase of output sizes, the field of a stack, the effective
field, the padding modes and the pooling windows; bad input names the argument."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from convzoo import plot  # noqa: E402
from convzoo.arithmetic import conv_output_size, equivalent_kernel  # noqa: E402


@pytest.fixture(autouse=True)
def no_open_figures():
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


def patches(ax):
    return {p.get_gid(): p for p in ax.patches if isinstance(p, Rectangle) and p.get_gid()}


def texts(ax):
    return [t.get_text() for t in ax.texts]


def torch_reads(n, k, s, p, d):
    """{output: input cells it depends on}, by torch: one-hot inputs, a kernel of ones."""
    y = F.conv1d(torch.eye(n, dtype=torch.float64)[:, None], torch.ones(1, 1, k, dtype=torch.float64),
                 stride=s, padding=p, dilation=d)[:, 0]
    return {o: set(np.flatnonzero(y[:, o].numpy())) for o in range(y.shape[1])}


@pytest.mark.parametrize("case", [dict(n=5, k=3), dict(n=6, k=3, stride=2), dict(n=7, k=2, stride=3, padding=1),
                                  dict(n=8, k=3, dilation=2, padding=1), dict(n=5, k=3, padding=2)])
def test_windows_figure_draws_a_bar_per_output_over_the_cells_torch_reads(case):
    fig = plot.windows_figure({"case": case})
    (ax,) = fig.axes
    found = patches(ax)
    n, k = case["n"], case["k"]
    s, p, d = case.get("stride", 1), case.get("padding", 0), case.get("dilation", 1)
    reads = torch_reads(n, k, s, p, d)
    assert len([g for g in found if " window " in g]) == conv_output_size(n, k, s, p, d) == len(reads)
    for o, cells in reads.items():
        bar = found[f"case window {o}"]
        first, last = o * s - p, o * s - p + d * (k - 1)          # input coordinates
        assert bar.get_x() == pytest.approx(first + p + 0.1)
        assert bar.get_x() + bar.get_width() == pytest.approx(last + p + 0.9)
        assert cells <= set(range(first, last + 1))
    read = set().union(*reads.values())
    assert {g for g in found if " unread " in g} == {f"case unread {t}" for t in range(n) if t not in read}
    assert {g for g in found if " padding " in g} == {f"case padding {t}" for t in
                                                      list(range(-p, 0)) + list(range(n, n + p))}
    assert ax.get_yticklabels()[0].get_text() == "case"


def test_windows_figure_marks_the_pixel_the_floor_throws_away():
    (ax,) = plot.windows_figure({"s2": dict(n=6, k=3, stride=2)}).axes
    assert "s2 unread 5" in patches(ax) and "o = 2, 1 unread" in texts(ax)


def test_sizes_figure_steps_are_conv_output_size_under_the_straight_line():
    fig = plot.sizes_figure(3, stride=2, padding=1, n_max=12)
    (ax,) = fig.axes
    line, dots = ax.lines
    assert list(dots.get_xdata()) == list(range(1, 13))
    assert list(dots.get_ydata()) == [conv_output_size(n, 3, 2, 1) for n in range(1, 13)]
    straight = np.interp(dots.get_xdata(), line.get_xdata(), line.get_ydata())
    assert np.all(straight >= dots.get_ydata() - 1e-9) and np.all(straight - dots.get_ydata() < 1)
    assert "every 2 input sizes" in ax.get_title()


def test_receptive_field_figure_fills_the_pixels_the_unit_reads_as_torch_finds_them():
    layers = [(7, 2, 1, 3), (3, 2, 1, 1)]                       # a ResNet stem, along one axis
    fig = plot.receptive_field_figure(layers, 24, unit=3, names=["conv1", "maxpool"])
    (ax,) = fig.axes
    found = patches(ax)
    x = torch.ones(1, 1, 24, dtype=torch.float64, requires_grad=True)
    y = F.avg_pool1d(F.conv1d(x, torch.ones(1, 1, 7, dtype=torch.float64), stride=2, padding=3),
                     3, 2, 1)                                   # the window of the max pool
    grad = torch.zeros_like(y)
    grad[0, 0, 3] = 1
    (g,) = torch.autograd.grad(y, x, grad)
    seen = {int(t) for t in np.flatnonzero(g[0, 0].numpy())}
    assert {int(gid.split()[1]) for gid in found if gid.startswith("input ") and gid.endswith("read")} == seen
    assert "maxpool 3 read" in found and "maxpool 2" in found
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "input, 24 pixels" and labels[-1].startswith("maxpool: k 3, s 2")
    assert "sees input pixels 7 .. 17" in ax.get_title() and "receptive field 11" in ax.get_title()
    # each unit is drawn at the centre of its field: unit u of the stem at 2u - 3 + 3 + 0.5
    stem = found["conv1 4"]
    assert stem.get_x() + stem.get_width() / 2 == pytest.approx(2 * 4 + 0.5)


def test_effective_field_figure_shows_each_map_in_its_field_and_its_middle_row():
    maps = {f"{n} layers": equivalent_kernel([np.ones((3, 3))] * n) for n in (1, 2, 4)}
    fig = plot.effective_field_figure(maps)
    profile, *panels = fig.axes
    assert [ax.get_title().split("\n")[0] for ax in panels] == list(maps)
    for ax, (label, m) in zip(panels, maps.items()):
        field = patches(ax)[f"{label} field"]
        assert (field.get_width(), field.get_height()) == m.shape[::-1]
        assert ax.images[0].get_array().shape == (9, 9)              # the common canvas
    rows = {line.get_gid(): line.get_ydata() for line in profile.lines}
    for label, m in maps.items():
        assert np.allclose(rows[label], m[m.shape[0] // 2] / m.max())


def test_padding_modes_figure_shows_what_pad_computes_around_the_outlined_input():
    x = np.arange(12.0).reshape(3, 4)
    fig = plot.padding_modes_figure(x, 2)
    assert [ax.get_title() for ax in fig.axes] == [f'mode="{m}"' for m in
                                                    ("constant", "reflect", "replicate", "circular")]
    reflect = fig.axes[1]
    expected = F.pad(torch.from_numpy(x)[None, None], (2, 2, 2, 2), mode="reflect")[0, 0].numpy()
    assert texts(reflect) == [f"{v:g}" for v in expected.ravel()]
    box = patches(reflect)["reflect input"]
    assert (box.get_x(), box.get_y(), box.get_width(), box.get_height()) == (2, 2, 4, 3)


def test_pooling_figure_outlines_the_cell_each_window_takes_and_both_outputs():
    x = np.array([[7.0, 5, 4, 2, 2, 0], [0, 0, 1, 7, 5, 8], [4, 5, 8, 6, 5, 4], [5, 8, 2, 7, 6, 0]])
    fig = plot.pooling_figure(x, 2)
    ax_x, ax_max, ax_avg = fig.axes
    found = patches(ax_x)
    assert (found["max of window 0,0"].get_x(), found["max of window 0,0"].get_y()) == (0.08, 0.08)
    assert (found["max of window 0,2"].get_x(), found["max of window 0,2"].get_y()) == (5.08, 1.08)
    assert texts(ax_max) == ["7", "7", "8", "8", "8", "6"]
    assert texts(ax_avg) == ["3.00", "3.50", "3.75", "5.50", "5.75", "3.75"]


def test_invariance_figure_plots_a_line_of_shares_per_label():
    fig = plot.invariance_figure([0, 1, 2], {"max": [1.0, 0.6, 0.5], "avg": [1.0, 0.1, 0.0]})
    (ax,) = fig.axes
    assert {line.get_gid(): list(line.get_ydata()) for line in ax.lines} == \
        {"max": [1.0, 0.6, 0.5], "avg": [1.0, 0.1, 0.0]}


@pytest.mark.parametrize("call, words", [
    (lambda: plot.windows_figure({}), ["cases"]),
    (lambda: plot.windows_figure({"a": dict(n=2, k=3)}), ["cases['a']", "kernel 3"]),
    (lambda: plot.windows_figure({"a": (5, 3)}), ["cases['a']", "dict"]),
    (lambda: plot.sizes_figure(0), ["k", "0"]),
    (lambda: plot.sizes_figure(9, n_max=3), ["n_max 3", "kernel 9"]),
    (lambda: plot.receptive_field_figure([(3, 1, 1)], 10), ["layers[0]", "(3, 1, 1)"]),
    (lambda: plot.receptive_field_figure([(3, 1, 1, 0)], 10, unit=8), ["unit", "8 units"]),
    (lambda: plot.receptive_field_figure([(5, 1, 1, 0)], 3), ["layers[0]", "n=3"]),
    (lambda: plot.receptive_field_figure([(3, 1, 1, 0)], 9, names=["a", "b"]), ["names", "1"]),
    (lambda: plot.effective_field_figure({"a": np.ones(3)}), ["maps['a']", "(3,)"]),
    (lambda: plot.effective_field_figure({"a": np.zeros((3, 3))}), ["maps['a']", "zero"]),
    (lambda: plot.padding_modes_figure(np.ones(3), 1), ["x", "(3,)"]),
    (lambda: plot.padding_modes_figure(np.ones((2, 2)), 2, ["reflect"]), ["reflect", "(2, 2)"]),
    (lambda: plot.padding_modes_figure(np.ones((2, 2)), 1, ["edge"]), ["modes", "edge"]),
    (lambda: plot.pooling_figure(np.ones(4), 2), ["x", "(4,)"]),
    (lambda: plot.pooling_figure(np.ones((2, 2)), 3), ["kernel", "(1, 1, 2, 2)"]),
    (lambda: plot.invariance_figure([], {"a": []}), ["shifts"]),
    (lambda: plot.invariance_figure([0, 1], {"a": [1.0]}), ["unchanged['a']", "2 shares"]),
])
def test_bad_input_raises_value_error_naming_argument_and_shapes(call, words):
    with pytest.raises(ValueError) as error:
        call()
    for word in words:
        assert word in str(error.value)


def torch_transposed_reads(n, k, s, p, a, d):
    """{output: inputs it depends on} of torch's conv_transpose1d: one-hot inputs, ones kernel."""
    y = F.conv_transpose1d(torch.eye(n, dtype=torch.float64)[:, None],
                           torch.ones(1, 1, k, dtype=torch.float64), stride=s, padding=p,
                           output_padding=a, dilation=d)[:, 0]
    return {o: set(np.flatnonzero(y[:, o].numpy())) for o in range(y.shape[1])}


@pytest.mark.parametrize("case", [dict(n=4, k=3), dict(n=3, k=3, stride=2), dict(n=3, k=3, stride=2, padding=1,
                                                                                output_padding=1),
                                  dict(n=2, k=2, stride=3, output_padding=2), dict(n=3, k=3, dilation=2, padding=2),
                                  dict(n=5, k=3, padding=2)])
def test_transposed_windows_figure_bars_read_the_inputs_torchs_outputs_depend_on(case):
    fig = plot.transposed_windows_figure({"case": case})
    (ax,) = fig.axes
    found = patches(ax)
    n, k = case["n"], case["k"]
    s, p = case.get("stride", 1), case.get("padding", 0)
    a, d = case.get("output_padding", 0), case.get("dilation", 1)
    reads = torch_transposed_reads(n, k, s, p, a, d)
    assert len([g for g in found if " window " in g]) == len(reads)
    inputs = {round(found[f"case input {j}"].get_x()): j for j in range(n)}
    assert sorted(inputs) == [d * (k - 1) - p + j * s for j in range(n)]
    for o, cells in reads.items():
        bar = found[f"case window {o}"]
        first = round(bar.get_x() - 0.1)
        assert bar.get_width() == pytest.approx(d * (k - 1) + 0.8)
        taps = range(first, first + d * (k - 1) + 1, d)
        assert {inputs[t] for t in taps if t in inputs} == cells, o
    cells = [g for g in found if " window " not in g]
    assert len(cells) == (n - 1) * s + 1 + 2 * (d * (k - 1) - p) + a
    assert len([g for g in cells if " inserted " in g]) == (n - 1) * (s - 1)


def test_transposed_windows_figure_refuses_bad_cases():
    with pytest.raises(ValueError, match=r"cases must be a non-empty dict"):
        plot.transposed_windows_figure({})
    with pytest.raises(ValueError, match=r"cases\['c'\] must be a dict with n, k"):
        plot.transposed_windows_figure({"c": dict(n=3)})
    with pytest.raises(ValueError, match=r"cases\['c'\]: output_padding must be smaller"):
        plot.transposed_windows_figure({"c": dict(n=3, k=3, stride=2, output_padding=2)})
    with pytest.raises(ValueError, match=r"cases\['c'\]: padding 3 is more than d\(k - 1\) = 2"):
        plot.transposed_windows_figure({"c": dict(n=5, k=3, padding=3)})

"""The figures of chapter 6 show what they promise: blocks where block_diagonal_weight puts
them, lines where channel_shuffle sends each channel, black where a stack links two
channels, the count and the times relative to g = 1; and bad input is refused by name."""
import matplotlib

matplotlib.use("Agg")
import io  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyBboxPatch, Rectangle  # noqa: E402

from convzoo import plot  # noqa: E402
from convzoo.grouped import block_diagonal_weight, channel_dependency  # noqa: E402
from convzoo.shuffle import channel_shuffle  # noqa: E402


@pytest.fixture(autouse=True)
def no_open_figures():
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


def drawn(fig):
    fig.savefig(io.BytesIO(), format="png")
    return fig


def outlines(ax):
    return {p.get_gid(): p for p in ax.patches if isinstance(p, Rectangle) and p.get_gid()}


def test_block_diagonal_figure_shows_the_stored_and_the_dense_weight_with_the_blocks(rng):
    w = rng.standard_normal((6, 2, 3, 2))                        # K 6, C 6, groups 3
    fig = drawn(plot.block_diagonal_figure(w, 3))
    assert isinstance(fig, Figure)
    stored, dense = fig.axes
    shown = dense.images[0].get_array()
    expected = np.abs(block_diagonal_weight(w, 3)).max(axis=(2, 3))
    np.testing.assert_array_equal(shown.filled(0), expected)
    assert np.array_equal(np.ma.getmaskarray(shown), expected == 0)   # zeros left blank
    assert stored.images[0].get_array().shape == (6, 2)
    for j in range(3):                                   # block j: rows 2j.., columns 2j..
        box = outlines(dense)[f"block {j}"]
        assert (box.get_x(), box.get_y(), box.get_width(), box.get_height()) == \
            (2 * j - 0.5, 2 * j - 0.5, 2, 2)
        assert outlines(stored)[f"block {j}"].get_x() == -0.5
    assert "67% of the dense weight is zero" in fig._suptitle.get_text()


def test_block_diagonal_figure_with_more_outputs_than_inputs_has_tall_blocks(rng):
    fig = plot.block_diagonal_figure(rng.standard_normal((8, 1, 1, 1)), 4)   # 2 per channel
    box = outlines(fig.axes[1])["block 3"]
    assert (box.get_x(), box.get_y(), box.get_width(), box.get_height()) == (2.5, 5.5, 1, 2)


@pytest.mark.parametrize("inverse", [False, True])
def test_shuffle_figure_draws_a_line_from_each_channel_to_where_it_goes(inverse):
    fig = drawn(plot.shuffle_figure(12, 3, inverse=inverse))
    (ax,) = fig.axes
    lines = {l.get_gid(): l for l in ax.lines if l.get_gid()}
    assert len(lines) == 12
    order = channel_shuffle(np.arange(12).reshape(1, 12, 1), 4 if inverse else 3)[0, :, 0]
    for k, c in enumerate(order):                        # channel c goes to place k
        assert list(lines[f"channel {c}"].get_ydata()) == [c, k]
    assert lines["channel 4"].get_color() == lines["channel 7"].get_color() != \
        lines["channel 8"].get_color()                    # coloured by the group left
    assert ("channel_unshuffle" if inverse else "channel_shuffle") in ax.get_title()


def test_channel_dependency_figure_is_black_where_a_stack_links_two_channels(rng):
    ws = [rng.standard_normal((6, 2, 1, 1)) for _ in range(2)]
    D = {"no shuffle": channel_dependency((1, 6, 1, 1), ws, 3),
         "shuffle": channel_dependency((1, 6, 1, 1), ws, 3, shuffle=True)}
    fig = drawn(plot.channel_dependency_figure(D, 3))
    for ax, (label, m) in zip(fig.axes, D.items()):
        np.testing.assert_array_equal(ax.images[0].get_array(), m > 0)
        assert ax.get_title() == f"{label}\n{(m > 0).mean():.0%} of the pairs linked"
        assert len(ax.lines) == 2 * (3 - 1)              # the group grid
    assert fig.axes[0].get_title().endswith("33% of the pairs linked")


def test_group_cost_figure_divides_everything_by_its_value_at_one_group():
    groups = [1, 2, 4, 8]
    fig = drawn(plot.group_cost_figure(groups, [800, 400, 200, 100],
                                       {"torch": [2e-3, 1.5e-3, 1e-3, 1e-3]}))
    (ax,) = fig.axes
    lines = {l.get_gid(): l for l in ax.lines}
    np.testing.assert_allclose(lines["multiply-adds (count)"].get_ydata(), [1, 0.5, 0.25, 0.125])
    np.testing.assert_allclose(lines["torch"].get_ydata(), [1, 0.75, 0.5, 0.5])
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.texts] == ["0.12", "0.5"]


def test_unit_figure_draws_a_box_per_layer_with_its_shape():
    fig = drawn(plot.unit_figure([("1x1 GConv", (1, 8, 5, 5)), ("shuffle", (1, 8, 5, 5))],
                                 ("identity", (1, 8, 5, 5)), ("add, ReLU", (1, 8, 5, 5)),
                                 title="stride 1"))
    (ax,) = fig.axes
    boxes = {p.get_gid() for p in ax.patches if isinstance(p, FancyBboxPatch)}
    assert boxes == {"input", "branch 0", "branch 1", "shortcut", "merge"}
    texts = [t.get_text() for t in ax.texts]
    assert "1x1 GConv" in texts and "1 x 8 x 5 x 5" in texts and "add, ReLU" in texts


def test_guidelines_figure_has_a_panel_per_guideline_relative_to_its_fastest():
    fig = drawn(plot.guidelines_figure({"G1": {"1:1": 2e-3, "1:6": 3e-3},
                                        "G2": {"g=1": 1e-3, "g=8": 4e-3, "g=2": 2e-3}}))
    g1, g2 = fig.axes
    assert [b.get_width() for b in g1.patches] == [1.0, 1.5]
    assert [b.get_width() for b in g2.patches] == [1.0, 4.0, 2.0]
    assert [t.get_text() for t in g2.get_yticklabels()] == ["g=1", "g=8", "g=2"]
    assert g1.get_title() == "G1"


@pytest.mark.parametrize("call, match", [
    (lambda: plot.block_diagonal_figure(np.zeros((4, 2)), 2), r"^weight must be 4-D"),
    (lambda: plot.block_diagonal_figure(np.zeros((5, 2, 1, 1)), 2), "not divisible by groups=2"),
    (lambda: plot.shuffle_figure(12, 5), r"^channels has 12 channels .* not divisible by groups=5"),
    (lambda: plot.shuffle_figure(0, 1), "^channels must be an int >= 1"),
    (lambda: plot.channel_dependency_figure({}, 2), "^matrices must be a non-empty dict"),
    (lambda: plot.channel_dependency_figure({"a": np.zeros((6, 4))}, 3),
     r"^matrices\['a'\] has shape \(6, 4\): its 4 columns are not divisible by groups=3"),
    (lambda: plot.group_cost_figure([1], [1], {"t": [1]}), "^groups must be at least two ints"),
    (lambda: plot.group_cost_figure([1, 2], [2, 1], {"t": [1]}),
     r"^'t' must have one positive number per group count \(2\)"),
    (lambda: plot.group_cost_figure([1, 2], [2, 1], {}), "^seconds must be a non-empty dict"),
    (lambda: plot.unit_figure([], ("a", (1,)), ("b", (1,))), "^branch must be a non-empty list"),
    (lambda: plot.unit_figure([("a", 3)], ("a", (1,)), ("b", (1,))),
     r"^branch\[0\] must be a \(label, shape\) pair"),
    (lambda: plot.guidelines_figure({"G1": {"a": 1.0}}),
     r"^results\['G1'\] must map two or more variants to positive times"),
])
def test_bad_input_raises_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()

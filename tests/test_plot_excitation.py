"""The figures of chapter 8 show what they promise: the gates and gated maps convzoo
computes, the overhead per stage that squeeze_excitation_cost counts, SE where
se_residual_block puts it; and they refuse bad input by name."""
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from convzoo import plot  # noqa: E402
from convzoo.excitation import (SE_POSITIONS, excitation, squeeze_excitation,  # noqa: E402
                                squeeze_excitation_cost)


@pytest.fixture(autouse=True)
def no_open_figures():
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


def by_gid(fig, prefix):
    """{gid: artist} of every artist in the figure whose gid starts with prefix."""
    found = {}
    for ax in fig.axes:
        if (ax.get_gid() or "").startswith(prefix):
            found[ax.get_gid()] = ax
        for artist in ax.get_children():
            gid = artist.get_gid() or ""
            if gid.startswith(prefix):
                found[gid] = artist
    return found


def center(patch):
    box = patch.get_extents()          # display coordinates: y grows upwards there
    return (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2


def se_weights(rng, C=5, S=2):
    return [rng.standard_normal(s) for s in ((S, C), (S,), (C, S), (C,))]


def test_squeeze_excitation_figure_draws_the_gates_and_the_gated_maps(rng):
    x = np.abs(rng.standard_normal((5, 6, 7)))
    w = se_weights(rng)
    fig = plot.squeeze_excitation_figure(x, *w, labels=list("abcde"), title="t")
    assert isinstance(fig, Figure)
    gates = excitation(x.mean(axis=(1, 2))[None], *w)[0]
    bars = by_gid(fig, "gate ")
    assert [bars[f"gate {c}"].get_height() for c in range(5)] == pytest.approx(gates)
    scaled = squeeze_excitation(x[None], *w)[0]
    for c in range(5):
        inp, out = by_gid(fig, f"input {c}")[f"input {c}"], by_gid(fig, f"output {c}")[f"output {c}"]
        (a,), (b,) = inp.images, out.images
        np.testing.assert_allclose(a.get_array(), x[c])
        np.testing.assert_allclose(b.get_array(), scaled[c])
        assert a.get_clim() == b.get_clim()              # a dimmer map, on the same scale
        assert f"s = {gates[c]:.2f}" in out.get_title()
    fig.savefig(io.BytesIO(), format="png")


def test_gates_figure_draws_one_bar_per_channel_and_name(rng):
    g = {"photo 1": rng.random(4), "photo 2": rng.random(4)}
    fig = plot.gates_figure(g, labels=["w", "x", "y", "z"])
    for name, values in g.items():
        bars = by_gid(fig, name)
        assert [bars[f"{name} {c}"].get_height() for c in range(4)] == pytest.approx(values)
    fig.savefig(io.BytesIO(), format="png")


def test_overhead_figure_stacks_what_squeeze_excitation_cost_counts():
    channels, blocks = [256, 512, 1024, 2048], [3, 4, 6, 3]
    fig = plot.overhead_figure(channels, blocks, 25_557_032, reductions=(8, 16))
    ax = fig.axes[0]
    for r in (8, 16):
        total = 0
        for s, (C, n) in enumerate(zip(channels, blocks)):
            bar = by_gid(fig, f"stage {s} r={r}")[f"stage {s} r={r}"]
            assert bar.get_height() == pytest.approx(n * squeeze_excitation_cost(C, C // r)[0] / 1e6)
            assert bar.get_y() == pytest.approx(total / 1e6)
            total += n * squeeze_excitation_cost(C, C // r)[0]
        assert f"{100 * total / 25_557_032:.1f}% of the network" in [t.get_text() for t in ax.texts]
    fig.savefig(io.BytesIO(), format="png")


def test_placement_figure_puts_se_where_se_residual_block_does():
    fig = plot.placement_figure()
    fig.canvas.draw()
    for position in SE_POSITIONS:
        se, = by_gid(fig, f"se {position}").values()
        add, = by_gid(fig, f"add {position}").values()
        relu, = by_gid(fig, f"relu {position}").values()
        branch, = by_gid(fig, f"branch {position}").values()
        (sx, sy), (ax_, ay), (bx, by) = center(se), center(add), center(branch)
        _, ry = center(relu)
        if position == "standard":               # on the branch, after F, before the add
            assert sx == pytest.approx(bx) and ay < sy < by
        elif position == "pre":                  # on the branch, before F
            assert sx == pytest.approx(bx) and sy > by
        elif position == "post":                 # after the add and the ReLU
            assert sy < ry < ay and sx == pytest.approx(ax_)
        else:                                    # on the identity path, beside F
            assert sx < ax_ < bx and sy > ay
    assert len(fig.axes) == 4
    assert len(plot.placement_figure(["post"]).axes) == 1


def test_attention_figure_draws_bars_for_channel_gates_and_maps_for_pixel_gates(rng):
    image = rng.random((8, 9))
    se, spatial, sk = rng.random(5), rng.random((8, 9)), rng.random((2, 5))
    fig = plot.attention_figure(image, {"SE": se, "CBAM spatial": spatial, "SK": sk})
    bars = by_gid(fig, "gates SE ")
    assert [bars[f"gates SE {c}"].get_height() for c in range(5)] == pytest.approx(se)
    for name, values in (("CBAM spatial", spatial), ("SK", sk)):
        shown = by_gid(fig, f"gates {name}")[f"gates {name}"]
        np.testing.assert_allclose(shown.get_array(), values)
        assert shown.get_clim() == (0, 1)
    fig.savefig(io.BytesIO(), format="png")


def test_photo_features_are_the_relu_of_six_correlations_of_the_image(rng):
    from convzoo.correlation import correlate2d

    image = rng.random((9, 11))
    labels, maps = plot.photo_features(image)
    assert labels[:3] == ["brightness", "darkness", "vertical edges"] and maps.shape == (6, 9, 11)
    sobel = np.array([[1.0, 0, -1], [2, 0, -2], [1, 0, -1]])
    np.testing.assert_allclose(maps[2], np.maximum(correlate2d(np.pad(image, 1), sobel, "valid"), 0))
    np.testing.assert_allclose(maps[0] + maps[1], 1.0)    # brightness + darkness, both in [0, 1]
    assert np.all(maps >= 0)


@pytest.mark.parametrize("call, match", [
    (lambda w: plot.squeeze_excitation_figure(np.zeros((1, 5, 3, 3)), *w), r"^x must be 3-D \(C, H, W\)"),
    (lambda w: plot.squeeze_excitation_figure(np.zeros((5, 3, 3)), *w, labels="ab"),
     "^labels must have 5 entries, one per channel, got 2"),
    (lambda w: plot.squeeze_excitation_figure(np.zeros((4, 3, 3)), *w), r"^fc1_weight must have shape \(2, 4\)"),
    (lambda w: plot.gates_figure({}), "^gates must be a non-empty dict"),
    (lambda w: plot.gates_figure({"a": np.zeros(3), "b": np.zeros(4)}), r"^gates\['b'\] must have shape \(3,\)"),
    (lambda w: plot.gates_figure({"a": np.zeros((3, 1))}), r"^gates\['a'\] must be 1-D"),
    (lambda w: plot.overhead_figure([256, 512], [3], 10), "^channels and blocks must be lists"),
    (lambda w: plot.overhead_figure([256], [3], 0), "^network_parameters must be an int >= 1"),
    (lambda w: plot.overhead_figure([256], [3], 10, reductions=(0,)), "^reductions must be ints >= 1"),
    (lambda w: plot.placement_figure(["after"]), "^positions must be some of"),
    (lambda w: plot.attention_figure(np.zeros(3), {"a": np.zeros(3)}), r"^image must be 2-D \(H, W\)"),
    (lambda w: plot.photo_features(np.zeros((1, 3, 3))), r"^image must be 2-D \(H, W\)"),
    (lambda w: plot.attention_figure(np.zeros((3, 3)), {"a": np.zeros((1, 2, 3))}),
     r"^gates\['a'\] must be 1-D \(per channel\) or 2-D"),
])
def test_bad_input_raises_value_error_naming_the_argument(rng, call, match):
    with pytest.raises(ValueError, match=match):
        call(se_weights(rng))

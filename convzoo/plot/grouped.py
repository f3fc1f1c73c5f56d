"""The figures of chapter 6: the block-diagonal weight of a grouped convolution, what it
costs against what it takes, the channel shuffle, which channels a stack reads, ShuffleNet's
unit, and ShuffleNet v2's guidelines measured."""
import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

from ..checks import as_float_array, check_groups, check_groups_divide, check_ndim, is_int
from ..grouped import block_diagonal_weight
from ..shuffle import channel_shuffle, channel_unshuffle
from .common import HIGHLIGHT, INPUT, KERNEL, OUTPUT, _duration

GROUP_COLOURS = colormaps["tab10"]


def _colour(group):
    return GROUP_COLOURS(group % 10)


def block_diagonal_figure(weight, groups):
    """Two panels from a grouped conv weight (K, C/g, kH, kW): the weight as conv2d stores
    it, and the dense (K, C) weight of the same map (block_diagonal_weight), each cell the
    largest |w| over the kernel taps, zeros blank; block j outlined in group j's colour."""
    weight = as_float_array("weight", weight)
    check_ndim("weight", weight, 4, "(K, C/groups, kH, kW)")
    dense = block_diagonal_weight(weight, groups)
    K, C_g = weight.shape[:2]
    K_g, C = K // groups, dense.shape[1]
    stored, full = (np.abs(a).max(axis=(2, 3)) for a in (weight, dense))
    top = float(full.max()) or 1.0
    fig = Figure(figsize=(2.6 + 0.32 * (C_g + C), 1.4 + 0.3 * K))
    axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [max(C_g, 2), C]})
    for ax, a, title in ((axes[0], stored, f"stored weight ({K}, {C_g}, kH, kW)"),
                         (axes[1], full, f"dense weight ({K}, {C}, kH, kW)")):
        ax.imshow(np.where(a != 0, a, np.nan), cmap="Greys", vmin=0, vmax=1.4 * top,
                  interpolation="nearest", aspect="equal")
        ax.set_title(title, fontsize=10)
        ax.set_xticks(range(a.shape[1]))
        ax.set_yticks(range(K))
        ax.tick_params(labelsize=7)
        ax.set_xlabel("input channel (per group)" if a is stored else "input channel c")
    axes[0].set_ylabel("output channel k")
    for j in range(groups):
        for ax, left in ((axes[0], 0), (axes[1], j * C_g)):
            ax.add_patch(Rectangle((left - 0.5, j * K_g - 0.5), C_g, K_g, fill=False,
                                   edgecolor=_colour(j), lw=2.2, gid=f"block {j}"))
    zeros = 1 - np.count_nonzero(dense) / dense.size if dense.size else 0.0
    fig.suptitle(f"groups={groups}: {groups} blocks of {K_g} x {C_g} channels; "
                 f"{zeros:.0%} of the dense weight is zero", fontsize=10)
    fig.tight_layout()
    return fig


def shuffle_figure(channels, groups, inverse=False):
    """Where channel_shuffle(., groups) (or channel_unshuffle with inverse=True) sends each
    of `channels` channels: dots for the channels before (left) and after (right), coloured
    by the group each came from, a line from every channel to its new place."""
    if not is_int(channels) or channels < 1:
        raise ValueError(f"channels must be an int >= 1, got {channels!r}")
    check_groups_divide(groups, (1, channels), "channels")
    move = channel_unshuffle if inverse else channel_shuffle
    order = move(np.arange(channels).reshape(1, channels, 1), groups)[0, :, 0]  # order[k] = source
    C_g = channels // groups
    fig = Figure(figsize=(4.2, 0.9 + 0.26 * channels))
    ax = fig.subplots()
    for k, c in enumerate(order):
        ax.plot([0, 1], [c, k], color=_colour(c // C_g), lw=1.6, gid=f"channel {c}")
    for c in range(channels):
        for side, group in ((0, c // C_g), (1, order[c] // C_g)):
            ax.scatter([side], [c], s=42, color=_colour(group), zorder=3)
    for j in range(1, groups):
        ax.axhline(j * C_g - 0.5, xmin=0, xmax=0.08, color="#555555", lw=0.8)
        ax.axhline(j * C_g - 0.5, xmin=0.92, xmax=1, color="#555555", lw=0.8)
    ax.set_ylim(channels - 0.5, -0.5)
    ax.set_xlim(-0.35, 1.35)
    ax.set_xticks([0, 1], ["before", "after"])
    ax.set_yticks(range(channels))
    ax.tick_params(labelsize=7)
    ax.set_ylabel("channel")
    name = "channel_unshuffle" if inverse else "channel_shuffle"
    ax.set_title(f"{name}(x, groups={groups}), {channels} channels\n(colour: the group a "
                 f"channel came from)", fontsize=10)
    fig.tight_layout()
    return fig


def channel_dependency_figure(matrices, groups):
    """One panel per dependency matrix D (C_out, C_in) of matrices = {label: D}: black where
    D > 0 (output channel k reads input channel c), with the grid of the groups."""
    if not isinstance(matrices, dict) or not matrices:
        raise ValueError(f"matrices must be a non-empty dict of label -> 2-D array, got "
                         f"{matrices!r}")
    check_groups(groups)
    arrays = {}
    for label, D in matrices.items():
        D = as_float_array(f"matrices[{label!r}]", D)
        check_ndim(f"matrices[{label!r}]", D, 2, "(C_out, C_in)")
        for axis, n in enumerate(D.shape):
            if n % groups:
                raise ValueError(f"matrices[{label!r}] has shape {D.shape}: its {n} "
                                 f"{'rows' if axis == 0 else 'columns'} are not divisible by "
                                 f"groups={groups}")
        arrays[label] = D
    fig = Figure(figsize=(0.4 + 3.1 * len(arrays), 3.5))
    axes = np.atleast_1d(fig.subplots(1, len(arrays)))
    for ax, (label, D) in zip(axes, arrays.items()):
        reads = D > 0
        ax.imshow(reads, cmap="Greys", vmin=0, vmax=1.25, interpolation="nearest", gid=label)
        for n, line in ((D.shape[0], ax.axhline), (D.shape[1], ax.axvline)):
            for j in range(1, groups):
                line(j * n // groups - 0.5, color=HIGHLIGHT, lw=0.9)
        ax.set_title(f"{label}\n{reads.mean():.0%} of the pairs linked", fontsize=10)
        ax.set_xlabel("input channel c")
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].set_ylabel("output channel k")
    fig.tight_layout()
    return fig


def group_cost_figure(groups, macs, seconds):
    """What a layer costs against what it takes, g = groups[0] ... groups[-1] on a log axis:
    macs (one per g) and each series of measured times in seconds = {label: [time per g]},
    all divided by their value at the first g, so the count's line falls as 1/g."""
    g = np.asarray(groups)
    if g.ndim != 1 or len(g) < 2 or not all(is_int(v) and v >= 1 for v in groups):
        raise ValueError(f"groups must be at least two ints >= 1, got {groups!r}")
    series = {"multiply-adds (count)": macs}
    if not isinstance(seconds, dict) or not seconds:
        raise ValueError(f"seconds must be a non-empty dict of label -> times, got {seconds!r}")
    series.update(seconds)
    fig = Figure(figsize=(6.4, 4.0))
    ax = fig.subplots()
    for i, (label, values) in enumerate(series.items()):
        v = np.asarray(values, dtype=float)
        if v.shape != g.shape or np.any(~np.isfinite(v)) or np.any(v <= 0):
            raise ValueError(f"{label!r} must have one positive number per group count "
                             f"({len(g)}), got {values!r}")
        style = dict(color="black", ls="--", marker="s") if i == 0 else \
            dict(color=GROUP_COLOURS(i - 1), marker="o")
        ax.plot(g, v / v[0], lw=1.8, ms=5, label=label, gid=label, **style)
        ax.annotate(f"{v[-1] / v[0]:.2g}", (g[-1], v[-1] / v[0]), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(g, [str(int(v)) for v in g])
    ax.set_xlabel("groups g (1 = dense, last = depthwise)")
    ax.set_ylabel("relative to g = 1 (log scale)")
    ax.grid(color="#e4e4e4", lw=0.8, which="both")
    ax.legend(fontsize=8)
    ax.set_title("what a grouped conv counts against what it takes", fontsize=10)
    fig.tight_layout()
    return fig


def unit_figure(branch, shortcut, merge, title=""):
    """A block as boxes: branch, a list of (layer, output shape) from top to bottom, beside
    shortcut (layer, output shape), both joined by merge (how, output shape). Shapes are
    tuples, as the page computed them."""
    def pair(name, value):
        if not (isinstance(value, (tuple, list)) and len(value) == 2 and
                isinstance(value[0], str) and isinstance(value[1], tuple)):
            raise ValueError(f"{name} must be a (label, shape) pair, got {value!r}")
        return value

    if not isinstance(branch, (list, tuple)) or not branch:
        raise ValueError(f"branch must be a non-empty list of (label, shape), got {branch!r}")
    layers = [pair(f"branch[{i}]", b) for i, b in enumerate(branch)]
    shortcut, merge = pair("shortcut", shortcut), pair("merge", merge)
    rows = len(layers) + 2
    fig = Figure(figsize=(6.2, 0.62 * rows + 0.7))
    ax = fig.subplots()

    def box(x, y, label, shape, colour, gid):
        ax.add_patch(FancyBboxPatch((x - 1.45, y - 0.3), 2.9, 0.6, boxstyle="round,pad=0.02",
                                    facecolor=colour, edgecolor="#555555", gid=gid))
        ax.text(x, y + 0.07, label, ha="center", va="center", fontsize=8.5)
        ax.text(x, y - 0.17, " x ".join(str(v) for v in shape), ha="center", va="center",
                fontsize=7, color="#555555")

    def arrow(start, end):
        ax.annotate("", end, start, arrowprops=dict(arrowstyle="->", color="#555555", lw=1))

    box(0, 0, "input", (), INPUT, "input")
    for i, (label, shape) in enumerate(layers):
        box(0, -(i + 1), label, shape, KERNEL, f"branch {i}")
        arrow((0, -i - 0.3), (0, -(i + 1) + 0.3))
    box(3.4, -(len(layers) / 2 + 0.5), shortcut[0], shortcut[1], INPUT, "shortcut")
    arrow((1.45, -0.1), (3.4, -(len(layers) / 2 + 0.5) + 0.3))
    box(0, -rows + 1, merge[0], merge[1], OUTPUT, "merge")
    arrow((0, -len(layers) - 0.3), (0, -rows + 1.3))
    arrow((3.4, -(len(layers) / 2 + 0.5) - 0.3), (1.45, -rows + 1.1))
    ax.set_xlim(-1.7, 5.1)
    ax.set_ylim(-rows + 0.5, 0.5)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def guidelines_figure(results):
    """One panel per guideline of results = {title: {variant: seconds}}: the measured time
    of each variant as a bar, divided by the fastest of its panel (1 = fastest)."""
    if not isinstance(results, dict) or not results:
        raise ValueError(f"results must be a non-empty dict of title -> {{variant: seconds}}, "
                         f"got {results!r}")
    for title, times in results.items():
        if not isinstance(times, dict) or len(times) < 2 or \
                not all(np.isfinite(float(v)) and float(v) > 0 for v in times.values()):
            raise ValueError(f"results[{title!r}] must map two or more variants to positive "
                             f"times, got {times!r}")
    n = len(results)
    tall = max(len(t) for t in results.values())
    fig = Figure(figsize=(4.3 * min(n, 2), (0.34 * tall + 1.2) * -(-n // 2)))
    axes = np.atleast_1d(fig.subplots(-(-n // 2), min(n, 2))).ravel()
    for ax, (title, times) in zip(axes, results.items()):
        labels = list(times)
        v = np.array([float(times[k]) for k in labels])
        rel = v / v.min()
        rows = np.arange(len(labels))
        ax.barh(rows, rel, color=["#4c72b0" if r > 1 else "#55a868" for r in rel], height=0.55,
                gid=title)
        for row, r, s in zip(rows, rel, v):
            ax.annotate(f"{r:.2f}x ({_duration(s)})", (r, row), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=7.5)
        ax.set_yticks(rows, labels, fontsize=8)
        ax.set_ylim(len(labels) - 0.5, -0.6)
        ax.set_xlim(0, rel.max() * 1.6)
        ax.axvline(1, color="#999999", lw=0.8, ls=":")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("time / fastest", fontsize=8)
    for ax in axes[n:]:
        ax.axis("off")
    fig.tight_layout()
    return fig

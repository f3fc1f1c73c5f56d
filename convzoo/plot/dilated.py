"""The figures of chapter 4: the zero-inserted kernel and the pixels it reads, which units a
stack of dilated layers depends on (centred or causal), coverage maps (gridding), and how
many weights of a dilated kernel still fall on a small feature map."""
import numpy as np
from matplotlib import colormaps
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..arithmetic import receptive_field
from ..checks import as_float_array, check_ndim, int_tuple, ints_at_least
from ..convolution import conv2d
from ..dilated import coverage, dilate_kernel
from ..windows import window_slices
from .common import HIGHLIGHT, INPUT, KERNEL, PAD, _grid, _outline


def dilated_kernel_figure(k, dilation, input_shape, position=(0, 0)):
    """The kernel k (kH, kW), the zero-inserted kernel dilate_kernel makes of it, and an input
    of input_shape (H, W) with the pixels output `position` reads marked (the window that
    convzoo.windows.window_slices gives) and the span they cover outlined."""
    k = as_float_array("k", k)
    check_ndim("k", k, 2, "(kH, kW)")
    dh, dw = ints_at_least("dilation", dilation, 2, 1)
    H, W = ints_at_least("input_shape", input_shape, 2, 1)
    big = dilate_kernel(k[None, None], (dh, dw))[0, 0]
    span_h, span_w = big.shape
    if span_h > H or span_w > W:
        raise ValueError(f"k {k.shape} with dilation {(dh, dw)} spans {big.shape}, more than "
                         f"input_shape {(H, W)}")
    i, j = int_tuple("position", position, 2)
    out_h, out_w = H - span_h + 1, W - span_w + 1
    if not (0 <= i < out_h and 0 <= j < out_w):
        raise ValueError(f"position must lie in the output {(out_h, out_w)}, got {(i, j)}")
    rows, cols = window_slices((i, j), k.shape, (1, 1), (dh, dw))      # what y[i, j] reads
    taps = np.zeros((H, W), bool)
    taps[rows, cols] = True
    fig = Figure(figsize=(2.0 + 0.42 * (k.shape[1] + span_w + W), 0.45 * max(H, 4) + 1.0))
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [k.shape[1], span_w, W]})
    _grid(axes[0], k, KERNEL, f"kernel k {k.shape}", fmt="{:g}")
    holes = np.ones(big.shape, bool)
    holes[::dh, ::dw] = False
    _grid(axes[1], big, KERNEL, f"dilation {(dh, dw)}: {big.shape},\n"
          f"{int(holes.sum())} zeros inserted", fmt="{:g}", padded=holes)
    ax = axes[2]
    for r in range(H):
        for c in range(W):
            face = KERNEL if taps[r, c] else INPUT
            gid = f"tap {(r - i) // dh} {(c - j) // dw}" if taps[r, c] else None
            ax.add_patch(Rectangle((c, r), 1, 1, facecolor=face, edgecolor="#555555", lw=0.8,
                                   gid=gid))
    _outline(ax, i, j, span_h, span_w)
    ax.set_xlim(-0.05, W + 0.05)
    ax.set_ylim(H + 0.05, -0.05)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"input {(H, W)}: y[{i}, {j}] reads\n{k.size} pixels spread over "
                 f"{span_h} x {span_w}", fontsize=10)
    fig.tight_layout()
    return fig


def dependency_figure(kernel_size, dilations, causal=False):
    """Which units one output unit of a stack of stride-1 layers depends on, level by level
    (input at the bottom): dots for units, coloured where a path leads to the output unit
    (convzoo.dilated.coverage of the layers above), lines for the taps on those paths.
    causal: each layer pads (k - 1) d on the left (the output sits above its newest input,
    and the units after it are drawn greyed); else torch's padding="same" (the odd extra
    pixel after)."""
    (k,) = ints_at_least("kernel_size", kernel_size, 1, 1)
    if not isinstance(dilations, (tuple, list)) or not dilations:
        raise ValueError(f"dilations must be a non-empty list of ints, got {dilations!r}")
    rates = ints_at_least("dilations", tuple(dilations), len(dilations), 1)
    layers = [(k, 1, d) for d in rates]
    R = receptive_field(layers)
    left = [(k - 1) * d if causal else (k - 1) * d // 2 for d in rates]   # pad before
    offset = np.concatenate([[0], np.cumsum(left)])     # x of unit 0, level by level
    top = int(offset[-1])
    lo, hi = (-1, R + 2) if causal else (-2, R + 1)
    L = len(rates)
    fig = Figure(figsize=(max(5.0, 0.27 * (hi - lo) + 2.2), 0.55 * L + 1.6))
    ax = fig.subplots()
    xs = np.arange(lo, hi + 1)
    for level in range(L + 1):
        ax.scatter(xs, np.full(len(xs), level), s=10, color="#c8c8c8", zorder=1)
        reads = np.flatnonzero(coverage(layers[level:])) + offset[level] if level < L \
            else np.array([top])
        ax.scatter(reads, np.full(len(reads), level), s=34, color=HIGHLIGHT if level == L
                   else "#4c72b0", zorder=3, gid=f"level {level}")
        if level < L:                               # the taps of the units one level up
            above = np.flatnonzero(coverage(layers[level + 1:])) + offset[level + 1] \
                if level + 1 < L else np.array([top])
            segments = [[(a, level + 1), (a - left[level] + u * rates[level], level)]
                        for a in above for u in range(k)]
            ax.add_collection(LineCollection(segments, colors="#4c72b0", lw=0.8, alpha=0.7,
                                             zorder=2, gid=f"taps {level}"))
    if causal:
        ax.axvspan(top + 0.5, hi + 0.5, color=PAD, zorder=0)
        ax.text(top + 1, L + 0.45, "after t", fontsize=8, color="#777777")
    ax.set_yticks(range(L + 1), ["input"] + [f"layer {n + 1}, d={d}" for n, d in
                                             enumerate(rates)])
    ax.set_xticks([top - R + 1, top] if causal else [0, R - 1],
                  ["t - %d" % (R - 1), "t"] if causal else ["0", str(R - 1)])
    ax.set_xlim(lo - 0.5, hi + 0.5)
    ax.set_ylim(-0.5, L + 0.7)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    kind = "causal, " if causal else ""
    ax.set_title(f"{kind}kernel {k}, dilations {list(rates)}: the output unit reads {R} "
                 f"inputs", fontsize=10)
    fig.tight_layout()
    return fig


def coverage_figure(maps, title=None):
    """One panel per coverage map (maps = {label: 2-D array of path counts}): the count of
    each pixel as a colour, and the pixels it never reads (count 0, gridding) in red."""
    if not isinstance(maps, dict) or not maps:
        raise ValueError(f"maps must be a non-empty dict of label -> 2-D array, got {maps!r}")
    arrays = {}
    for label, a in maps.items():
        arrays[label] = as_float_array(f"maps[{label!r}]", a)
        check_ndim(f"maps[{label!r}]", arrays[label], 2, "(h, w)")
        if arrays[label].min() < 0:
            raise ValueError(f"maps[{label!r}] counts paths and must be >= 0, got min "
                             f"{arrays[label].min()}")
    fig = Figure(figsize=(3.0 * len(arrays), 3.4))
    axes = np.atleast_1d(fig.subplots(1, len(arrays)))
    for ax, (label, a) in zip(axes, arrays.items()):
        shown = np.ma.masked_equal(a, 0)
        cmap = colormaps["Blues"].with_extremes(bad=HIGHLIGHT)
        ax.imshow(shown, cmap=cmap, interpolation="nearest", vmin=0, vmax=max(a.max(), 1),
                  gid=label)
        holes = int((a == 0).sum())
        ax.set_title(f"{label}\n{a.shape[0]} x {a.shape[1]}, {holes} never read", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title or "paths from each input pixel to one output unit (red: none)",
                 fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def valid_weights_figure(size, dilations, kernel_size=3):
    """How much of a dilated kernel_size x kernel_size kernel still lands on a size x size
    feature map (padding="same", the rest falls on padding zeros), as the dilation grows:
    the share of outputs whose every weight is on the map, the share left with the centre
    weight alone (a 1 x 1 filter in effect), and the mean share of weights on the map."""
    (n,) = ints_at_least("size", size, 1, 1)
    (k,) = ints_at_least("kernel_size", kernel_size, 1, 1)
    if k % 2 == 0:
        raise ValueError(f"kernel_size must be odd (a centre weight), got {k}")
    if not isinstance(dilations, (tuple, list)) or not dilations:
        raise ValueError(f"dilations must be a non-empty list of ints, got {dilations!r}")
    rates = ints_at_least("dilations", tuple(dilations), len(dilations), 1)
    ones, kernel = np.ones((1, 1, n, n)), np.ones((1, 1, k, k))
    full, centre, mean = [], [], []
    for d in rates:                                 # weights on the map, output by output
        on_map = conv2d(ones, kernel, padding=d * (k - 1) // 2, dilation=d)[0, 0]
        full.append(np.mean(on_map == k * k))
        centre.append(np.mean(on_map == 1))
        mean.append(on_map.mean() / (k * k))
    fig = Figure(figsize=(6.4, 3.4))
    ax = fig.subplots()
    ax.plot(rates, full, "o-", ms=3, label=f"all {k * k} weights on the map", gid="full")
    ax.plot(rates, centre, "s-", ms=3, label="only the centre weight (a 1x1 filter)",
            gid="centre")
    ax.plot(rates, mean, "-", color="#777777", label="mean share of weights on the map",
            gid="mean")
    ax.set_xlabel("dilation (atrous rate)")
    ax.set_ylabel("share")
    ax.set_ylim(-0.03, 1.03)
    ax.grid(color="#e4e4e4", lw=0.8)
    ax.legend(fontsize=8, loc="center right")
    ax.set_title(f"a {k}x{k} kernel on a {n}x{n} feature map, padding 'same'", fontsize=10)
    fig.tight_layout()
    return fig

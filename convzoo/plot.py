"""Figures of the book, drawn from the same numbers the pages compute.

Every function returns a matplotlib Figure built without pyplot, so nothing stays open in
a global figure list: the page displays it, a test inspects it, and both can drop it.
Labels are ASCII; the Chinese names of the terms live in the prose.
"""
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from .checks import as_float_array, check_ndim, int_tuple
from .convolution import conv2d

INPUT, KERNEL, OUTPUT, PAD = "#dbe9f6", "#fde3c8", "#d9f0d3", "#eeeeee"
HIGHLIGHT = "#d62728"


def _grid(ax, values, color, title, fmt="{:.0f}", padded=None):
    """Draw values (h, w) as a grid of numbered cells; padded marks cells of padding."""
    h, w = values.shape
    for i in range(h):
        for j in range(w):
            face = PAD if padded is not None and padded[i, j] else color
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=face, edgecolor="#555555", lw=0.8))
            ax.text(j + 0.5, i + 0.5, fmt.format(values[i, j]), ha="center", va="center",
                    fontsize=9, color="#777777" if face == PAD else "black")
    ax.set_xlim(-0.05, w + 0.05)
    ax.set_ylim(h + 0.05, -0.05)
    ax.set_aspect("equal")
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)


def _outline(ax, top, left, height, width):
    ax.add_patch(Rectangle((left, top), width, height, fill=False, edgecolor=HIGHLIGHT, lw=2.5))


def correlation_figure(x, k, position=(0, 0), stride=1, padding=0):
    """Input (H, W) with the window that output `position` reads, kernel (kH, kW), output.

    Three axes: the zero-padded input (padding shaded), the kernel and the output of the
    cross-correlation, the window and its output cell outlined.
    """
    x = as_float_array("x", x)
    k = as_float_array("k", k)
    check_ndim("x", x, 2, "(H, W)")
    check_ndim("k", k, 2, "(kH, kW)")
    sh, sw = int_tuple("stride", stride, 2)
    ph, pw = int_tuple("padding", padding, 2)
    xp = np.pad(x, ((ph, ph), (pw, pw)))
    padded = np.ones(xp.shape, bool)
    padded[ph:ph + x.shape[0], pw:pw + x.shape[1]] = False
    kH, kW = k.shape
    H_out, W_out = (xp.shape[0] - kH) // sh + 1, (xp.shape[1] - kW) // sw + 1
    if H_out < 1 or W_out < 1:
        raise ValueError(f"k {k.shape} does not fit in x {x.shape} padded by {(ph, pw)}")
    i, j = int_tuple("position", position, 2)
    if not (0 <= i < H_out and 0 <= j < W_out):
        raise ValueError(f"position must lie in the output {(H_out, W_out)}, got {(i, j)}")
    out = conv2d(xp[None, None], k[None, None], stride=(sh, sw))[0, 0]
    fig = Figure(figsize=(2.2 + 0.45 * (xp.shape[1] + kW + W_out), 0.5 * max(xp.shape[0], 4) + 0.6))
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [xp.shape[1], kW, W_out]})
    _grid(axes[0], xp, INPUT, f"input x {x.shape}" + (f", padding {(ph, pw)}" if ph or pw else ""),
          padded=padded)
    _outline(axes[0], i * sh, j * sw, kH, kW)
    _grid(axes[1], k, KERNEL, f"kernel k {k.shape}")
    _outline(axes[1], 0, 0, kH, kW)
    _grid(axes[2], out, OUTPUT, f"output y {out.shape}")
    _outline(axes[2], i, j, 1, 1)
    fig.suptitle(f"y[{i}, {j}] = sum over the outlined window of x times k = {out[i, j]:.0f}",
                 fontsize=10)
    fig.tight_layout()
    return fig


def flip_figure(k):
    """The kernel k (kH, kW) and the flipped kernel k[::-1, ::-1] that convolution uses."""
    k = as_float_array("k", k)
    check_ndim("k", k, 2, "(kH, kW)")
    fig = Figure(figsize=(1.2 + 1.1 * k.shape[1], 0.55 * k.shape[0] + 0.9))
    axes = fig.subplots(1, 2)
    _grid(axes[0], k, KERNEL, "k (cross-correlation)")
    _grid(axes[1], k[::-1, ::-1], KERNEL, "k flipped (convolution)")
    fig.tight_layout()
    return fig


def matrix_figure(m, block_shape=None, title="convolution matrix M"):
    """The nonzero pattern of a matrix m; block_shape (rows, cols) draws the block grid."""
    m = as_float_array("m", m)
    check_ndim("m", m, 2, "(rows, cols)")
    rows, cols = m.shape
    width = min(9.0, 2.5 + 0.15 * cols)
    fig = Figure(figsize=(width, min(7.0, 1.6 + (width - 1.5) * rows / cols)))
    ax = fig.subplots()
    shown = np.where(m != 0, m, np.nan)
    image = ax.imshow(shown, cmap="coolwarm", interpolation="nearest", aspect="equal")
    if block_shape is not None:
        br, bc = int_tuple("block_shape", block_shape, 2)
        for r in range(br, rows, br):
            ax.axhline(r - 0.5, color="#888888", lw=0.6)
        for c in range(bc, cols, bc):
            ax.axvline(c - 0.5, color="#888888", lw=0.6)
    ax.set_xlabel(f"input pixel (column of M), {cols} in all")
    ax.set_ylabel(f"output pixel (row of M), {rows} in all")
    share = np.count_nonzero(m) / m.size
    ax.set_title(f"{title}: {rows} x {cols}, {share:.1%} nonzero", fontsize=10)
    fig.colorbar(image, ax=ax, shrink=0.8, label="weight")
    fig.tight_layout()
    return fig


def error_maps_figure(maps, title=None):
    """One image with a colour bar per error map: maps is {label: array (h, w)}."""
    if not isinstance(maps, dict) or not maps:
        raise ValueError(f"maps must be a non-empty dict of label -> 2-D array, got {maps!r}")
    arrays = {}
    for label, a in maps.items():
        a = as_float_array(f"maps[{label!r}]", a)
        check_ndim(f"maps[{label!r}]", a, 2, "(h, w)")
        arrays[label] = a
    fig = Figure(figsize=(3.6 * len(arrays), 3.4))
    axes = np.atleast_1d(fig.subplots(1, len(arrays)))
    for ax, (label, a) in zip(axes, arrays.items()):
        top = float(a.max()) if a.max() > 0 else 1.0       # an all-zero map shows black
        image = ax.imshow(a, cmap="magma", interpolation="nearest", vmin=0.0, vmax=top)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(f"{label}\nmax {a.max():.2g}", fontsize=10)
        ax.set_xlabel("j")
        ax.set_ylabel("i")
        fig.colorbar(image, ax=ax, shrink=0.8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def _duration(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def timing_figure(seconds, title="measured time per call"):
    """Horizontal bars of measured times on a log scale: seconds is {label: time in s}."""
    if not isinstance(seconds, dict) or not seconds:
        raise ValueError(f"seconds must be a non-empty dict of label -> time, got {seconds!r}")
    labels = list(seconds)
    values = np.array([float(seconds[k]) for k in labels])
    if np.any(~np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(f"seconds must be positive and finite, got {seconds!r}")
    fig = Figure(figsize=(6.5, 0.5 * len(labels) + 1.2))
    ax = fig.subplots()
    bars = ax.barh(labels, values, color="#4c72b0")
    ax.set_xscale("log")
    ax.invert_yaxis()
    ax.bar_label(bars, [_duration(v) for v in values], padding=3, fontsize=9)
    ax.set_xlim(values.min() / 3, values.max() * 4)
    ax.set_xlabel("seconds (log scale)")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig

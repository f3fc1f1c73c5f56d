"""The figures of chapter 1: the sliding window, the flip, the convolution matrix, kernel
stacks, a 3-D kernel in a volume, weight sharing."""
import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..checks import as_float_array, check_ndim, int_tuple, ints_at_least
from ..convolution import conv2d
from ..unshared import tiled_weight
from .common import HIGHLIGHT, INPUT, KERNEL, OUTPUT, PAD, _grid, _outline

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


def _sheet(ax, left, top, height, width, color, gid, zorder):
    """One channel seen from the front: a (height, width) grid with its top left corner at
    (left, top), y growing downwards, above everything of a lower zorder."""
    ax.add_patch(Rectangle((left, top), width, height, facecolor=color, edgecolor="#444444",
                           lw=0.9, gid=gid, zorder=zorder))
    for r in range(1, height):
        ax.plot([left, left + width], [top + r, top + r], color="#888888", lw=0.4,
                zorder=zorder + 0.1)
    for c in range(1, width):
        ax.plot([left + c, left + c], [top, top + height], color="#888888", lw=0.4,
                zorder=zorder + 0.1)


STEP = 0.6          # how far each sheet of a stack sits behind the one in front of it


def _stack(ax, left, top, sheets, height, width, name, box=None):
    """A stack of sheets (channels, or depth slices) drawn front to back along a diagonal,
    sheet 0 in front; sheets is a list of colours. box (first, last, row, col, h, w) draws a
    window through sheets first to last as a see-through cuboid on top. Returns the width
    the stack takes."""
    n = len(sheets)
    corner = lambda s: (left + s * STEP, top - s * STEP)          # noqa: E731
    for s in reversed(range(n)):                          # back to front
        _sheet(ax, *corner(s), height, width, sheets[s], f"{name} {s}", 10 + 3 * (n - s))
    if box is not None:
        first, last, r, c, h, w = box
        for s in sorted({first, last}):
            x0, y0 = corner(s)
            ax.add_patch(Rectangle((x0 + c, y0 + r), w, h, fill=False, lw=2.2,
                                   edgecolor=HIGHLIGHT, gid=f"{name} window {s}", zorder=100))
        (xf, yf), (xl, yl) = corner(first), corner(last)
        for dr, dc in ((0, 0), (0, w), (h, 0), (h, w)):
            ax.plot([xf + c + dc, xl + c + dc], [yf + r + dr, yl + r + dr], color=HIGHLIGHT,
                    lw=1.2, zorder=100)
    return width + (n - 1) * STEP


def _stacks_axes(fig, width, top, bottom):
    ax = fig.subplots()
    ax.set_xlim(-0.5, width + 0.5)
    ax.set_ylim(bottom, top)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def kernel_stack_figure(x_shape, weight_shape, position=(0, 0)):
    """A layer with channels, drawn as stacks of sheets: the input x (C, H, W), the K
    kernels w[o] (C, kH, kW), one sheet per input channel each, and the output (K, H_out,
    W_out). The window that output pixel `position` reads is outlined on every input
    sheet, and that pixel on every output sheet: output channel o sums, over the C
    sheets, each window times kernel o's sheet of the same channel."""
    C, H, W = ints_at_least("x_shape", x_shape, 3, 1)
    K, C_w, kH, kW = ints_at_least("weight_shape", weight_shape, 4, 1)
    if C_w != C:
        raise ValueError(f"weight_shape {tuple(weight_shape)} has {C_w} input channels, "
                         f"x_shape {tuple(x_shape)} has {C}")
    H_out, W_out = H - kH + 1, W - kW + 1
    if H_out < 1 or W_out < 1:
        raise ValueError(f"a kernel of weight_shape {tuple(weight_shape)} does not fit in "
                         f"x_shape {tuple(x_shape)}")
    i, j = int_tuple("position", position, 2)
    if not (0 <= i < H_out and 0 <= j < W_out):
        raise ValueError(f"position must lie in the output {(H_out, W_out)}, got {(i, j)}")
    channel = list(colormaps["Pastel1"](np.arange(C) % 9))
    output = list(colormaps["Pastel2"](np.arange(K) % 8))
    fig = Figure(figsize=(9.5, 3.6))
    ax = fig.subplots()
    left, labels = 0.0, []
    used = _stack(ax, left, 0, channel, H, W, "x", (0, C - 1, i, j, kH, kW))
    labels.append((left + used / 2, f"x ({C}, {H}, {W})\n{C} input channels"))
    left += used + 2.0
    for o in range(K):
        used = _stack(ax, left, 0, channel, kH, kW, f"w[{o}]")
        labels.append((left + used / 2, f"w[{o}]\n({C}, {kH}, {kW})"))
        left += used + 1.0
    left += 1.0
    used = _stack(ax, left, 0, output, H_out, W_out, "y", (0, K - 1, i, j, 1, 1))
    labels.append((left + used / 2, f"y ({K}, {H_out}, {W_out})\n{K} output channels"))
    left += used
    bottom = max(H, kH, H_out) + 1.0
    for middle, text in labels:
        ax.text(middle, bottom, text, ha="center", va="top", fontsize=9)
    ax.set_xlim(-0.5, left + 0.5)
    ax.set_ylim(bottom + 1.6, -max(C, K) * STEP - 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"y[o, {i}, {j}] = b[o] + sum over c, u, v of x[c, {i} + u, {j} + v] "
                 f"w[o, c, u, v]: every outlined window, one kernel o", fontsize=10)
    fig.tight_layout()
    return fig


def volume_figure(volume_shape, kernel_shape, positions):
    """A 3-D kernel sliding through a volume, one row per position (t, i, j): the input
    (D, H, W) as D depth slices, the kernel (kD, kH, kW) outlined on the kD slices it reads
    (the others greyed), and the output (D - kD + 1, H - kH + 1, W - kW + 1) with the voxel
    that position writes. One input channel; the same weights at every position."""
    D, H, W = ints_at_least("volume_shape", volume_shape, 3, 1)
    kD, kH, kW = ints_at_least("kernel_shape", kernel_shape, 3, 1)
    out = (D - kD + 1, H - kH + 1, W - kW + 1)
    if min(out) < 1:
        raise ValueError(f"kernel_shape {(kD, kH, kW)} does not fit in volume_shape {(D, H, W)}")
    if not isinstance(positions, (list, tuple)) or not positions:
        raise ValueError(f"positions must be a non-empty list of (t, i, j), got {positions!r}")
    positions = [int_tuple("positions", p, 3) for p in positions]
    for p in positions:
        if not all(0 <= a < n for a, n in zip(p, out)):
            raise ValueError(f"positions must lie in the output {out}, got {p}")
    in_width, out_width = W + (D - 1) * STEP, out[2] + (out[0] - 1) * STEP
    column = max(in_width, out_width) + 2.0
    out_top = H + 2.2 + out[0] * STEP
    bottom = out_top + out[1] + 1.2
    fig = Figure(figsize=(0.45 * column * len(positions) + 0.6, 0.45 * (bottom + D * STEP) + 0.9))
    ax = _stacks_axes(fig, column * len(positions), -D * STEP - 0.3, bottom)
    for n, (t, i, j) in enumerate(positions):
        left = n * column
        sheets = [INPUT if t <= s < t + kD else PAD for s in range(D)]
        _stack(ax, left, 0, sheets, H, W, f"{n} x", (t, t + kD - 1, i, j, kH, kW))
        ax.text(left + in_width / 2, H + 0.3, f"t = {t}: kernel on slices {t}-{t + kD - 1}",
                ha="center", va="top", fontsize=9)
        _stack(ax, left + (in_width - out_width) / 2, out_top, [OUTPUT] * out[0], out[1],
               out[2], f"{n} y", (t, t, i, j, 1, 1))
        ax.text(left + in_width / 2, bottom - 0.9, f"writes y{(t, i, j)}", ha="center",
                va="top", fontsize=9)
    ax.set_title(f"3-D convolution: x {(D, H, W)} (slice 0 in front), kernel {(kD, kH, kW)}, "
                 f"output y {out}", fontsize=10)
    fig.tight_layout()
    return fig


def weight_sharing_figure(output_size, tile):
    """Which kernel each output position uses, side by side: a convolution (one kernel), a
    tiled convolution (tile (tH, tW) kernels, cycling as convzoo.tiled_conv2d cycles them)
    and a locally connected layer (one per position). output_size (H_out, W_out)."""
    H_o, W_o = ints_at_least("output_size", output_size, 2, 1)
    tH, tW = ints_at_least("tile", tile, 2, 1)
    ids = np.arange(tH * tW).reshape(tH, tW, 1, 1, 1, 1)
    tiled = tiled_weight(ids, (H_o, W_o))[..., 0, 0, 0, 0]     # the library's own cycling
    layers = {"convolution": np.zeros((H_o, W_o), int),
              f"tiled, tile {tH}x{tW}": tiled,
              "locally connected": np.arange(H_o * W_o).reshape(H_o, W_o)}
    fig = Figure(figsize=(3.2 * len(layers), 0.42 * H_o + 1.4))
    axes = fig.subplots(1, len(layers))
    for ax, (name, kernel) in zip(axes, layers.items()):
        n = int(kernel.max()) + 1
        colors = colormaps["tab20"](np.arange(n) % 20)
        for r in range(H_o):
            for c in range(W_o):
                k = int(kernel[r, c])
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor=colors[k], edgecolor="white",
                                       lw=1.0, gid=f"{name} kernel {k}"))
                ax.text(c + 0.5, r + 0.5, str(k), ha="center", va="center", fontsize=7)
        ax.set_xlim(0, W_o)
        ax.set_ylim(H_o, 0)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(f"{name}\n{n} kernel{'s' if n > 1 else ''} for {H_o * W_o} positions",
                     fontsize=10)
    fig.suptitle("the kernel each output position uses (same number, same weights)",
                 fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    return fig

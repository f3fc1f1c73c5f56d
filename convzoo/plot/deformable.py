"""The figures of chapter 7: where the taps of one output unit read on a photograph (the
regular grid and the points an offset field moves them to), the four neighbours of a
bilinear sample and their weights (zeros outside the image), samples along a row that
leaves the image under several border rules, and the channel layout of torchvision's
offset and mask tensors."""
import math

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..checks import as_float_array, check_ndim, int_tuple, ints_at_least
from ..deformable import bilinear, sampling_points, split_offset
from .common import HIGHLIGHT, INPUT, PAD

GRID, SAMPLE = "#ffffff", HIGHLIGHT


def _offsets(offsets, kernel_size):
    """offsets {label: array (N, 2*G*kH*kW, H_out, W_out)} checked, with one output size."""
    if not isinstance(offsets, dict) or not offsets:
        raise ValueError(f"offsets must be a non-empty dict of label -> offset array "
                         f"(N, 2*G*kH*kW, H_out, W_out), got {offsets!r}")
    arrays = {}
    for label, offset in offsets.items():
        arrays[label] = as_float_array(f"offsets[{label!r}]", offset)
        split_offset(arrays[label], kernel_size)                    # checks the layout
    sizes = {a.shape[2:] for a in arrays.values()}
    if len(sizes) > 1:
        raise ValueError(f"offsets must share one output size, got shapes "
                         f"{[a.shape for a in arrays.values()]}")
    return arrays


def sampling_figure(image, offsets, kernel_size, position, stride=1, padding=0, dilation=1):
    """Where the taps of output `position` (i, j) read image (H, W), one panel per offset
    field of offsets = {label: offset (N, 2*G*kH*kW, H_out, W_out)} (image 0, offset group
    0): the regular grid of a plain convolution (white rings), the points sampling_points
    moves them to (red dots), an arrow from each to the other. All panels show the same
    crop, around every point drawn."""
    image = as_float_array("image", image)
    check_ndim("image", image, 2, "(H, W)")
    kH, kW = ints_at_least("kernel_size", kernel_size, 2, 1)
    arrays = _offsets(offsets, (kH, kW))
    H_out, W_out = next(iter(arrays.values())).shape[2:]
    i, j = int_tuple("position", position, 2)
    if not (0 <= i < H_out and 0 <= j < W_out):
        raise ValueError(f"position must lie in the output {(H_out, W_out)} of the offsets, "
                         f"got {(i, j)}")
    kw = dict(stride=stride, padding=padding, dilation=dilation)
    grid = [p[0, 0, :, :, i, j].ravel()
            for p in sampling_points(np.zeros((1, 2 * kH * kW, H_out, W_out)), (kH, kW), **kw)]
    points = {}
    for label, offset in arrays.items():
        py, px = sampling_points(offset, (kH, kW), **kw)
        points[label] = (py[0, 0, :, :, i, j].ravel(), px[0, 0, :, :, i, j].ravel())
    ys = np.concatenate([grid[0]] + [p[0] for p in points.values()])
    xs = np.concatenate([grid[1]] + [p[1] for p in points.values()])
    margin = 2.0
    top, bottom = ys.min() - margin, ys.max() + margin
    left, right = xs.min() - margin, xs.max() + margin
    side = max(bottom - top, right - left)                       # square crops
    centre_y, centre_x = (top + bottom) / 2, (left + right) / 2
    fig = Figure(figsize=(3.2 * len(points), 3.6))
    axes = np.atleast_1d(fig.subplots(1, len(points)))
    for ax, (label, (py, px)) in zip(axes, points.items()):
        ax.imshow(image, cmap="gray", interpolation="nearest", vmin=0, vmax=max(1.0, image.max()))
        for y0, x0, y1, x1 in zip(grid[0], grid[1], py, px):
            if (y0, x0) != (y1, x1):
                ax.annotate("", (x1, y1), (x0, y0), arrowprops=dict(
                    arrowstyle="->", color="#ffd92f", lw=1.2, shrinkA=3, shrinkB=3))
        ax.scatter(grid[1], grid[0], s=40, facecolors="none", edgecolors=GRID, linewidths=1.5,
                   gid="grid points")
        ax.scatter(px, py, s=22, color=SAMPLE, edgecolors="black", linewidths=0.5,
                   gid="sampling points", zorder=3)
        ax.set_xlim(centre_x - side / 2, centre_x + side / 2)
        ax.set_ylim(centre_y + side / 2, centre_y - side / 2)
        ax.set_title(label, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(f"the {kH * kW} taps of output ({i}, {j}): grid (rings) and sampling points (dots)",
                 fontsize=10)
    fig.tight_layout()
    return fig


def _points(points):
    """points, a non-empty list of (y, x) pairs of real numbers, as a list of float pairs."""
    try:
        pairs = [(float(y), float(x)) for y, x in points]
    except (TypeError, ValueError):
        raise ValueError(f"points must be a list of (y, x) pairs of numbers, got {points!r}") \
            from None
    if not pairs or not all(np.isfinite(pairs).ravel()):
        raise ValueError(f"points must be a non-empty list of finite (y, x) pairs, got {points!r}")
    return pairs


def bilinear_figure(image, points):
    """One panel per point (y, x) of points: the pixels of image (H, W) around it, at their
    integer coordinates (those outside the image shaded, reading 0), the unit square of its
    four neighbours split by the point into four rectangles, each labelled with its area:
    the weight of the neighbour in the opposite corner. The title gives bilinear(image, y, x)."""
    image = as_float_array("image", image)
    check_ndim("image", image, 2, "(H, W)")
    pairs = _points(points)
    H, W = image.shape
    fig = Figure(figsize=(3.1 * len(pairs), 3.5))
    axes = np.atleast_1d(fig.subplots(1, len(pairs)))
    for ax, (y, x) in zip(axes, pairs):
        y0, x0 = math.floor(y), math.floor(x)
        for r in range(y0 - 1, y0 + 3):
            for c in range(x0 - 1, x0 + 3):
                inside = 0 <= r < H and 0 <= c < W
                ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=INPUT if inside else PAD,
                                       edgecolor="#999999", lw=0.6, gid=f"pixel {r},{c}"))
                # the value in the quarter of its cell away from the point, clear of the square
                ax.text(c + (0.22 if c > x else -0.22), r + (0.25 if r > y else -0.25),
                        f"{image[r, c]:.2g}" if inside else "0", ha="center", va="center",
                        fontsize=8, color="black" if inside else "#888888", gid=f"value {r},{c}")
        ly, lx = y - y0, x - x0
        # the rectangle opposite neighbour (r, c) has the area of its weight
        for (r, c), (wy, wx) in {(y0, x0): (1 - ly, 1 - lx), (y0, x0 + 1): (1 - ly, lx),
                                 (y0 + 1, x0): (ly, 1 - lx), (y0 + 1, x0 + 1): (ly, lx)}.items():
            far_y, far_x = (y0 + 1 if r == y0 else y0), (x0 + 1 if c == x0 else x0)
            ax.add_patch(Rectangle((min(x, far_x), min(y, far_y)), abs(far_x - x), abs(far_y - y),
                                   facecolor=colormaps["tab10"](2 * (r - y0) + (c - x0)), alpha=0.35,
                                   lw=0, gid=f"weight {r},{c}"))
            ax.text((x + far_x) / 2, (y + far_y) / 2, f"{wy * wx:.2f}", ha="center", va="center",
                    fontsize=8, gid=f"weight text {r},{c}")
            ax.plot([c], [r], "o", color="black", ms=4)
        ax.add_patch(Rectangle((x0, y0), 1, 1, fill=False, edgecolor="black", lw=1.2))
        ax.plot([x], [y], "o", color=HIGHLIGHT, ms=7, gid="point")
        ax.set_xlim(x0 - 1.5, x0 + 2.5)
        ax.set_ylim(y0 + 2.5, y0 - 1.5)
        ax.set_aspect("equal")
        ax.set_xticks(range(x0 - 1, x0 + 3))
        ax.set_yticks(range(y0 - 1, y0 + 3))
        ax.tick_params(labelsize=8)
        ax.set_title(f"(y, x) = ({y:g}, {x:g})\nbilinear = {bilinear(image, y, x):.3g}",
                     fontsize=10)
    fig.tight_layout()
    return fig


def border_figure(row, positions, samples):
    """A row of pixels row (W,) at x = 0 .. W - 1 (dots) and, for each label of samples =
    {label: array like positions}, what a rule reads at the real points positions (lines):
    the region outside the image shaded, the last pixel beyond each border lighter."""
    row = as_float_array("row", row)
    check_ndim("row", row, 1, "(W,)")
    positions = as_float_array("positions", positions)
    check_ndim("positions", positions, 1, "(P,)")
    if not isinstance(samples, dict) or not samples:
        raise ValueError(f"samples must be a non-empty dict of label -> array, got {samples!r}")
    curves = {}
    for label, a in samples.items():
        curves[label] = as_float_array(f"samples[{label!r}]", a)
        if curves[label].shape != positions.shape:
            raise ValueError(f"samples[{label!r}] must have the shape of positions "
                             f"{positions.shape}, got {curves[label].shape}")
    W = row.size
    fig = Figure(figsize=(7.0, 3.0 + 0.2 * len(curves)))
    ax = fig.subplots()
    ax.axvspan(positions.min(), -1, color=PAD, lw=0)
    ax.axvspan(W, max(positions.max(), W), color=PAD, lw=0)
    ax.axvspan(-1, 0, color=PAD, alpha=0.45, lw=0)
    ax.axvspan(W - 1, W, color=PAD, alpha=0.45, lw=0)
    styles = ["-", "--", ":", "-."]
    for n, (label, a) in enumerate(curves.items()):
        ax.plot(positions, a, styles[n % 4], lw=2.0 if n == 0 else 1.6, label=label, gid=label)
    ax.plot(np.arange(W), row, "o", color="black", ms=5, label="pixels", gid="pixels", zorder=3)
    ax.axhline(0, color="#999999", lw=0.8)
    ax.set_xlabel("x (pixels; shaded: outside the image)")
    ax.set_ylabel("sample")
    ax.legend(fontsize=8, loc="upper center", ncol=2, frameon=False, bbox_to_anchor=(0.5, -0.2))
    fig.tight_layout()
    return fig


def offset_layout_figure(kernel_size, offset_groups=1, mask=False):
    """The channels of torchvision's offset (2*G*kH*kW, top row) and, with mask, of its mask
    (G*kH*kW), each labelled with the offset group, tap (u, v) and axis it holds as
    split_offset reads them; below, the kH x kW taps of each offset group in the same
    colours, each listing its channels."""
    kH, kW = ints_at_least("kernel_size", kernel_size, 2, 1)
    (G,) = ints_at_least("offset_groups", offset_groups, 1, 1)
    taps = kH * kW
    channels = 2 * G * taps
    if channels > 72:
        raise ValueError(f"offset_layout_figure draws at most 72 channels, got kernel_size "
                         f"{(kH, kW)} with offset_groups={G}: {channels}")
    dy, dx = split_offset(np.arange(channels, dtype=float).reshape(1, channels, 1, 1), (kH, kW))
    owner = {}
    for axis, d in (("dy", dy), ("dx", dx)):
        for g, u, v in np.ndindex(G, kH, kW):
            owner[int(d[0, g, u, v, 0, 0])] = (g, u, v, axis)
    colours = colormaps["tab20" if taps > 10 else "tab10"]

    def colour(u, v):
        return colours((u * kW + v) % colours.N)

    rows = 3 if mask else 2
    fig = Figure(figsize=(max(6.0, 0.42 * channels + 1.0), 1.3 * rows + 0.35 * kH * (1 + 0.1 * G)))
    heights = [1, 1, 0.4 + 0.5 * kH] if mask else [1, 0.4 + 0.5 * kH]
    axes = fig.subplots(rows, 1, gridspec_kw={"height_ratios": heights})
    strips = [("offset", channels, lambda c: owner[c])]
    if mask:
        strips.append(("mask", G * taps,
                       lambda c: (c // taps, (c % taps) // kW, c % kW, "m")))
    for ax, (name, n, who) in zip(axes, strips):
        for c in range(n):
            g, u, v, axis = who(c)
            ax.add_patch(Rectangle((c, 0), 1, 1, facecolor=colour(u, v), alpha=0.55,
                                   edgecolor="#555555", lw=0.6, gid=f"{name} channel {c}"))
            ax.text(c + 0.5, 0.68, axis, ha="center", va="center", fontsize=7,
                    gid=f"{name} channel {c} axis")
            ax.text(c + 0.5, 0.3, f"{u},{v}", ha="center", va="center", fontsize=6)
            ax.text(c + 0.5, 1.12, str(c), ha="center", va="bottom", fontsize=6, color="#555555")
        per_group = n // G
        for g in range(G):
            ax.plot([g * per_group] * 2, [-0.15, 1.4], color="black", lw=1.5)
            ax.text(g * per_group + per_group / 2, -0.3, f"offset group {g}", ha="center",
                    va="top", fontsize=8)
        ax.plot([n] * 2, [-0.15, 1.4], color="black", lw=1.5)
        ax.set_xlim(-0.3, channels + 0.3)
        ax.set_ylim(-0.9, 1.6)
        ax.set_title(f"{name} channels ({n} = {'2 x ' if name == 'offset' else ''}{G} x {kH} x {kW}):"
                     f" {'(dy, dx) per tap' if name == 'offset' else 'one per tap'}, taps row-major",
                     fontsize=9)
        ax.axis("off")
    ax = axes[-1]
    for g in range(G):
        left = g * (kW + 1)
        for u, v in np.ndindex(kH, kW):
            t = g * taps + u * kW + v
            ax.add_patch(Rectangle((left + v, u), 1, 1, facecolor=colour(u, v), alpha=0.55,
                                   edgecolor="#555555", lw=0.8, gid=f"tap {g},{u},{v}"))
            label = f"t={t}\n{2 * t},{2 * t + 1}" + (f"\nm {t}" if mask else "")
            ax.text(left + v + 0.5, u + 0.5, label, ha="center", va="center", fontsize=6,
                    gid=f"tap {g},{u},{v} channels")
        ax.text(left + kW / 2, kH + 0.15, f"group {g}: taps (u, v)", ha="center", va="top",
                fontsize=8)
    ax.set_xlim(-0.2, G * (kW + 1))
    ax.set_ylim(kH + 0.8, -0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig

"""The figures of chapter 3: the scatter of kernel copies, the zero-insertion view, the sizes
output_padding chooses between, overlap maps, upsampled images and artifact strengths."""
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..arithmetic import conv_output_size, conv_transpose_output_size
from ..checks import as_float_array, check_ndim, int_tuple, ints_at_least
from ..transposed import (_pad_or_crop, conv_transpose2d, conv_transpose2d_zero_insertion,
                          conv_weight_of_transpose, insert_zeros, overlap_map)
from ..upsampling import checkerboard_strength
from .common import HIGHLIGHT, INPUT, KERNEL, OUTPUT, PAD, _grid, _outline

CROPPED = "#f2f2f2"
INSERTED = "#c9c9c9"
EXTRA = "#f7d6e6"


def _cells(ax, values, faces, texts, title):
    """A grid of cells with their own face colours and texts ("" for none)."""
    h, w = values.shape
    for i in range(h):
        for j in range(w):
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=faces[i][j], edgecolor="#777777",
                                   lw=0.6))
            if texts[i][j]:
                ax.text(j + 0.5, i + 0.5, texts[i][j], ha="center", va="center", fontsize=8)
    ax.set_xlim(-0.05, w + 0.05)
    ax.set_ylim(h + 0.05, -0.05)
    ax.set_aspect("equal")
    ax.set_title(title, fontsize=9)
    ax.axis("off")


def _image_and_kernel(x, k):
    x, k = as_float_array("x", x), as_float_array("k", k)
    check_ndim("x", x, 2, "(H, W)")
    check_ndim("k", k, 2, "(kH, kW)")
    return x, k


def scatter_figure(x, k, stride=1, padding=0):
    """The scatter view: the input x (H, W) (at most 9 pixels), the kernel k (kH, kW), then
    for each input pixel the copy x[i, j] * k it adds into the output at rows i*s.., columns
    j*s.. (before padding crops p from each side), and the sum of them all, with the cropped
    border shaded and the output outlined. The sum is convzoo's conv_transpose2d."""
    x, k = _image_and_kernel(x, k)
    if x.size > 9:
        raise ValueError(f"x must have at most 9 pixels to draw one copy each, got shape {x.shape}")
    (sh, sw), (ph, pw) = int_tuple("stride", stride, 2), int_tuple("padding", padding, 2)
    H, W = x.shape
    kH, kW = k.shape
    full = conv_transpose2d(x[None, None], k[None, None], stride=(sh, sw))[0, 0]
    out = conv_transpose2d(x[None, None], k[None, None], stride=(sh, sw),
                           padding=(ph, pw))[0, 0]            # checks padding against x, k
    Hf, Wf = full.shape
    widths = [W, kW] + [Wf] * (H * W) + [Wf]
    fig = Figure(figsize=(0.32 * sum(widths) + 0.5 * len(widths), 0.36 * max(Hf, 3) + 1.1))
    axes = fig.subplots(1, len(widths), gridspec_kw={"width_ratios": widths})
    _grid(axes[0], x, INPUT, f"x {x.shape}")
    _grid(axes[1], k, KERNEL, f"k {k.shape}")
    for n, (i, j) in enumerate(np.ndindex(H, W)):
        rows, cols = slice(i * sh, i * sh + kH), slice(j * sw, j * sw + kW)
        stamp = np.zeros((Hf, Wf), bool)
        stamp[rows, cols] = True
        texts = [[f"{x[i, j] * k[r - i * sh, c - j * sw]:.0f}" if stamp[r, c] else ""
                  for c in range(Wf)] for r in range(Hf)]
        faces = [[OUTPUT if stamp[r, c] else "white" for c in range(Wf)] for r in range(Hf)]
        _cells(axes[2 + n], full, faces, texts, f"x[{i},{j}] k at ({i * sh}, {j * sw})")
        axes[2 + n].add_patch(Rectangle((j * sw, i * sh), kW, kH, fill=False, lw=2.0,
                                        edgecolor=HIGHLIGHT, gid=f"stamp {i},{j}"))
    kept = np.zeros((Hf, Wf), bool)
    kept[ph:Hf - ph, pw:Wf - pw] = True
    faces = [[OUTPUT if kept[r, c] else CROPPED for c in range(Wf)] for r in range(Hf)]
    texts = [[f"{full[r, c]:.0f}" for c in range(Wf)] for r in range(Hf)]
    _cells(axes[-1], full, faces, texts,
           f"sum: output {out.shape}" + (f"\n(padding {(ph, pw)} cropped)" if ph or pw else ""))
    axes[-1].add_patch(Rectangle((pw, ph), out.shape[1], out.shape[0], fill=False, lw=2.0,
                                 edgecolor=HIGHLIGHT, gid="output"))
    fig.suptitle(f"scatter view, stride {(sh, sw)}: each input pixel adds a scaled copy of "
                 f"the kernel; the copies overlap and add up", fontsize=10)
    fig.tight_layout()
    return fig


def zero_insertion_figure(x, k, stride=1, padding=0, output_padding=0, position=(0, 0)):
    """The zero-insertion view: x (H, W) with stride - 1 zeros inserted between its pixels,
    a border of k - 1 - padding zeros (cropped where negative) and output_padding more at
    the bottom and right; the kernel turned by 180 degrees; and the output of the stride-1
    correlation of the two, with the window that output `position` reads outlined."""
    x, k = _image_and_kernel(x, k)
    (sh, sw), (ph, pw) = int_tuple("stride", stride, 2), int_tuple("padding", padding, 2)
    (oh, ow) = int_tuple("output_padding", output_padding, 2)
    kH, kW = k.shape
    out = conv_transpose2d_zero_insertion(x[None, None], k[None, None], stride=(sh, sw),
                                          padding=(ph, pw), output_padding=(oh, ow))[0, 0]
    i, j = int_tuple("position", position, 2)
    if not (0 <= i < out.shape[0] and 0 <= j < out.shape[1]):
        raise ValueError(f"position must lie in the output {out.shape}, got {(i, j)}")
    z = insert_zeros(x[None, None], (sh, sw))[0, 0]
    bh, bw = kH - 1 - ph, kW - 1 - pw
    values = _pad_or_crop(z[None, None], [(bh, bh + oh), (bw, bw + ow)])[0, 0]

    def axis_kind(length, border, size):
        """Per padded row (or column): -1 a border zero, -2 an output_padding zero, or the
        index into z (border may be negative: z was cropped)."""
        at = np.arange(size) - border
        return np.where(at < 0, -1, np.where(at < length, at, np.where(
            at < length + max(border, 0), -1, -2)))

    rows = axis_kind(z.shape[0], bh, values.shape[0])
    cols = axis_kind(z.shape[1], bw, values.shape[1])
    kind = np.zeros(values.shape, int)             # 0 inserted zero, 1 input, 2 border, 3 extra
    for r, a in enumerate(rows):
        for c, b in enumerate(cols):
            if a == -2 or b == -2:
                kind[r, c] = 3
            elif a == -1 or b == -1:
                kind[r, c] = 2
            else:
                kind[r, c] = int(a % sh == 0 and b % sw == 0)
    colours = {0: INSERTED, 1: INPUT, 2: PAD, 3: EXTRA}
    faces = [[colours[int(c)] for c in row] for row in kind]
    texts = [[f"{v:.0f}" for v in row] for row in values]
    flipped = conv_weight_of_transpose(k[None, None])[0, 0]
    widths = [values.shape[1], kW, out.shape[1]]
    fig = Figure(figsize=(0.34 * sum(widths) + 2.2, 0.38 * max(values.shape[0], 4) + 1.2))
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": widths})
    _cells(axes[0], values, faces, texts, f"x {x.shape}: {(sh - 1, sw - 1)} zeros inserted,\n"
           f"border {(bh, bw)}" + (f", {(oh, ow)} more at the end" if oh or ow else ""))
    axes[0].add_patch(Rectangle((j, i), kW, kH, fill=False, lw=2.2, edgecolor=HIGHLIGHT,
                                gid="window"))
    for name, colour, x0 in (("input", INPUT, 0.0), ("inserted 0", INSERTED, 0.27),
                             ("border 0", PAD, 0.54), ("output_padding 0", EXTRA, 0.81)):
        below = values.shape[0] + 0.5
        axes[0].add_patch(Rectangle((x0 * values.shape[1], below), 0.6, 0.6, facecolor=colour,
                                    edgecolor="#777777", lw=0.6, clip_on=False))
        axes[0].text(x0 * values.shape[1] + 0.8, below + 0.3, name, fontsize=7, va="center")
    _grid(axes[1], flipped, KERNEL, "k turned 180 deg")
    _grid(axes[2], out, OUTPUT, f"output {out.shape}")
    _outline(axes[2], i, j, 1, 1)
    fig.suptitle(f"zero-insertion view: out[{i}, {j}] = sum of the outlined window times the "
                 f"turned kernel = {out[i, j]:.0f}", fontsize=10)
    fig.tight_layout()
    return fig


def output_padding_figure(sizes, k, stride, padding=0):
    """Why output_padding exists: for each input length n in sizes, a row of the n cells a
    convolution (kernel k, stride, padding) reads, labelled with its output length m, and
    under it one row per output_padding 0 .. stride - 1 of the length conv_transpose gives
    back from m; the row that gives back n is outlined. Several n give the same m, so m
    alone cannot say which n to return to."""
    if not isinstance(sizes, (list, tuple)) or not sizes:
        raise ValueError(f"sizes must be a non-empty list of input lengths, got {sizes!r}")
    (k,), (s,), (p,) = (ints_at_least(a, v, 1, lo) for a, v, lo in
                        (("k", k, 1), ("stride", stride, 1), ("padding", padding, 0)))
    rows = []                     # (y, length, colour, label, gid, outlined)
    for n in sizes:
        m = conv_output_size(n, k, s, p)                       # checks n against k, p
        rows.append((int(n), INPUT, f"conv input n = {n}: output m = {m}", f"n={n}", False))
        for o in range(s):
            back = conv_transpose_output_size(m, k, s, p, o)
            rows.append((back, OUTPUT if back == n else PAD,
                         f"  conv_transpose(m = {m}), output_padding={o}: {back}",
                         f"n={n} output_padding={o}", back == n))
    width = max(r[0] for r in rows)
    fig = Figure(figsize=(0.28 * width + 4.2, 0.3 * len(rows) + 0.9))
    ax = fig.subplots()
    for y, (length, colour, label, gid, outlined) in enumerate(rows):
        for c in range(length):
            ax.add_patch(Rectangle((c, y), 1, 0.8, facecolor=colour, edgecolor="#777777",
                                   lw=0.5))
        if outlined:
            ax.add_patch(Rectangle((0, y), length, 0.8, fill=False, lw=2.0,
                                   edgecolor=HIGHLIGHT, gid=gid))
        ax.text(width + 0.5, y + 0.4, label, fontsize=8, va="center",
                gid=gid if not outlined else None)
    ax.set_xlim(-0.3, width + 0.5 + 0.2 * max(len(r[2]) for r in rows))
    ax.set_ylim(len(rows), -0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"kernel {k}, stride {s}, padding {p}: one conv output length, several "
                 f"input lengths;\noutput_padding picks which one the transposed conv "
                 f"gives back (outlined)", fontsize=9)
    fig.tight_layout()
    return fig


def overlap_figure(pairs, n=6):
    """Overlap maps: for each (kernel, stride) in pairs, the counts of a transposed
    convolution along one axis (bars, input length n) and in 2-D (an n x n input), each
    titled with the checkerboard_strength of its inside (a kernel's reach from the border
    left out). The counts are convzoo's overlap_map."""
    if not isinstance(pairs, (list, tuple)) or not pairs:
        raise ValueError(f"pairs must be a non-empty list of (kernel, stride), got {pairs!r}")
    pairs = [ints_at_least("pairs", pair, 2, 1) for pair in pairs]
    (n,) = ints_at_least("n", n, 1, 2)
    fig = Figure(figsize=(3.0 * len(pairs), 5.0))
    axes = fig.subplots(2, len(pairs), squeeze=False, gridspec_kw={"height_ratios": [1, 2.2]})
    for col, (k, s) in enumerate(pairs):
        line = overlap_map((1, n), (1, k), s)[0]
        square = overlap_map((n, n), (k, k), s)
        inside = square[k:-k, k:-k] if square.shape[0] > 2 * k + s else square
        strength = checkerboard_strength(inside, s)
        top = axes[0, col]
        top.bar(np.arange(line.size), line, width=0.85, color="#4c72b0", gid=f"k={k} s={s} bars")
        top.set_ylim(0, max(line.max(), 1) + 0.6)
        top.set_yticks(range(0, int(line.max()) + 1))
        top.set_xticks([])
        top.set_title(f"kernel {k}, stride {s}\nwrites per output pixel", fontsize=9)
        bottom = axes[1, col]
        bottom.imshow(square, cmap="Blues", vmin=0, vmax=max(int(square.max()), 1),
                      interpolation="nearest", gid=f"k={k} s={s} map")
        if square.shape[0] <= 16:
            for (r, c), v in np.ndenumerate(square):
                bottom.text(c, r, str(v), ha="center", va="center", fontsize=6)
        bottom.set_xticks([])
        bottom.set_yticks([])
        bottom.set_title(f"2-D, {n}x{n} input\nstrength inside {strength:.2f}", fontsize=9)
    fig.tight_layout()
    return fig


def upsampled_figure(images, title=None):
    """Images side by side in grey, each on its own scale: images is {label: array (h, w)}
    (crops of upsampled images, so that single pixels show)."""
    if not isinstance(images, dict) or not images:
        raise ValueError(f"images must be a non-empty dict of label -> 2-D array, got {images!r}")
    arrays = {}
    for label, a in images.items():
        arrays[label] = as_float_array(f"images[{label!r}]", a)
        check_ndim(f"images[{label!r}]", arrays[label], 2, "(h, w)")
    fig = Figure(figsize=(2.6 * len(arrays), 3.0))
    axes = np.atleast_1d(fig.subplots(1, len(arrays)))
    for ax, (label, a) in zip(axes, arrays.items()):
        ax.imshow(a, cmap="gray", interpolation="nearest")
        ax.set_title(label, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def strengths_figure(columns, title=None):
    """Horizontal bars from 0 to 1, one panel per measure: columns is {measure: {method:
    strength}}, every measure over the same methods; each bar labelled with its number."""
    if not isinstance(columns, dict) or not columns:
        raise ValueError(f"columns must be a non-empty dict of measure -> {{method: value}}, "
                         f"got {columns!r}")
    methods = None
    for measure, values in columns.items():
        if not isinstance(values, dict) or not values:
            raise ValueError(f"columns[{measure!r}] must be a non-empty dict of method -> value")
        if methods is None:
            methods = list(values)
        elif list(values) != methods:
            raise ValueError(f"columns[{measure!r}] has methods {list(values)}, expected {methods}")
    fig = Figure(figsize=(3.4 * len(columns) + 2.0, 0.45 * len(methods) + 1.3))
    axes = np.atleast_1d(fig.subplots(1, len(columns), sharey=True))
    rows = np.arange(len(methods))
    for ax, (measure, values) in zip(axes, columns.items()):
        v = np.array([float(values[m]) for m in methods])
        if np.any(~np.isfinite(v)) or np.any(v < 0):
            raise ValueError(f"columns[{measure!r}] must hold numbers >= 0, got {values!r}")
        ax.barh(rows, v, color="#4c72b0", height=0.55, gid=f"{measure} bars")
        for r, value in zip(rows, v):
            ax.text(value + 0.02, r, f"{value:.2f}", va="center", fontsize=8)
        ax.set_xlim(0, max(1.0, v.max()) * 1.2)
        ax.set_title(measure, fontsize=9)
        ax.grid(axis="x", color="#e4e4e4", lw=0.8)
        ax.set_axisbelow(True)
    axes[0].set_yticks(rows, methods)
    axes[0].set_ylim(len(methods) - 0.4, -0.6)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig

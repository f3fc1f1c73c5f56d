"""The figures of chapter 2: the windows of a convolution along one axis (what the floor of
the output size throws away), output size against input size, the receptive field of a
stack, the effective receptive field, padding modes, and pooling."""
import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..arithmetic import (conv_output_size, conv_transpose_output_size, jump_and_start,
                          receptive_field, unread_inputs)
from ..checks import as_float_array, check_ndim, int_tuple, ints_at_least, is_int
from ..padding import MODES, pad
from ..pooling import avg_pool2d, max_pool2d
from ..windows import window_slices
from .common import HIGHLIGHT, INPUT, KERNEL, OUTPUT, PAD, _grid, _outline

UNREAD = "#f4a6a6"


def _layer(label, case):
    """(n, k, stride, padding, dilation) of a case given as a dict of conv_output_size's
    arguments, checked by conv_output_size itself."""
    if not isinstance(case, dict) or not {"n", "k"} <= set(case):
        raise ValueError(f"cases[{label!r}] must be a dict with n, k and optionally stride, "
                         f"padding, dilation, got {case!r}")
    n, k = case["n"], case["k"]
    s, p, d = case.get("stride", 1), case.get("padding", 0), case.get("dilation", 1)
    try:
        out = conv_output_size(n, k, s, p, d)
    except ValueError as error:
        raise ValueError(f"cases[{label!r}]: {error}") from None
    return n, k, s, p, d, out


def windows_figure(cases, title=None):
    """One row of cells per case, the padded input along one axis (padding shaded), and under
    it one bar per output position spanning the input cells that output reads (a dot on each
    tap). Input cells that no window reads, what the floor of the output size throws away,
    are red. cases: {label: dict(n=, k=, stride=, padding=, dilation=)}, as conv_output_size
    takes them; the windows are windows.window_slices of that many outputs."""
    if not isinstance(cases, dict) or not cases:
        raise ValueError(f"cases must be a non-empty dict of label -> dict(n=, k=, ...), got {cases!r}")
    layers = {label: _layer(label, case) for label, case in cases.items()}
    rows = sum(2.2 + out for *_, out in layers.values())
    widest = max(n + 2 * p for n, _, _, p, _, _ in layers.values())
    fig = Figure(figsize=(min(11.0, 2.2 + 0.42 * widest), 0.3 * rows + 0.8))
    ax = fig.subplots()
    top, ticks = 0.0, []
    for label, (n, k, s, p, d, out) in layers.items():
        unread = set(unread_inputs(n, k, s, p, d))
        ticks.append(top + 0.5)
        for i in range(out):
            (cells,) = window_slices((i,), (k,), (s,), (d,))
            taps = np.arange(n + 2 * p)[cells]
            y = top + 1.6 + i
            ax.add_patch(Rectangle((taps[0] + 0.1, y - 0.3), taps[-1] - taps[0] + 0.8, 0.6,
                                   facecolor=OUTPUT, edgecolor="#555555", lw=0.6,
                                   gid=f"{label} window {i}"))
            ax.plot(taps + 0.5, [y] * len(taps), "o", color="#333333", ms=3)
            ax.text(taps[-1] + 1.1, y, f"y[{i}]", va="center", fontsize=7)
        for t in range(n + 2 * p):
            inside = p <= t < p + n
            kind = ("unread" if t - p in unread else "input") if inside else "padding"
            face = {"input": INPUT, "unread": UNREAD, "padding": PAD}[kind]
            ax.add_patch(Rectangle((t, top), 1, 1, facecolor=face, edgecolor="#555555", lw=0.8,
                                   gid=f"{label} {kind} {t - p}"))
            if inside:
                ax.text(t + 0.5, top + 0.5, str(t - p), ha="center", va="center", fontsize=7)
        ax.text(n + 2 * p + 0.4, top + 0.5, f"o = {out}" + (f", {len(unread)} unread" if unread else ""),
                va="center", fontsize=9)
        top += 2.2 + out
    ax.set_xlim(-0.3, widest + 4.5)
    ax.set_ylim(top, -0.3)
    ax.set_yticks(ticks, [str(label) for label in layers], fontsize=9)
    ax.set_xticks([])
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(title or "a bar per output: the cells it reads\n(grey: padding; red: never read)",
                 fontsize=10)
    fig.tight_layout()
    return fig


def sizes_figure(k, stride=1, padding=0, dilation=1, n_max=20):
    """The output size against the input size n = 1 .. n_max: conv_output_size as steps,
    with the straight line (n + 2p - d(k - 1) - 1) / s + 1 that the floor rounds down. Every
    step of width s is a set of input sizes that give one output size."""
    (k,), (s,), (p,), (d,), (n_max,) = (ints_at_least(name, v, 1, low) for name, v, low in (
        ("k", k, 1), ("stride", stride, 1), ("padding", padding, 0), ("dilation", dilation, 1),
        ("n_max", n_max, 1)))
    sizes = [n for n in range(1, n_max + 1) if n + 2 * p >= d * (k - 1) + 1]
    if not sizes:
        raise ValueError(f"no input size up to n_max {n_max} fits kernel {k} with dilation "
                         f"{d} and padding {p}")
    outs = [conv_output_size(n, k, s, p, d) for n in sizes]
    fig = Figure(figsize=(6.4, 3.4))
    ax = fig.subplots()
    line = np.linspace(sizes[0], sizes[-1], 200)
    ax.plot(line, (line + 2 * p - d * (k - 1) - 1) / s + 1, color="#999999", lw=1,
            label="(n + 2p - d(k-1) - 1) / s + 1", gid="line")
    ax.plot(sizes, outs, "o", color="#4c72b0", ms=5, label="o = floor(...) + 1", gid="sizes")
    ax.set_xlabel("input size n")
    ax.set_ylabel("output size o")
    ax.set_xticks(sizes if len(sizes) <= 25 else sizes[::2])
    ax.grid(color="#eeeeee")
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(f"k = {k}, s = {s}, p = {p}, d = {d}: every {s} input sizes share one output size"
                 if s > 1 else f"k = {k}, s = 1, p = {p}, d = {d}: one output size per input size",
                 fontsize=10)
    fig.tight_layout()
    return fig


def _stack(layers):
    out = []
    for i, layer in enumerate(layers):
        if not isinstance(layer, (tuple, list)) or len(layer) != 4:
            raise ValueError(f"layers[{i}] must be (kernel, stride, dilation, padding), got {layer!r}")
        out.append(tuple(layer))
    return out


def receptive_field_figure(layers, n, unit=None, names=None):
    """A stack seen along one axis: a row of units per layer, the input (n pixels) at the
    bottom, each unit drawn at the centre of its field in input pixels. The units that
    output `unit` (default: the middle one) reads are filled, layer by layer, down to the
    input pixels of its receptive field. layers: [(kernel, stride, dilation, padding), ...],
    first layer first; receptive_field and jump_and_start give the field, conv_output_size
    the units, window_slices which units a unit reads."""
    layers = _stack(layers)
    (n,) = ints_at_least("n", n, 1, 1)
    names = list(names) if names is not None else [f"layer {i + 1}" for i in range(len(layers))]
    if len(names) != len(layers):
        raise ValueError(f"names must have one entry per layer ({len(layers)}), got {names!r}")
    counts = [n]
    for i, (k, s, d, p) in enumerate(layers):
        try:
            counts.append(conv_output_size(counts[-1], k, s, p, d))
        except ValueError as error:
            raise ValueError(f"layers[{i}] on an input of {counts[-1]} (n={n}): {error}") from None
    unit = counts[-1] // 2 if unit is None else unit
    if not 0 <= unit < counts[-1]:
        raise ValueError(f"unit must lie in the last layer's {counts[-1]} units, got {unit}")
    # which units of each layer the chosen unit depends on, from the top down
    chosen = [set() for _ in counts]
    chosen[-1] = {unit}
    for level in range(len(layers), 0, -1):
        k, s, d, p = layers[level - 1]
        for u in chosen[level]:
            (cells,) = window_slices((u,), (k,), (s,), (d,))
            taps = np.arange(cells.start, cells.stop, cells.step) - p
            chosen[level - 1] |= {int(t) for t in taps if 0 <= t < counts[level - 1]}
    fig = Figure(figsize=(min(12.0, 2.0 + 0.3 * n), 0.75 * len(counts) + 1.2))
    ax = fig.subplots()
    labels, left, right = [], -0.5, n + 0.5
    geometry = [(1, 0, 1)]                                  # (jump, start, field) per level
    for level in range(1, len(counts)):
        jump, start = jump_and_start(layers[:level])
        geometry.append((jump, start, receptive_field([la[:3] for la in layers[:level]])))
    for level, count in enumerate(counts):
        jump, start, field = geometry[level]
        y = level                                          # the input at the bottom
        width = 0.8 if level == 0 else 0.55
        for u in range(count):
            centre = start + u * jump + (field - 1) / 2 + 0.5
            left, right = min(left, centre - 0.5), max(right, centre + 0.5)
            on = u in chosen[level]
            ax.add_patch(Rectangle((centre - width / 2, y - 0.25), width, 0.5,
                                   facecolor=(HIGHLIGHT if level == len(counts) - 1 else KERNEL)
                                   if on else (INPUT if level == 0 else OUTPUT),
                                   edgecolor="#555555", lw=0.6,
                                   gid=f"{'input' if level == 0 else names[level - 1]} {u}"
                                   + (" read" if on else "")))
        label = f"input, {n} pixels" if level == 0 else (
            f"{names[level - 1]}: k {layers[level - 1][0]}, s {layers[level - 1][1]}, "
            f"d {layers[level - 1][2]}, p {layers[level - 1][3]}; r {field}, jump {jump}")
        labels.append((y, label))
    jump, start, field = geometry[-1]
    first = start + unit * jump
    ax.set_title(f"unit {unit} of the last layer sees input pixels {first} .. {first + field - 1}: "
                 f"receptive field {field}\n(orange: what it reads, layer by layer; pixels outside "
                 f"0 .. {n - 1} are padding)", fontsize=10)
    ax.set_yticks([y for y, _ in labels], [label for _, label in labels], fontsize=8)
    ax.set_xticks([])
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_xlim(min(left, first - 0.5), max(right, first + field + 0.5))
    ax.set_ylim(-0.7, len(counts) - 0.3)
    fig.tight_layout()
    return fig


def effective_field_figure(maps, title=None):
    """Gradient magnitudes |d y / d x| of one output unit over the input, one panel per map
    {label: array (R_H, R_W)} (each the size of its receptive field, shown on a common
    canvas with its field outlined), and below, each map's middle row divided by its
    maximum: a uniform field would be a flat line."""
    arrays = {}
    if not isinstance(maps, dict) or not maps:
        raise ValueError(f"maps must be a non-empty dict of label -> 2-D array, got {maps!r}")
    for label, a in maps.items():
        a = np.abs(as_float_array(f"maps[{label!r}]", a))
        check_ndim(f"maps[{label!r}]", a, 2, "(R_H, R_W)")
        if not a.max() > 0:
            raise ValueError(f"maps[{label!r}] is zero everywhere: no gradient to draw")
        arrays[label] = a / a.max()
    side = max(max(a.shape) for a in arrays.values())
    fig = Figure(figsize=(2.4 * len(arrays) + 0.6, 5.2))
    grid = fig.add_gridspec(2, len(arrays), height_ratios=[1.3, 1])
    profile = fig.add_subplot(grid[1, :])
    for i, (label, a) in enumerate(arrays.items()):
        ax = fig.add_subplot(grid[0, i])
        canvas = np.zeros((side, side))
        top, left = (side - a.shape[0]) // 2, (side - a.shape[1]) // 2
        canvas[top:top + a.shape[0], left:left + a.shape[1]] = a
        ax.imshow(canvas, cmap="magma", vmin=0, vmax=1, interpolation="nearest")
        ax.add_patch(Rectangle((left - 0.5, top - 0.5), a.shape[1], a.shape[0], fill=False,
                               edgecolor="#4c72b0", lw=1.2, gid=f"{label} field"))
        ax.set_title(f"{label}\nfield {a.shape[0]} x {a.shape[1]}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        row = a[a.shape[0] // 2]
        offsets = np.arange(row.size) - (row.size - 1) / 2
        profile.plot(offsets, row, marker="." if row.size < 40 else None, label=label, gid=label)
    profile.set_xlabel("input pixel, from the centre of the field")
    profile.set_ylabel("|gradient| / max")
    profile.set_ylim(0, 1.05)
    profile.grid(color="#eeeeee")
    profile.legend(fontsize=8)
    fig.suptitle(title or "effective receptive field: how much each input pixel moves the output",
                 fontsize=10)
    fig.tight_layout()
    return fig


def padding_modes_figure(x, pad_width, modes=MODES):
    """x (H, W) padded by pad_width pixels on every side in each of `modes`, as convzoo.pad
    (torch's F.pad) computes it: one grid of numbers per mode, the original x outlined."""
    x = as_float_array("x", x)
    check_ndim("x", x, 2, "(H, W)")
    (p,) = ints_at_least("pad_width", pad_width, 1, 0)
    modes = list(modes)
    if not modes or any(m not in MODES for m in modes):
        raise ValueError(f"modes must be a non-empty list of {MODES}, got {modes!r}")
    padded = {m: pad(x, (p,) * 4, m) for m in modes}          # pad says where torch refuses
    H, W = x.shape
    fig = Figure(figsize=(0.42 * (W + 2 * p) * len(modes) + 0.6, 0.42 * (H + 2 * p) + 1.0))
    axes = np.atleast_1d(fig.subplots(1, len(modes)))
    for ax, (mode, out) in zip(axes, padded.items()):
        outside = np.ones(out.shape, bool)
        outside[p:p + H, p:p + W] = False
        _grid(ax, out, INPUT, f'mode="{mode}"', fmt="{:g}", padded=outside)
        _outline(ax, p, p, H, W)
        ax.patches[-1].set_gid(f"{mode} input")
    fig.tight_layout()
    return fig


def pooling_figure(x, kernel_size=2, stride=None):
    """x (H, W) with the cell each max-pooling window takes outlined (max_pool2d's
    return_indices), then the max-pooled and the average-pooled outputs."""
    x = as_float_array("x", x)
    check_ndim("x", x, 2, "(H, W)")
    kernel = int_tuple("kernel_size", kernel_size, 2)
    stride = kernel if stride is None else int_tuple("stride", stride, 2)
    top, where = max_pool2d(x[None, None], kernel, stride, return_indices=True)
    mean = avg_pool2d(x[None, None], kernel, stride)
    top, where, mean = top[0, 0], where[0, 0], mean[0, 0]
    H, W = x.shape
    fig = Figure(figsize=(0.5 * (W + 2 * top.shape[1]) + 1.6, 0.5 * max(H, 3) + 0.9))
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [W, top.shape[1], top.shape[1]]})
    _grid(axes[0], x, INPUT, f"x {x.shape}, windows {kernel}, stride {stride}", fmt="{:g}")
    colours = colormaps["tab10"](np.arange(top.size) % 10)
    for (i, j), flat in np.ndenumerate(where):
        r, c = divmod(int(flat), W)
        axes[0].add_patch(Rectangle((c + 0.08, r + 0.08), 0.84, 0.84, fill=False, lw=2.0,
                                    edgecolor=colours[i * top.shape[1] + j],
                                    gid=f"max of window {i},{j}"))
    _grid(axes[1], top, KERNEL, "max_pool2d", fmt="{:g}")
    _grid(axes[2], mean, OUTPUT, "avg_pool2d", fmt="{:.2f}")
    fig.tight_layout()
    return fig


def invariance_figure(shifts, unchanged, title=None):
    """The share of outputs that stay the same when the input moves by each shift:
    unchanged is {label: [share for each shift]}, shares between 0 and 1."""
    shifts = list(shifts) if isinstance(shifts, (list, tuple, range)) else None
    if not shifts or not all(is_int(v) for v in shifts):
        raise ValueError(f"shifts must be a non-empty list of ints, got {shifts!r}")
    if not isinstance(unchanged, dict) or not unchanged:
        raise ValueError(f"unchanged must be a non-empty dict of label -> shares, got {unchanged!r}")
    fig = Figure(figsize=(6.4, 3.4))
    ax = fig.subplots()
    for label, shares in unchanged.items():
        shares = as_float_array(f"unchanged[{label!r}]", shares)
        if shares.shape != (len(shifts),) or shares.min() < 0 or shares.max() > 1:
            raise ValueError(f"unchanged[{label!r}] must hold {len(shifts)} shares between 0 "
                             f"and 1, one per shift, got {shares.tolist()}")
        ax.plot(shifts, shares, marker="o", label=label, gid=label)
    ax.set_xticks(shifts)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("shift of the input (pixels)")
    ax.set_ylabel("share of outputs unchanged")
    ax.grid(color="#eeeeee")
    ax.legend(fontsize=8)
    ax.set_title(title or "how invariant is pooling to a small shift?", fontsize=10)
    fig.tight_layout()
    return fig


def transposed_windows_figure(cases, title=None):
    """The guide's picture of a transposed convolution along one axis, one row per case: its
    n inputs with stride - 1 zeros inserted between neighbours, q = d(k - 1) - p zeros before
    them and q + output_padding after, and under that row one bar per output of the stride-1
    convolution over it, spanning the cells that output reads (a dot on each tap).
    cases: {label: dict(n=, k=, stride=, padding=, output_padding=, dilation=)}, n the
    length of the transposed convolution's input (the convolution's output), padding at most
    d(k - 1); the number of bars is conv_transpose_output_size."""
    if not isinstance(cases, dict) or not cases:
        raise ValueError(f"cases must be a non-empty dict of label -> dict(n=, k=, ...), got {cases!r}")
    layers = {}
    for label, case in cases.items():
        if not isinstance(case, dict) or not {"n", "k"} <= set(case):
            raise ValueError(f"cases[{label!r}] must be a dict with n, k and optionally stride, "
                             f"padding, output_padding, dilation, got {case!r}")
        n, k, s = case["n"], case["k"], case.get("stride", 1)
        p, a, d = case.get("padding", 0), case.get("output_padding", 0), case.get("dilation", 1)
        try:
            out = conv_transpose_output_size(n, k, s, p, a, d)
        except ValueError as error:
            raise ValueError(f"cases[{label!r}]: {error}") from None
        if p > d * (k - 1):
            raise ValueError(f"cases[{label!r}]: padding {p} is more than d(k - 1) = "
                             f"{d * (k - 1)}, which the picture pads with (it would crop)")
        layers[label] = (n, k, s, d, d * (k - 1) - p, a, out)
    lengths = {label: (n - 1) * s + 1 + 2 * q + a for label, (n, k, s, d, q, a, _) in layers.items()}
    rows = sum(2.2 + out for *_, out in layers.values())
    widest = max(lengths.values())
    labels = max(len(str(label)) for label in layers)            # room for the row labels
    fig = Figure(figsize=(min(11.0, 1.5 + 0.07 * labels + 0.42 * (widest + 3.5)), 0.3 * rows + 0.8))
    ax = fig.subplots()
    top, ticks = 0.0, []
    for label, (n, k, s, d, q, a, out) in layers.items():
        ticks.append(top + 0.5)
        for i in range(out):
            (cells,) = window_slices((i,), (k,), (1,), (d,))
            taps = np.arange(lengths[label])[cells]
            y = top + 1.6 + i
            ax.add_patch(Rectangle((taps[0] + 0.1, y - 0.3), taps[-1] - taps[0] + 0.8, 0.6,
                                   facecolor=OUTPUT, edgecolor="#555555", lw=0.6,
                                   gid=f"{label} window {i}"))
            ax.plot(taps + 0.5, [y] * len(taps), "o", color="#333333", ms=3)
            ax.text(taps[-1] + 1.1, y, f"y[{i}]", va="center", fontsize=7)
        for t in range(lengths[label]):
            j, between = divmod(t - q, s)
            if 0 <= t - q <= (n - 1) * s and between == 0:
                face, gid = INPUT, f"{label} input {j}"
                ax.text(t + 0.5, top + 0.5, str(j), ha="center", va="center", fontsize=7)
            elif 0 <= t - q <= (n - 1) * s:
                face, gid = "white", f"{label} inserted {t}"
            else:
                face, gid = PAD, f"{label} padding {t}"
            ax.add_patch(Rectangle((t, top), 1, 1, facecolor=face, edgecolor="#555555", lw=0.8,
                                   gid=gid))
        ax.text(lengths[label] + 0.4, top + 0.5, f"o' = {out}", va="center", fontsize=9)
        top += 2.2 + out
    ax.set_xlim(-0.3, widest + 3.5)
    ax.set_ylim(top, -0.3)
    ax.set_yticks(ticks, [str(label) for label in layers], fontsize=9)
    ax.set_xticks([])
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(title or "inputs numbered, s - 1 zeros between (white),\n"
                          "d(k - 1) - p around (grey): a stride-1 bar per output", fontsize=10)
    fig.tight_layout()
    return fig

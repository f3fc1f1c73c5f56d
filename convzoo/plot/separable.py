"""The figures of chapter 5 (separable convolutions): a kernel as a column times a row,
curves (approximation error against rank, cost against kernel size), which channel feeds
which in a stack of layers, ratios per layer, and points before and after a map."""
import numpy as np
from matplotlib import colormaps
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..checks import as_float_array, check_ndim, ints_at_least
from ..convolution import conv2d
from .common import INPUT, KERNEL, OUTPUT, _grid


def _vector(name, v):
    v = as_float_array(name, v)
    check_ndim(name, v, 1, "(n,)")
    if v.size < 1:
        raise ValueError(f"{name} must hold at least one number, got shape {v.shape}")
    return v


def outer_product_figure(column, row, fmt="{:g}", title=None):
    """A kernel that is a column (kH,) times a row (kW,): the column, the row and their
    outer product (kH, kW), each as a grid of its numbers."""
    column, row = _vector("column", column), _vector("row", row)
    kernel = np.outer(column, row)
    kH, kW = kernel.shape
    fig = Figure(figsize=(1.6 + 0.55 * (kW + 1 + kW), 0.5 * kH + 1.0))
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, kW, kW]})
    _grid(axes[0], column[:, None], KERNEL, f"column\n({kH},)", fmt)
    _grid(axes[1], row[None, :], KERNEL, f"row ({kW},)", fmt)
    _grid(axes[2], kernel, OUTPUT, f"column x row\n({kH}, {kW})", fmt)
    axes[1].set_ylim(kH + 0.05, -0.05)           # the row at the top, as tall as the others
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def curves_figure(x, curves, xlabel, ylabel, title=None, logy=False):
    """One line with markers per curve: x (n,) and curves {label: values (n,)}. Integer x
    get integer ticks; logy draws y on a log axis (values must then be positive)."""
    x = _vector("x", x)
    if not isinstance(curves, dict) or not curves:
        raise ValueError(f"curves must be a non-empty dict of label -> values, got {curves!r}")
    arrays = {}
    for label, y in curves.items():
        arrays[label] = _vector(f"curves[{label!r}]", y)
        if arrays[label].shape != x.shape:
            raise ValueError(f"curves[{label!r}] has shape {arrays[label].shape}, x has "
                             f"{x.shape}")
        if logy and np.any(arrays[label] <= 0):
            raise ValueError(f"curves[{label!r}] must be positive on a log axis, got min "
                             f"{arrays[label].min():.3g}")
    fig = Figure(figsize=(6.4, 3.8))
    ax = fig.subplots()
    colors = colormaps["tab10"](np.arange(len(arrays)) % 10)
    for color, (label, y) in zip(colors, arrays.items()):
        ax.plot(x, y, "o-", color=color, ms=4, lw=1.5, label=label, gid=f"curve {label}")
    if logy:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    if np.all(x == np.round(x)):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(color="#e4e4e4", lw=0.8)
    ax.legend(fontsize=8, frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def _layers(name, layers):
    """[(label, weight_shape, groups)] checked: each layer's input channels are the last
    one's outputs. Returns [(label, (K, C/g, kH, kW), g)] and the first layer's C."""
    if not isinstance(layers, (list, tuple)) or not layers:
        raise ValueError(f"{name} must be a non-empty list of (label, weight_shape, groups), "
                         f"got {layers!r}")
    checked, channels = [], None
    for layer in layers:
        if not isinstance(layer, (list, tuple)) or len(layer) != 3:
            raise ValueError(f"{name} must hold (label, weight_shape, groups) triples, got "
                             f"{layer!r}")
        label, shape, groups = layer
        K, C_g, kH, kW = ints_at_least(f"{name} weight_shape", shape, 4, 1)
        (g,) = ints_at_least(f"{name} groups", groups, 1, 1)
        if K % g:
            raise ValueError(f"{name}: weight_shape {tuple(shape)} has {K} output channels, "
                             f"not divisible by groups={g}")
        if channels is not None and C_g * g != channels:
            raise ValueError(f"{name}: layer {label!r} with weight_shape {tuple(shape)} and "
                             f"groups={g} takes {C_g * g} channels, the layer before gives "
                             f"{channels}")
        checked.append((str(label), (K, C_g, kH, kW), g))
        channels = K
    return checked, checked[0][1][1] * checked[0][2]


def _connections(weight_shape, groups):
    """(input channel, output channel) pairs a conv2d with this weight shape and groups
    connects: asked of convzoo's conv2d itself, one input channel lit at a time."""
    K, C_g, kH, kW = weight_shape
    C = C_g * groups
    x = np.zeros((C, C, kH, kW))
    x[np.arange(C), np.arange(C)] = 1.0                 # image c: channel c all ones
    reached = conv2d(x, np.ones(weight_shape), groups=groups)[:, :, 0, 0]     # (C, K)
    return [(int(c), int(k)) for c, k in zip(*np.nonzero(reached))]


def channel_graph_figure(chains, title=None):
    """Which channel feeds which: one panel per chain, chains = {name: [(label,
    weight_shape, groups), ...]}, a column of dots per tensor (its channels) and a line for
    every (input, output) channel pair a layer connects (from convzoo's conv2d). Each layer
    is labelled with its kernel size, groups and number of weights."""
    if not isinstance(chains, dict) or not chains:
        raise ValueError(f"chains must be a non-empty dict of name -> layers, got {chains!r}")
    checked = {name: _layers(f"chains[{name!r}]", layers) for name, layers in chains.items()}
    tallest = max(max([c] + [shape[0] for _, shape, _ in layers])
                  for layers, c in checked.values())
    widths = [len(layers) + 0.8 for layers, _ in checked.values()]
    fig = Figure(figsize=(min(13.0, 1.7 * sum(widths) + 0.4), 0.24 * tallest + 2.0))
    axes = np.atleast_1d(fig.subplots(1, len(chains), gridspec_kw={"width_ratios": widths}))
    for ax, (name, (layers, c_in)) in zip(axes, checked.items()):
        sizes = [c_in] + [shape[0] for _, shape, _ in layers]
        ys = [(tallest - n) / 2 + np.arange(n) for n in sizes]
        for i, (label, shape, g) in enumerate(layers):
            pairs = _connections(shape, g)
            segments = [[(i, ys[i][c]), (i + 1, ys[i + 1][k])] for c, k in pairs]
            ax.add_collection(LineCollection(segments, colors="#4c72b0", lw=0.8, alpha=0.7,
                                             gid=f"{name} layer {i}"))
            K, C_g, kH, kW = shape
            ax.text(i + 0.5, tallest + 0.2, f"{label}\n{kH}x{kW}, groups {g}\n"
                    f"{K * C_g * kH * kW:,} weights", ha="center", va="top", fontsize=8)
        for i, y in enumerate(ys):
            color = INPUT if i == 0 else OUTPUT if i == len(ys) - 1 else KERNEL
            ax.scatter(np.full(len(y), i), y, s=30, c=[color], edgecolors="#444444",
                       linewidths=0.7, zorder=3, gid=f"{name} tensor {i}")
            ax.text(i, -0.8, f"{sizes[i]} ch", ha="center", va="bottom", fontsize=8)
        ax.set_xlim(-0.4, len(layers) + 0.4)
        ax.set_ylim(tallest + 2.2, -1.2)
        ax.axis("off")
        ax.set_title(name, fontsize=10)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def ratio_figure(labels, series, ylabel, title=None, reference=None):
    """Grouped bars from zero: one group per label (n,), one bar per series {name: values
    (n,)}, each bar labelled with its value. reference draws a dashed horizontal line
    (a bound the bars are compared with)."""
    if not isinstance(labels, (list, tuple)) or not labels:
        raise ValueError(f"labels must be a non-empty list, got {labels!r}")
    if not isinstance(series, dict) or not series:
        raise ValueError(f"series must be a non-empty dict of name -> values, got {series!r}")
    arrays = {}
    for name, values in series.items():
        arrays[name] = _vector(f"series[{name!r}]", values)
        if arrays[name].shape != (len(labels),):
            raise ValueError(f"series[{name!r}] has shape {arrays[name].shape}, expected "
                             f"({len(labels)},) for {len(labels)} labels")
        if np.any(~np.isfinite(arrays[name])) or np.any(arrays[name] < 0):
            raise ValueError(f"series[{name!r}] must be finite and >= 0 for bars from zero")
    n, m = len(labels), len(arrays)
    fig = Figure(figsize=(min(12.0, 1.6 + 0.5 * n * m + 0.4 * n), 3.9))
    ax = fig.subplots()
    width = 0.8 / m
    colors = colormaps["tab10"](np.arange(m) % 10)
    top = max(float(a.max()) for a in arrays.values())
    for s, (color, (name, values)) in enumerate(zip(colors, arrays.items())):
        where = np.arange(n) - 0.4 + width * (s + 0.5)
        bars = ax.bar(where, values, width, color=color, label=name, gid=f"bars {name}")
        for bar, v in zip(bars, values):
            ax.annotate(f"{v:.2g}", (bar.get_x() + width / 2, v), xytext=(0, 2),
                        textcoords="offset points", ha="center", va="bottom", fontsize=7)
    if reference is not None:
        ax.axhline(float(reference), color="#555555", ls="--", lw=1.0, gid="reference")
        top = max(top, float(reference))
    ax.set_xticks(np.arange(n), [str(label) for label in labels], fontsize=8)
    ax.set_ylim(0, top * 1.18)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", color="#e4e4e4", lw=0.8)
    ax.set_axisbelow(True)
    ax.legend(fontsize=8, frameon=False, ncol=min(m, 3), loc="upper left")
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def manifold_figure(points, recovered, title=None):
    """Points (P, 2) and what a map gave back for each setting, recovered = {label:
    (P, 2)}: one scatter per panel, each point coloured by its index so that where a point
    went can be followed from panel to panel."""
    points = as_float_array("points", points)
    check_ndim("points", points, 2, "(P, 2)")
    if points.shape[1] != 2 or points.shape[0] < 1:
        raise ValueError(f"points must have shape (P, 2) with P >= 1, got {points.shape}")
    if not isinstance(recovered, dict) or not recovered:
        raise ValueError(f"recovered must be a non-empty dict of label -> (P, 2) arrays, "
                         f"got {recovered!r}")
    panels = {"input": points}
    for label, a in recovered.items():
        a = as_float_array(f"recovered[{label!r}]", a)
        if a.shape != points.shape:
            raise ValueError(f"recovered[{label!r}] has shape {a.shape}, points have "
                             f"{points.shape}")
        panels[str(label)] = a
    fig = Figure(figsize=(2.3 * len(panels) + 0.3, 2.7))
    axes = fig.subplots(1, len(panels))
    order = np.arange(points.shape[0])
    span = np.abs(points).max() * 1.15 or 1.0
    for ax, (label, a) in zip(axes, panels.items()):
        ax.scatter(a[:, 0], a[:, 1], c=order, cmap="viridis", s=5, gid=f"points {label}")
        ax.set_xlim(-span, span)
        ax.set_ylim(-span, span)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(label, fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig

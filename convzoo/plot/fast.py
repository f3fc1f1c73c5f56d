"""Figures of chapter 9 (computing convolution fast)."""
from fractions import Fraction

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from ..checks import as_float_array, check_ndim
from .common import INPUT, KERNEL, OUTPUT, _grid


class _AsFraction:
    """A format for _grid: 0.5 as 1/2, -1.0 as -1, as the transforms are written."""

    @staticmethod
    def format(v):
        return str(Fraction(float(v)).limit_denominator(16))


def transforms_figure(matrices, title=None):
    """Small matrices side by side, each cell with its entry (halves as 1/2): matrices is
    {label: array (r, c)}, e.g. Winograd's B^T, G and A^T. Grey cells are zeros, so the
    multiplications a transform saves show."""
    if not isinstance(matrices, dict) or not matrices:
        raise ValueError(f"matrices must be a non-empty dict of label -> 2-D array, got "
                         f"{matrices!r}")
    checked = {}
    for label, m in matrices.items():
        m = as_float_array(f"matrices[{label!r}]", m)
        check_ndim(f"matrices[{label!r}]", m, 2, "(rows, columns)")
        checked[label] = m
    colours = [INPUT, KERNEL, OUTPUT]
    widths = [m.shape[1] + 0.6 for m in checked.values()]
    fig = Figure(figsize=(0.55 * sum(widths) + 0.5, 0.55 * max(m.shape[0] for m in
                                                              checked.values()) + 0.9))
    axes = np.atleast_1d(fig.subplots(1, len(checked), gridspec_kw={"width_ratios": widths}))
    for i, (ax, (label, m)) in enumerate(zip(axes, checked.items())):
        _grid(ax, m, colours[i % 3], label, fmt=_AsFraction, padded=(m == 0))
        ax.set_gid(f"matrix {label}")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def roofline_figure(peak_gflops, bandwidth_gbs, points, title=None):
    """The roofline of a machine, min(peak, intensity x bandwidth), on log-log axes, with
    measured points {label: (intensity FLOP/byte, achieved GFLOP/s)} on it. The ridge, where
    the two roofs meet, is at peak / bandwidth FLOP/byte."""
    from ..fast import attainable_gflops
    if not isinstance(points, dict) or not points:
        raise ValueError(f"points must be a non-empty dict of label -> (intensity, GFLOP/s), "
                         f"got {points!r}")
    for label, point in points.items():
        values = np.asarray(point, dtype=float) if np.ndim(point) == 1 else None
        if values is None or values.shape != (2,) or not np.all(values > 0):
            raise ValueError(f"points[{label!r}] must be (intensity, GFLOP/s), both positive, "
                             f"got {point!r}")
    attainable_gflops(1.0, peak_gflops, bandwidth_gbs)          # checks the two numbers
    ridge = peak_gflops / bandwidth_gbs
    low = min(min(i for i, _ in points.values()), ridge) / 4
    high = max(max(i for i, _ in points.values()), ridge) * 4
    intensity = np.geomspace(low, high, 200)
    fig = Figure(figsize=(7, 4.2))
    ax = fig.subplots()
    (roof,) = ax.loglog(intensity, attainable_gflops(intensity, peak_gflops, bandwidth_gbs),
                        color="black", linewidth=2)
    roof.set_gid("roof")
    ax.axvline(ridge, color="grey", linestyle=":", linewidth=1)
    ax.annotate(f"ridge {ridge:.1f} FLOP/byte", (ridge, peak_gflops), textcoords="offset points",
                xytext=(4, -14), fontsize=8, color="grey")
    colours = [INPUT, KERNEL, OUTPUT, "tab:purple", "tab:brown", "tab:olive", "tab:cyan"]
    for i, (label, (x, y)) in enumerate(points.items()):
        marker = ax.scatter([x], [y], color=colours[i % len(colours)], zorder=3, s=30)
        marker.set_gid(f"point {label}")
        ax.annotate(label, (x, y), textcoords="offset points", xytext=(5, 4), fontsize=8)
    ax.set_xlabel("arithmetic intensity (FLOP per byte moved)")
    ax.set_ylabel("GFLOP/s")
    ax.set_title(title or f"peak {peak_gflops:.0f} GFLOP/s, bandwidth {bandwidth_gbs:.0f} GB/s",
                 fontsize=10)
    fig.tight_layout()
    return fig


def bench_figure(rows, title=None):
    """convzoo's time over torch's, one bar per operator, from bench/run.py's rows: each a
    dict with "operator", "ratio" (best against best), optionally "median_ratio" (the median
    of the rounds' ratios, drawn as a dot) and "goal" (drawn as a tick). Log scale: 2x
    slower and 2x faster are the same distance from 1."""
    if not isinstance(rows, (list, tuple)) or not rows:
        raise ValueError(f"rows must be a non-empty list of bench rows, got {rows!r}")
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or "operator" not in row or "ratio" not in row:
            raise ValueError(f"rows[{i}] must be a dict with 'operator' and 'ratio', got {row!r}")
        for key in ("ratio", "median_ratio", "goal"):
            if key in row and not (isinstance(row[key], (int, float)) and row[key] > 0):
                raise ValueError(f"rows[{i}][{key!r}] must be a positive number, "
                                 f"got {row[key]!r}")
    fig = Figure(figsize=(8.5, 0.32 * len(rows) + 1.2))
    ax = fig.subplots()
    y = np.arange(len(rows))[::-1]
    bars = ax.barh(y, [r["ratio"] for r in rows], color=INPUT, edgecolor="#4a7fb0",
                   height=0.6, log=True, label="best against best")
    for bar, row in zip(bars, rows):
        bar.set_gid(f"ratio {row['operator']}")
    medians = [(r["median_ratio"], yi) for r, yi in zip(rows, y) if "median_ratio" in r]
    if medians:
        dots = ax.scatter(*zip(*medians), color="black", s=12, zorder=3,
                          label="median of the rounds")
        dots.set_gid("medians")
    goals = [(r["goal"], yi) for r, yi in zip(rows, y) if "goal" in r]
    if goals:
        ticks = ax.scatter(*zip(*goals), marker="|", color="tab:red", s=200, zorder=3,
                           label="goal")
        ticks.set_gid("goals")
    ax.axvline(1.0, color="grey", linewidth=1)
    values = [r[key] for r in rows for key in ("ratio", "median_ratio", "goal") if key in r]
    low, high = min(values + [1.0]) / 1.5, max(values + [1.0]) * 1.5
    ax.set_xlim(low, high)
    ax.xaxis.set_major_locator(FixedLocator([t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2,
                                                          5, 10, 20, 50, 100) if low <= t <= high]))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_yticks(y, [r["operator"] for r in rows], fontsize=8)
    ax.set_xlabel("convzoo time / torch time (log scale; 1 = as fast)")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(title or "convzoo against torch", fontsize=10)
    fig.tight_layout()
    return fig

"""Figures of chapter 9 (computing convolution fast)."""
from fractions import Fraction

import numpy as np
from matplotlib.figure import Figure

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

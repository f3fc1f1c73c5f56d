"""What the figures of every chapter share: colours, grids of numbers, error maps, timings,
photographs. Every function returns a matplotlib Figure built without pyplot."""
import numpy as np
from matplotlib import cbook
from matplotlib.figure import Figure
from matplotlib.image import imread
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from ..checks import as_float_array, check_ndim, ints_at_least

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


def _maps(maps):
    """maps {label: array (h, w)} checked, as {label: float ndarray}."""
    if not isinstance(maps, dict) or not maps:
        raise ValueError(f"maps must be a non-empty dict of label -> 2-D array, got {maps!r}")
    arrays = {}
    for label, a in maps.items():
        arrays[label] = as_float_array(f"maps[{label!r}]", a)
        check_ndim(f"maps[{label!r}]", arrays[label], 2, "(h, w)")
    return arrays


def error_maps_figure(maps, title=None):
    """One image with a colour bar per error map: maps is {label: array (h, w)}."""
    arrays = _maps(maps)
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
    """Measured times, each labelled with its time and how many times the fastest it took:
    seconds is {label: time in s}. Within a factor of 100 they are bars on a linear axis
    from zero, so a bar twice as long took twice as long; beyond that, dots on a log axis
    with one tick per power of ten (a bar's length on a log axis would say nothing about
    the ratio of two times)."""
    if not isinstance(seconds, dict) or not seconds:
        raise ValueError(f"seconds must be a non-empty dict of label -> time, got {seconds!r}")
    labels = list(seconds)
    values = np.array([float(seconds[k]) for k in labels])
    if np.any(~np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(f"seconds must be positive and finite, got {seconds!r}")
    fastest, log = values.min(), values.max() / values.min() > 100
    fig = Figure(figsize=(7.0, 0.65 * len(labels) + 1.3))
    ax = fig.subplots()
    rows = np.arange(len(labels))
    if log:
        ax.plot(values, rows, "o", color="#4c72b0", ms=7)
    else:
        ax.barh(rows, values, color="#4c72b0", height=0.5)
    for row, v in zip(rows, values):
        ratio = v / fastest
        ratio = "fastest" if v == fastest else \
            f"{ratio:,.0f}x the fastest" if ratio >= 10 else f"{ratio:.1f}x the fastest"
        ax.annotate(f"{_duration(v)}, {ratio}", (v, row), xytext=(0, 7) if log else (5, 0),
                    textcoords="offset points", ha="center" if log else "left",
                    va="bottom" if log else "center", fontsize=9)
    ax.set_yticks(rows, labels)
    ax.set_ylim(len(labels) - 0.4, -0.9 if log else -0.6)
    ax.grid(axis="x", color="#e4e4e4", lw=0.8)
    ax.set_axisbelow(True)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _duration(v) if v > 0 else "0"))
    if log:
        ax.set_xscale("log")
        ax.set_xlim(fastest / 8, values.max() * 8)
        ax.xaxis.set_major_locator(LogLocator(base=10, numticks=12))
        ax.xaxis.set_minor_formatter(NullFormatter())     # one label per power of ten
        ax.set_xlabel("seconds per call (log scale: equal steps are equal ratios)")
    else:
        ax.set_xlim(0, values.max() * 1.45)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.set_xlabel("seconds per call (linear scale, from zero)")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def photograph(name="grace_hopper.jpg", step=4):
    """A sample photograph that ships with matplotlib (nothing is downloaded), as a grey
    image (H // step, W // step) of floats in [0, 1]: each pixel the mean of a step x step
    block of the original's mean over its colour channels."""
    (step,) = ints_at_least("step", step, 1, 1)
    rgb = imread(cbook.get_sample_data(name, asfileobj=False))
    grey = rgb[..., :3].mean(axis=-1) / (255.0 if rgb.dtype == np.uint8 else 1.0)
    H, W = grey.shape[0] // step, grey.shape[1] // step
    return grey[:H * step, :W * step].reshape(H, step, W, step).mean(axis=(1, 3))


def feature_maps_figure(image, maps, title=None):
    """The image (H, W) in grey, then one panel per map (h, w) of maps = {label: array}:
    positive values red, negative blue, zero white, each on its own symmetric scale."""
    image = as_float_array("image", image)
    check_ndim("image", image, 2, "(H, W)")
    arrays = _maps(maps)
    fig = Figure(figsize=(3.0 * (1 + len(arrays)), 3.6))
    axes = fig.subplots(1, 1 + len(arrays))
    axes[0].imshow(image, cmap="gray", interpolation="nearest")
    axes[0].set_title(f"input {image.shape}", fontsize=10)
    for ax, (label, a) in zip(axes[1:], arrays.items()):
        top = float(np.abs(a).max()) or 1.0
        ax.imshow(a, cmap="RdBu_r", vmin=-top, vmax=top, interpolation="nearest")
        ax.set_title(f"{label}\n{a.shape}, max |y| {top:.2g}", fontsize=10)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig

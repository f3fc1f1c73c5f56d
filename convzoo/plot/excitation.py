"""The figures of chapter 8 (squeeze-and-excitation): feature maps before and after their
gates, gates side by side, the parameter overhead per stage, where SE sits in a residual
block, and what each relative of SE gates."""
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from ..checks import as_float_array, check_ndim, check_shape, is_int
from ..excitation import SE_POSITIONS, excitation, squeeze_excitation, squeeze_excitation_cost

GATE = "#4c72b0"
SE_BOX, BRANCH_BOX = "#f4a261", "#dbe9f6"


def _labels(name, labels, n, default):
    if labels is None:
        return [f"{default} {i}" for i in range(n)]
    labels = [str(v) for v in labels]
    if len(labels) != n:
        raise ValueError(f"{name} must have {n} entries, one per {default}, got {len(labels)}")
    return labels


def _bars(ax, values, labels, gid, width=0.8, offset=0.0, color=GATE, label=None):
    rows = np.arange(len(values))
    bars = ax.bar(rows + offset, values, width=width, color=color, label=label)
    for c, bar in enumerate(bars):
        bar.set_gid(f"{gid} {c}")
    ax.set_xticks(rows, labels, fontsize=8, rotation=30 if len(labels) > 6 else 0)
    ax.set_ylim(0, 1.08)
    ax.axhline(1.0, color="#999999", lw=0.8, ls="--")
    ax.grid(axis="y", color="#e4e4e4", lw=0.8)
    ax.set_axisbelow(True)
    return bars


def squeeze_excitation_figure(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias, labels=None,
                              title=None):
    """One image's C feature maps x (C, H, W) (top row), the gates s = excitation(mean_hw x)
    that convzoo computes for them (middle, one bar per channel, gid "gate c"), and the maps
    squeeze_excitation returns (bottom row), each channel on the same grey scale above and
    below, so a gate below 1 shows as a dimmer map. fc weights and biases as for
    convzoo.excitation.squeeze_excitation; labels: one name per channel."""
    x = as_float_array("x", x)
    check_ndim("x", x, 3, "(C, H, W): the feature maps of one image")
    C = x.shape[0]
    labels = _labels("labels", labels, C, "channel")
    z = x.mean(axis=(1, 2))
    gates = excitation(z[None], fc1_weight, fc1_bias, fc2_weight, fc2_bias)[0]
    scaled = squeeze_excitation(x[None], fc1_weight, fc1_bias, fc2_weight, fc2_bias)[0]
    fig = Figure(figsize=(max(6.0, 1.6 * C), 6.4))
    grid = fig.add_gridspec(3, C, height_ratios=[1.0, 0.8, 1.0])
    bar_ax = fig.add_subplot(grid[1, :])
    for c in range(C):
        top = float(np.abs(x[c]).max()) or 1.0
        low = -top if x[c].min() < 0 else 0.0
        for row, maps, text in ((0, x, f"{labels[c]}\nz = {z[c]:.2g}"),
                                (2, scaled, f"s x, s = {gates[c]:.2f}")):
            ax = fig.add_subplot(grid[row, c])
            ax.imshow(maps[c], cmap="gray", vmin=low, vmax=top, interpolation="nearest")
            ax.set_title(text, fontsize=8)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_gid(f"{'input' if row == 0 else 'output'} {c}")
    _bars(bar_ax, gates, labels, "gate")
    bar_ax.set_ylabel("gate s (0 to 1)", fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def gates_figure(gates, labels=None, title="gates per channel"):
    """Gates side by side: gates is {name: array (C,)} (one set per image, or per method),
    drawn as groups of bars, one group per channel (gid "<name> c"), on 0 to 1."""
    if not isinstance(gates, dict) or not gates:
        raise ValueError(f"gates must be a non-empty dict of name -> array (C,), got {gates!r}")
    arrays = {}
    for name, g in gates.items():
        arrays[name] = as_float_array(f"gates[{name!r}]", g)
        check_ndim(f"gates[{name!r}]", arrays[name], 1, "(C,)")
    C = next(iter(arrays.values())).shape[0]
    for name, g in arrays.items():
        check_shape(f"gates[{name!r}]", g, (C,), "like the first entry")
    labels = _labels("labels", labels, C, "channel")
    fig = Figure(figsize=(max(5.5, 0.55 * C * len(arrays) + 1.5), 3.2))
    ax = fig.subplots()
    width = 0.8 / len(arrays)
    colors = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3"]
    for i, (name, g) in enumerate(arrays.items()):
        _bars(ax, g, labels, name, width=width, offset=(i - (len(arrays) - 1) / 2) * width,
              color=colors[i % len(colors)], label=name)
    ax.set_ylabel("gate (0 to 1)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def overhead_figure(channels, blocks, network_parameters, reductions=(4, 8, 16, 32)):
    """The parameters that SE blocks add to a network, per stage (stacked, gid
    "stage s r=<r>"), for each reduction ratio r: stage s has blocks[s] blocks of width
    channels[s], each with squeeze_excitation_cost(C, C // r) parameters; each bar is
    labelled with its share of network_parameters."""
    if not (isinstance(channels, (list, tuple)) and isinstance(blocks, (list, tuple))
            and len(channels) == len(blocks) and channels
            and all(is_int(v) and v >= 1 for v in list(channels) + list(blocks))):
        raise ValueError(f"channels and blocks must be lists of ints >= 1 of the same length, "
                         f"got {channels!r} and {blocks!r}")
    if not is_int(network_parameters) or network_parameters < 1:
        raise ValueError(f"network_parameters must be an int >= 1, got {network_parameters!r}")
    if not reductions or not all(is_int(r) and r >= 1 for r in reductions):
        raise ValueError(f"reductions must be ints >= 1, got {reductions!r}")
    fig = Figure(figsize=(7.0, 3.6))
    ax = fig.subplots()
    colors = ["#c6dbef", "#6baed6", "#2171b5", "#08306b", "#8c6bb1", "#88419d"]
    for i, r in enumerate(reductions):
        bottom = 0
        for s, (C, n) in enumerate(zip(channels, blocks)):
            added = n * squeeze_excitation_cost(C, max(1, C // r))[0]
            ax.bar(i, added / 1e6, bottom=bottom / 1e6, color=colors[s % len(colors)],
                   gid=f"stage {s} r={r}", label=f"stage {s + 1}: {n} x C={C}" if i == 0 else None)
            bottom += added
        ax.annotate(f"{100 * bottom / network_parameters:.1f}% of the network",
                    (i, bottom / 1e6), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(reductions)), [f"r = {r}" for r in reductions])
    ax.set_ylabel("parameters added (millions)")
    ax.set_ylim(0, ax.get_ylim()[1] * 1.12)
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title(f"SE in every block of a network of {network_parameters / 1e6:.1f} M parameters",
                 fontsize=10)
    fig.tight_layout()
    return fig


def _box(ax, x, y, text, color, gid, width=1.5):
    ax.add_patch(FancyBboxPatch((x - width / 2, y - 0.28), width, 0.56,
                                boxstyle="round,pad=0.04", facecolor=color,
                                edgecolor="#555555", lw=0.9, gid=gid))
    ax.text(x, y, text, ha="center", va="center", fontsize=8)


def _arrow(ax, start, end):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=9,
                                 color="#555555", lw=0.9, shrinkA=0, shrinkB=0))


def placement_figure(positions=SE_POSITIONS):
    """Where SE sits in a residual block, one panel per position of SE_POSITIONS: the input
    x at the top, the branch F (right) and the identity (left) meeting at the add, then
    the ReLU; the SE box (gid "se <position>") where se_residual_block puts it. The add is
    the circle with gid "add <position>"; y grows downwards, in the order data flows."""
    positions = list(positions)
    unknown = [p for p in positions if p not in SE_POSITIONS]
    if not positions or unknown:
        raise ValueError(f"positions must be some of {SE_POSITIONS}, got {positions!r}")
    fig = Figure(figsize=(2.4 * len(positions), 4.4))
    axes = np.atleast_1d(fig.subplots(1, len(positions)))
    for ax, position in zip(axes, positions):
        ax.set_xlim(-1.6, 2.2)
        ax.set_ylim(6.4, -0.6)
        ax.axis("off")
        ax.set_title(position, fontsize=10)
        left, right = -0.7, 1.2
        ax.text(0.25, 0, "x", ha="center", va="center", fontsize=10)
        # branch: SE before F for "pre", after it for "standard"
        branch = [("F: conv 1x1, 3x3, 1x1", BRANCH_BOX, "branch")]
        if position == "pre":
            branch.insert(0, ("SE", SE_BOX, "se"))
        if position == "standard":
            branch.append(("SE", SE_BOX, "se"))
        ys = np.linspace(1.3, 3.1, len(branch)) if len(branch) > 1 else [2.2]
        _arrow(ax, (0.25, 0.25), (right, 0.8))
        _arrow(ax, (0.25, 0.25), (left, 0.8))
        last = 0.8
        for y, (text, color, kind) in zip(ys, branch):
            _arrow(ax, (right, last), (right, y - 0.3))
            _box(ax, right, y, text if kind == "se" else "F", color, f"{kind} {position}",
                 width=1.0 if kind == "se" else 1.3)
            last = y + 0.3
        if position == "identity":
            _box(ax, left, 2.2, "SE", SE_BOX, f"se {position}", width=1.0)
            _arrow(ax, (left, 0.8), (left, 1.9))
            _arrow(ax, (left, 2.5), (0.1, 3.85))
        else:
            _arrow(ax, (left, 0.8), (0.1, 3.85))
            ax.text(left - 0.1, 2.2, "identity", rotation=90, ha="right", va="center",
                    fontsize=8, color="#555555")
        _arrow(ax, (right, last), (0.4, 3.85))
        ax.add_patch(Circle((0.25, 4.1), 0.25, facecolor="white", edgecolor="#555555", lw=0.9,
                            gid=f"add {position}"))
        ax.text(0.25, 4.1, "+", ha="center", va="center", fontsize=11)
        _arrow(ax, (0.25, 4.35), (0.25, 4.75))
        _box(ax, 0.25, 5.0, "ReLU", "#eeeeee", f"relu {position}", width=1.0)
        if position == "post":
            _arrow(ax, (0.25, 5.28), (0.25, 5.52))
            _box(ax, 0.25, 5.8, "SE", SE_BOX, f"se {position}", width=1.0)
    fig.tight_layout()
    return fig


def attention_figure(image, gates, title=None):
    """What each attention block gates, from the gates a page computed: image (H, W) in
    grey, then one panel per entry of gates = {name: array}: a 1-D array (C,) is one gate
    per channel (bars), a 2-D array is a map (one gate per pixel, or a (branches, C) table
    for SK), drawn on 0 to 1 with its shape in the title (gid "gates <name>")."""
    image = as_float_array("image", image)
    check_ndim("image", image, 2, "(H, W)")
    if not isinstance(gates, dict) or not gates:
        raise ValueError(f"gates must be a non-empty dict of name -> array, got {gates!r}")
    arrays = {}
    for name, g in gates.items():
        arrays[name] = as_float_array(f"gates[{name!r}]", g)
        if arrays[name].ndim not in (1, 2):
            raise ValueError(f"gates[{name!r}] must be 1-D (per channel) or 2-D (a map), "
                             f"got shape {arrays[name].shape}")
    fig = Figure(figsize=(2.9 * (1 + len(arrays)), 3.2))
    axes = fig.subplots(1, 1 + len(arrays))
    axes[0].imshow(image, cmap="gray", interpolation="nearest")
    axes[0].set_title(f"input {image.shape}", fontsize=9)
    axes[0].set_xticks([])
    axes[0].set_yticks([])
    for ax, (name, g) in zip(axes[1:], arrays.items()):
        if g.ndim == 1:
            _bars(ax, g, [str(c) for c in range(g.shape[0])], f"gates {name}")
            ax.set_xlabel("channel", fontsize=8)
            ax.set_gid(f"gates {name}")
        else:
            shown = ax.imshow(g, cmap="viridis", vmin=0, vmax=1, interpolation="nearest",
                              aspect="auto" if g.shape[0] < 6 else "equal")
            shown.set_gid(f"gates {name}")
            fig.colorbar(shown, ax=ax, shrink=0.8)
            if g.shape[0] < 6:
                ax.set_yticks(range(g.shape[0]))
                ax.set_xlabel("channel", fontsize=8)
            else:
                ax.set_xticks([])
                ax.set_yticks([])
        ax.set_title(f"{name}\nshape {g.shape}", fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def photo_features(image):
    """Six feature maps of a grey image (H, W), as a first conv layer with ReLU might make
    them: convzoo's conv2d with six fixed 3x3 filters and padding 1, then ReLU. Returns
    (labels, maps (6, H, W)); chapter 8's pages gate these maps."""
    from ..convolution import conv2d

    image = as_float_array("image", image)
    check_ndim("image", image, 2, "(H, W)")
    box = np.full((3, 3), 1 / 9)
    sobel = np.array([[1.0, 0, -1], [2, 0, -2], [1, 0, -1]])
    filters = {"brightness": (box, 0.0), "darkness": (-box, 1.0),
               "vertical edges": (sobel, 0.0), "horizontal edges": (sobel.T, 0.0),
               "diagonal edges": (np.array([[2.0, 1, 0], [1, 0, -1], [0, -1, -2]]), 0.0),
               "spots": (np.array([[0.0, -1, 0], [-1, 4, -1], [0, -1, 0]]), 0.0)}
    weight = np.stack([k for k, _ in filters.values()])[:, None]              # (6, 1, 3, 3)
    bias = np.array([b for _, b in filters.values()])
    maps = np.maximum(conv2d(image[None, None], weight, bias, padding=1)[0], 0)
    return list(filters), maps

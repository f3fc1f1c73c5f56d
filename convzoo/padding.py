"""Padding with torch's four modes, as torch.nn.functional.pad computes it.

Chapter 2 (convolution arithmetic) derives it. `pad` widens the last dimensions of x by the
amounts in `pad`, given as torch gives them: (before, after) pairs, the LAST dimension
first, so (left, right, top, bottom) for an image. Each new position t (t < 0 before the
input, t >= n after it) reads the input at one index, the mode's rule (`source_index`):

    constant   no index: the value (0 by default)          . . . a b c d . . .
    reflect    mirrored about the edge, edge not repeated   c b | a b c d | c b
    replicate  the edge pixel repeated                      a a | a b c d | d d
    circular   wrapped around, as on a torus                c d | a b c d | a b

torch's padding_mode of nn.Conv2d calls F.pad with these modes ("zeros" is "constant").
NumPy's np.pad names them differently: reflect, edge, wrap; its "symmetric" (the edge
repeated in the mirror) has no torch mode.
"""
import numpy as np

from .checks import as_float_array, is_int

MODES = ("constant", "reflect", "replicate", "circular")


def source_index(t, n, mode):
    """The input index that padded position t reads along an axis of length n (t may be an
    int or an int array; -p <= t < n + q). constant: t itself, outside [0, n) meaning the
    fill value; reflect: -t before, 2(n - 1) - t after; replicate: clipped to [0, n - 1];
    circular: t mod n."""
    if mode == "constant":
        return t
    if mode == "reflect":
        return np.where(t < 0, -t, np.where(t >= n, 2 * (n - 1) - t, t))
    if mode == "replicate":
        return np.clip(t, 0, n - 1)
    return np.mod(t, n)                                   # circular


def _arguments(x, pad, mode, value):
    """x as an array, pad as ((before, after), ...) for x's LAST dims, last dim last, and
    the fill value; ValueError naming the argument where torch refuses (or crops)."""
    x = as_float_array("x", x)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if not isinstance(pad, (tuple, list)) or not all(is_int(p) for p in pad):
        raise ValueError(f"pad must be a tuple of ints (left, right, top, bottom, ...), got {pad!r}")
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError(f"pad must hold an even number of ints, two per padded dimension "
                         f"(at most {2 * x.ndim} for x of shape {x.shape}), got {tuple(pad)}")
    if any(p < 0 for p in pad):
        raise ValueError(f"pad must be >= 0 (torch crops for negative pads: slice instead), "
                         f"got {tuple(pad)}")
    pairs = [(int(pad[2 * i]), int(pad[2 * i + 1])) for i in range(len(pad) // 2)][::-1]
    dims = x.shape[x.ndim - len(pairs):]
    for axis, ((before, after), n) in enumerate(zip(pairs, dims), start=x.ndim - len(pairs)):
        if mode != "constant" and n == 0:
            raise ValueError(f'mode "{mode}" needs a non-empty dimension {axis} to read from, '
                             f"x has shape {x.shape}")
        if mode == "reflect" and max(before, after) >= n:
            raise ValueError(f'mode "reflect" needs pad < size: pad {(before, after)} for '
                             f"dimension {axis} of size {n} (x shape {x.shape})")
        if mode == "circular" and max(before, after) > n:
            raise ValueError(f'mode "circular" wraps around once at most, so pad <= size: pad '
                             f"{(before, after)} for dimension {axis} of size {n} (x shape {x.shape})")
    if value is not None and mode != "constant" and value != 0:
        raise ValueError(f'mode "{mode}" takes no value, got value={value!r}')
    return x, pairs, 0.0 if value is None else value


def pad_loop(x, pad, mode="constant", value=None):
    """F.pad as a loop over the output positions: x (..., n_1, ..., n_m) with pad of 2m
    ints (last dim first) -> (..., n_1 + before_1 + after_1, ..., n_m + before_m + after_m);
    out[..., t_1, ..., t_m] = x[..., source_index(t_1 - before_1), ...], or value."""
    x, pairs, fill = _arguments(x, pad, mode, value)
    lead = x.ndim - len(pairs)
    dims = x.shape[lead:]
    out_dims = tuple(n + a + b for n, (a, b) in zip(dims, pairs))
    out = np.empty(x.shape[:lead] + out_dims, x.dtype)
    for position in np.ndindex(*out_dims):
        t = [int(p) - a for p, (a, _) in zip(position, pairs)]            # input coordinates
        src = tuple(int(source_index(ti, n, mode)) for ti, n in zip(t, dims))
        inside = all(0 <= s < n for s, n in zip(src, dims))
        out[(...,) + position] = x[(...,) + src] if inside else fill
    return out


def pad(x, pad, mode="constant", value=None):
    """torch.nn.functional.pad for pads >= 0: x (..., n_1, ..., n_m), pad = 2m ints, last dim
    first ((left, right, top, bottom) for an image) -> (..., n_i + before_i + after_i, ...).

    The loop over positions becomes one gather: each padded axis gets its array of source
    indices, and np.ix_ reads them all at once (constant mode writes x into a filled array).
    """
    x, pairs, fill = _arguments(x, pad, mode, value)
    lead = x.ndim - len(pairs)
    if mode == "constant":
        out = np.full(x.shape[:lead] + tuple(n + a + b for n, (a, b) in
                                              zip(x.shape[lead:], pairs)), fill, x.dtype)
        out[(...,) + tuple(slice(a, a + n) for n, (a, _) in zip(x.shape[lead:], pairs))] = x
        return out
    if not pairs:
        return x.copy()                                   # never the input itself
    rows = [source_index(np.arange(-a, n + b), n, mode) for n, (a, b) in zip(x.shape[lead:], pairs)]
    return x[(...,) + np.ix_(*rows)]

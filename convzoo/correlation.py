"""correlate2d and convolve2d of two 2-D arrays, with scipy.signal's modes.

Chapter 1: what deep learning calls convolution is cross-correlation; true convolution
flips the kernel first. Both are built on conv2d, the only place windows are walked.
"""
import numpy as np

from .checks import as_float_array, check_ndim
from .convolution import conv2d

MODES = ("full", "valid", "same")


def _check(a, k, mode):
    a = as_float_array("a", a)
    k = as_float_array("k", k)
    check_ndim("a", a, 2)
    check_ndim("k", k, 2)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if min(a.shape) < 1 or min(k.shape) < 1:
        raise ValueError(f"a {a.shape} and k {k.shape} must not be empty")
    return a, k


def _valid_order(a, k):
    """scipy's rule for mode="valid": one array must be at least as large in every dim."""
    if all(n >= m for n, m in zip(a.shape, k.shape)):
        return False
    if all(n <= m for n, m in zip(a.shape, k.shape)):
        return True                                      # scipy swaps the two
    raise ValueError(f'mode="valid" needs one of a {a.shape} and k {k.shape} to be at least '
                     f"as large as the other in every dimension")


def _correlate(a, k, pads=((0, 0), (0, 0))):
    """Valid cross-correlation of a, zero-padded by pads = ((top, bottom), (left, right))."""
    return conv2d(np.pad(a, pads)[None, None], k[None, None])[0, 0]


def correlate2d(a, k, mode="full"):
    """As scipy.signal.correlate2d for real arrays: out[i, j] = sum_uv a[i+u, j+v] k[u, v].

    full pads k-1 on every side; same keeps a's shape, padding (k-1)//2 before and k//2
    after (the extra pixel on the right/bottom, as torch's padding="same").
    """
    a, k = _check(a, k, mode)
    if mode == "valid":
        if _valid_order(a, k):
            return correlate2d(k, a, "valid")[::-1, ::-1].copy()
        return _correlate(a, k)
    if mode == "full":
        pads = [(n - 1, n - 1) for n in k.shape]
    else:
        pads = [((n - 1) // 2, n // 2) for n in k.shape]
    return _correlate(a, k, pads)


def convolve2d(a, k, mode="full"):
    """As scipy.signal.convolve2d for real arrays: correlate2d with k flipped in both axes.

    In mode same the extra pixel of an even kernel goes on the left/top, the mirror image
    of correlate2d.
    """
    a, k = _check(a, k, mode)
    if mode == "valid" and _valid_order(a, k):
        a, k = k, a                                       # convolution commutes
    flipped = k[::-1, ::-1]
    if mode == "same":
        return _correlate(a, flipped, [(n // 2, (n - 1) // 2) for n in k.shape])
    return correlate2d(a, flipped, mode)

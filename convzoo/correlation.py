"""Cross-correlation from its plainest form up, and correlate2d/convolve2d with SciPy's modes.

Chapter 1 starts here. `corr2d` is the sliding sum written as the formula,
y[i, j] = sum_u sum_v x[i + u, j + v] k[u, v]; `corr2d_multi_in`, `corr2d_multi_in_out` and
`conv2d_by_parts` grow it, one step each, to input channels, output channels, a batch,
padding, stride and a bias, reusing the step before (the library's conv2d_loop and conv2d
then write the same layer as one loop nest and as one matrix multiply).

What deep learning calls convolution is cross-correlation; true convolution flips the
kernel first. correlate2d and convolve2d (SciPy's modes) are built on conv2d.
"""
import numpy as np

from .checks import as_float_array, check_ndim, ints_at_least, result_dtype
from .convolution import conv2d

# ----------------------------------------------------------------------------- growing


def _plain(x, k, x_layout, k_layout, names=("x", "k")):
    """x and k as real arrays of the layouts' ndim, with k's channels (its axis -3, if any)
    those of x and its kernel no larger than x's image."""
    (xn, kn), x, k = names, as_float_array(names[0], x), as_float_array(names[1], k)
    check_ndim(xn, x, x_layout.count(",") + 1, x_layout)
    check_ndim(kn, k, k_layout.count(",") + 1, k_layout)
    if x.ndim == 3 and k.shape[-3] != x.shape[0]:
        raise ValueError(f"{kn} {k.shape} has {k.shape[-3]} input channels, {xn} {x.shape} "
                         f"has {x.shape[0]}")
    if min(k.shape) < 1 or any(m > n for m, n in zip(k.shape[-2:], x.shape[-2:])):
        raise ValueError(f"the kernel of {kn} {k.shape} must fit in the image of {xn} {x.shape}")
    return x, k


def corr2d(x, k):
    """The valid cross-correlation of one image with one kernel, as its formula:
    x (H, W), k (kH, kW) -> y (H - kH + 1, W - kW + 1)."""
    x, k = _plain(x, k, "(H, W)", "(kH, kW)")
    kH, kW = k.shape
    H_out, W_out = x.shape[0] - kH + 1, x.shape[1] - kW + 1
    y = np.zeros((H_out, W_out), result_dtype(x, k))
    for i in range(H_out):
        for j in range(W_out):
            y[i, j] = np.sum(x[i:i + kH, j:j + kW] * k)     # the window times the kernel
    return y


def corr2d_multi_in(x, k):
    """Several input channels: x (C, H, W), k (C, kH, kW) -> (H - kH + 1, W - kW + 1),
    the sum over c of corr2d(x[c], k[c])."""
    x, k = _plain(x, k, "(C, H, W)", "(C, kH, kW)")
    return sum(corr2d(x_c, k_c) for x_c, k_c in zip(x, k))


def corr2d_multi_in_out(x, k):
    """Several output channels: x (C, H, W), k (K, C, kH, kW) -> (K, H - kH + 1, W - kW + 1),
    one corr2d_multi_in per output channel."""
    x, k = _plain(x, k, "(C, H, W)", "(K, C, kH, kW)")
    return np.stack([corr2d_multi_in(x, k_o) for k_o in k])


def conv2d_by_parts(x, weight, bias=None, stride=1, padding=0):
    """conv2d (groups 1, dilation 1) put together from the steps above: x (N, C, H, W),
    weight (K, C, kH, kW), bias (K,) -> (N, K, H_out, W_out).

    Pad with zeros, correlate every image with corr2d_multi_in_out, keep every stride-th
    output (wasteful: it computes stride**2 times the windows it needs), add the bias.
    """
    x = as_float_array("x", x)
    check_ndim("x", x, 4, "(N, C, H, W)")
    (sh, sw), (ph, pw) = ints_at_least("stride", stride, 2, 1), ints_at_least("padding", padding, 2, 0)
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    _plain(padded[0], weight, "(C, H, W)", "(K, C, kH, kW)", ("x padded", "weight"))
    y = np.stack([corr2d_multi_in_out(image, weight) for image in padded])[:, :, ::sh, ::sw]
    if bias is not None:
        bias = as_float_array("bias", bias)
        if bias.shape != (y.shape[1],):
            raise ValueError(f"bias must have shape ({y.shape[1]},) to match weight "
                             f"{np.shape(weight)}, got {bias.shape}")
        y = y + bias[:, None, None]
    return y


# ----------------------------------------------------------------------------- scipy's modes

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

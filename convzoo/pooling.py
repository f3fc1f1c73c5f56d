"""Max and average pooling, as torch.nn.functional.max_pool2d and avg_pool2d compute them.

Chapter 2 (convolution arithmetic) derives them: the other way to downsample. A pooling
window walks the input exactly as a convolution kernel does (the same output-size formula,
arithmetic.pool_output_size, with torch's ceil_mode), but it has no weights: it takes the
largest value of each window, or the mean,

    max:  y[n, c, i, j] = max_{u, v} x_p[n, c, i s + u d, j s + v d]     (x_p padded with -inf)
    avg:  y[n, c, i, j] = (1 / m) sum_{u, v} x_p[n, c, i s + u, j s + v]   (x_p padded with 0)

where m counts the window's cells: inside the padded input (count_include_pad=True, torch's
default), inside the input only (False), or is divisor_override. Each channel is pooled on
its own. Each function comes as a loop over output positions and a vectorised version that
reads every window at once (windows.sliding_windows).
"""
import numpy as np

from .arithmetic import pool_output_size
from .checks import LAYOUTS, as_float_array, check_ndim, ints_at_least, is_int, result_dtype
from .windows import sliding_windows, window_slices


def _arguments(x, kernel_size, stride, padding, dilation, ceil_mode):
    """x (N, C, H, W) as floats (and whether it came without N), the pairs kernel, stride,
    padding, dilation, the output size, and the extra zeros (bottom, right) that ceil_mode's
    last window hangs over."""
    x = as_float_array("x", x)
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    check_ndim("x", x, 4, LAYOUTS[2] + " or without N")
    x = x.astype(result_dtype(x), copy=False)
    kernel = ints_at_least("kernel_size", kernel_size, 2, 1)
    stride = kernel if stride is None or stride == () else ints_at_least("stride", stride, 2, 1)
    padding = ints_at_least("padding", padding, 2, 0)
    dilation = ints_at_least("dilation", dilation, 2, 1)
    if not isinstance(ceil_mode, bool):
        raise ValueError(f"ceil_mode must be True or False, got {ceil_mode!r}")
    try:
        out = tuple(pool_output_size(n, k, s, p, d, ceil_mode)
                    for n, k, s, p, d in zip(x.shape[2:], kernel, stride, padding, dilation))
    except ValueError as error:
        raise ValueError(f"{error} (x shape {x.shape}, kernel_size {kernel}, stride {stride}, "
                         f"padding {padding}, dilation {dilation})") from None
    extra = tuple(max(0, (o - 1) * s + d * (k - 1) + 1 - (n + 2 * p))
                  for n, o, k, s, p, d in zip(x.shape[2:], out, kernel, stride, padding, dilation))
    for n, o, k, s, p, d in zip(x.shape[2:], out, kernel, stride, padding, dilation):
        taps = np.arange(o)[:, None] * s - p + np.arange(k) * d     # in input coordinates
        if not np.all(np.any((taps >= 0) & (taps < n), axis=1)):
            # torch returns -inf there, with an index that points nowhere
            raise ValueError(f"a window of kernel_size {kernel} with dilation {dilation} and "
                             f"padding {padding} reads no pixel of x {x.shape}: its taps "
                             f"skip the input")
    return x, unbatched, kernel, stride, padding, dilation, out, extra


def _padded(x, padding, extra, fill):
    (ph, pw), (eh, ew) = padding, extra
    return np.pad(x, ((0, 0), (0, 0), (ph, ph + eh), (pw, pw + ew)), constant_values=fill)


def _flat_index(position, tap, stride, padding, dilation, width):
    """The index in the flattened (H * W) input of window position (i, j)'s tap (u, v),
    as max_pool2d's return_indices gives it."""
    (i, j), (u, v) = position, tap
    row = i * stride[0] + u * dilation[0] - padding[0]
    col = j * stride[1] + v * dilation[1] - padding[1]
    return row * width + col


def max_pool2d_loop(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                    return_indices=False):
    """max_pool2d written as its formula: x (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out),
    each output the largest value of its window; with return_indices also the index of that
    value in the flattened H * W input (the first, in row-major window order, on ties)."""
    x, unbatched, kernel, stride, padding, dilation, out_size, extra = _arguments(
        x, kernel_size, stride, padding, dilation, ceil_mode)
    xp = _padded(x, padding, extra, -np.inf)
    N, C, _, W = x.shape
    out = np.empty((N, C) + out_size, x.dtype)
    indices = np.empty((N, C) + out_size, np.int64)
    for n in range(N):
        for c in range(C):
            for i, j in np.ndindex(*out_size):
                window = xp[(n, c) + window_slices((i, j), kernel, stride, dilation)]
                tap = np.unravel_index(np.argmax(window), window.shape)
                out[n, c, i, j] = window[tap]
                indices[n, c, i, j] = _flat_index((i, j), tap, stride, padding, dilation, W)
    if unbatched:
        out, indices = out[0], indices[0]
    return (out, indices) if return_indices else out


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """torch.nn.functional.max_pool2d: x (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out),
    H_out = pool_output_size(H, kH, sH, pH, dH, ceil_mode); with return_indices, also the
    argmax of each window as an index into the flattened H * W input.

    The loops over positions become one view of every window, (N, C, H_out, W_out, kH, kW),
    and one max (and argmax) over its last two axes.
    """
    x, unbatched, kernel, stride, padding, dilation, out_size, extra = _arguments(
        x, kernel_size, stride, padding, dilation, ceil_mode)
    windows = sliding_windows(_padded(x, padding, extra, -np.inf), kernel, stride, dilation)
    flat = windows.reshape(windows.shape[:4] + (-1,))
    tap = np.argmax(flat, axis=-1)
    out = np.take_along_axis(flat, tap[..., None], axis=-1)[..., 0]
    if unbatched:
        out, tap = out[0], tap[0]
    if not return_indices:
        return out
    i, j = np.indices(out_size)
    indices = _flat_index((i, j), np.divmod(tap, kernel[1]), stride, padding, dilation,
                          x.shape[3])
    return out, indices.astype(np.int64)


def _divisor(x_shape, out_size, kernel, stride, padding, count_include_pad, divisor_override):
    """m of every output position, (H_out, W_out): the window's cells inside the padded input
    (count_include_pad) or inside the input, or divisor_override. A window is a product of
    an interval of rows and one of columns, so m is a product too."""
    if divisor_override is not None:
        return np.full(out_size, divisor_override)
    counts = []
    for n, o, k, s, p in zip(x_shape[2:], out_size, kernel, stride, padding):
        start = np.arange(o) * s - p                       # in input coordinates
        end = np.minimum(start + k, n + p)                 # never past the right padding
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, n)
        counts.append(end - start)
    return np.multiply.outer(*counts)


def _avg_arguments(x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                   divisor_override):
    if not isinstance(count_include_pad, bool):
        raise ValueError(f"count_include_pad must be True or False, got {count_include_pad!r}")
    if divisor_override is not None and (not is_int(divisor_override) or divisor_override == 0):
        raise ValueError(f"divisor_override must be a nonzero int or None, got {divisor_override!r}")
    x, unbatched, kernel, stride, padding, _, out_size, extra = _arguments(
        x, kernel_size, stride, padding, 1, ceil_mode)
    m = _divisor(x.shape, out_size, kernel, stride, padding, count_include_pad, divisor_override)
    return x, unbatched, kernel, stride, padding, out_size, extra, m.astype(x.dtype)


def avg_pool2d_loop(x, kernel_size, stride=None, padding=0, ceil_mode=False,
                    count_include_pad=True, divisor_override=None):
    """avg_pool2d written as its formula: x (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out),
    each output the sum of its window over m (see _divisor)."""
    x, unbatched, kernel, stride, padding, out_size, extra, m = _avg_arguments(
        x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
    xp = _padded(x, padding, extra, 0)
    N, C = x.shape[:2]
    out = np.empty((N, C) + out_size, x.dtype)
    for n in range(N):
        for c in range(C):
            for i, j in np.ndindex(*out_size):
                window = xp[(n, c) + window_slices((i, j), kernel, stride, (1, 1))]
                out[n, c, i, j] = np.sum(window) / m[i, j]
    return out[0] if unbatched else out


def avg_pool2d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """torch.nn.functional.avg_pool2d: x (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out),
    each output the sum of its window divided by m: the window's cells in the padded input
    (count_include_pad), in the input only, or divisor_override.

    The loops over positions become one sum over every window's view.
    """
    x, unbatched, kernel, stride, padding, out_size, extra, m = _avg_arguments(
        x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
    windows = sliding_windows(_padded(x, padding, extra, 0), kernel, stride, (1, 1))
    out = windows.sum(axis=(-2, -1)) / m
    return out[0] if unbatched else out

"""Sliding-window helpers: the one place that knows how a kernel walks over an input."""
import numpy as np
from numpy.lib.stride_tricks import as_strided


def pad(x, pads):
    """Zero-pad the spatial axes of x (N, C, ...) by pads = [(before, after), ...]."""
    if all(a == 0 and b == 0 for a, b in pads):
        return x
    return np.pad(x, [(0, 0), (0, 0)] + [tuple(p) for p in pads])


def output_shape(padded_shape, kernel_size, stride, dilation):
    """Output sizes (n - d*(k-1) - 1) // s + 1 of a padded input, per spatial dim."""
    return tuple((n - d * (k - 1) - 1) // s + 1
                 for n, k, s, d in zip(padded_shape, kernel_size, stride, dilation))


def sliding_windows(x, kernel_size, stride, dilation):
    """A read-only view (N, C, *out, *kernel) of the windows a kernel sees.

    windows[n, c, i, j, u, v] == x[n, c, i*s + u*d, j*s + v*d] for 2-D, and likewise for
    1-D and 3-D. No data is copied; the view shares memory with x.
    """
    x = np.ascontiguousarray(x)
    out = output_shape(x.shape[2:], kernel_size, stride, dilation)
    spatial = x.strides[2:]
    strides = (x.strides[:2]
               + tuple(st * s for st, s in zip(spatial, stride))
               + tuple(st * d for st, d in zip(spatial, dilation)))
    return as_strided(x, x.shape[:2] + out + tuple(kernel_size), strides, writeable=False)


def tap_slices(tap, out_size, stride, dilation):
    """Slices of a padded input that kernel tap (u, v, ...) touches, one per output pixel.

    x_padded[(..., *tap_slices(tap, ...))][..., i, j] == x_padded[..., i*s + u*d, j*s + v*d]
    """
    return tuple(slice(u * d, u * d + s * (o - 1) + 1, s)
                 for u, o, s, d in zip(tap, out_size, stride, dilation))


def window_slices(position, kernel_size, stride, dilation):
    """Slices of a padded input that the output pixel at position (i, j, ...) reads.

    x_padded[(..., *window_slices((i, j), ...))][..., u, v] == x_padded[..., i*s + u*d, j*s + v*d]
    """
    return tuple(slice(i * s, i * s + d * (k - 1) + 1, d)
                 for i, k, s, d in zip(position, kernel_size, stride, dilation))

"""The other ways up: resizing (interpolate), sub-pixel convolution (pixel_shuffle), and a
number for checkerboard artifacts.

Chapter: transposed convolution. A transposed convolution with stride s is one learned way
to make an image s times larger; resizing it (nearest or bilinear, as torch's interpolate)
and then convolving, or convolving to s*s times the channels and rearranging them into
pixels (pixel_shuffle, "sub-pixel convolution"), are the others. checkerboard_strength
measures how much of an output repeats with the period of the stride.

    pixel_shuffle:  out[n, c, i*r + a, j*r + b] = x[n, c*r*r + a*r + b, i, j]
    interpolate:    out[n, c] = R_H @ x[n, c] @ R_W^T, one resize matrix per axis
"""
import numbers

import numpy as np

from .checks import as_float_array, check_ndim, ints_at_least, is_int, result_dtype

MODES = ("nearest", "nearest-exact", "bilinear")


# ----------------------------------------------------------------------------- pixel shuffle


def _shuffle_input(x, factor, name):
    x = as_float_array("x", x)
    if x.ndim < 3:
        raise ValueError(f"x must be at least 3-D (*, C, H, W), like torch's, got shape {x.shape}")
    if not is_int(factor) or factor < 1:
        raise ValueError(f"{name} must be an int >= 1, got {factor!r}")
    return x, int(factor)


def _upscale_channels(x, r):
    if x.shape[-3] % (r * r):
        raise ValueError(f"x shape {x.shape} has {x.shape[-3]} channels, not divisible by "
                         f"upscale_factor**2 = {r * r}")


def pixel_shuffle_loop(x, upscale_factor):
    """pixel_shuffle written as its formula: x (*, C*r*r, H, W) -> (*, C, H*r, W*r) with
    out[..., c, i*r + a, j*r + b] = x[..., c*r*r + a*r + b, i, j]. Chapter: transposed
    convolution."""
    x, r = _shuffle_input(x, upscale_factor, "upscale_factor")
    _upscale_channels(x, r)
    *lead, C, H, W = x.shape
    out = np.empty(tuple(lead) + (C // (r * r), H * r, W * r), x.dtype)
    for c in range(C // (r * r)):
        for a in range(r):
            for b in range(r):
                out[..., c, a::r, b::r] = x[..., c * r * r + a * r + b, :, :]
    return out


def pixel_shuffle(x, upscale_factor):
    """As torch.nn.functional.pixel_shuffle: x (*, C*r*r, H, W) -> (*, C, H*r, W*r), every
    r*r channels of a pixel laid out as an r x r block. Replaces the loops of the loop
    version with one reshape, transpose and copy. Chapter: transposed convolution."""
    x, r = _shuffle_input(x, upscale_factor, "upscale_factor")
    _upscale_channels(x, r)
    *lead, C, H, W = x.shape
    lead = tuple(lead)
    blocks = x.reshape(lead + (C // (r * r), r, r, H, W))
    k = len(lead)
    order = tuple(range(k + 1)) + (k + 3, k + 1, k + 4, k + 2)   # (*, C, H, r, W, r)
    return blocks.transpose(order).reshape(lead + (C // (r * r), H * r, W * r)).copy()


def pixel_unshuffle(x, downscale_factor):
    """As torch.nn.functional.pixel_unshuffle, the inverse of pixel_shuffle: x (*, C, H*r,
    W*r) -> (*, C*r*r, H, W). Chapter: transposed convolution."""
    x, r = _shuffle_input(x, downscale_factor, "downscale_factor")
    *lead, C, H, W = x.shape
    if H % r or W % r:
        raise ValueError(f"x shape {x.shape} has a height and width not divisible by "
                         f"downscale_factor={r}")
    lead = tuple(lead)
    k = len(lead)
    grid = x.reshape(lead + (C, H // r, r, W // r, r))
    order = tuple(range(k + 1)) + (k + 2, k + 4, k + 1, k + 3)   # (*, C, r, r, H/r, W/r)
    return grid.transpose(order).reshape(lead + (C * r * r, H // r, W // r)).copy()


# ----------------------------------------------------------------------------- resizing


def interpolation_matrix(n_in, n_out, mode="nearest", align_corners=None, scale=None):
    """R (n_out, n_in) with resized = R @ signal along one axis, as torch's interpolate
    computes it. scale is the input step per output step; None means n_in / n_out (torch
    uses 1 / scale_factor when a scale_factor is given and not recomputed). Each row holds
    one 1 (nearest) or two weights that sum to 1 (bilinear). Chapter: transposed convolution.
    """
    (n_in,) = ints_at_least("n_in", n_in, 1, 1)
    (n_out,) = ints_at_least("n_out", n_out, 1, 1)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    dst = np.arange(n_out)
    R = np.zeros((n_out, n_in))
    if n_out == n_in and mode != "nearest-exact":
        return np.eye(n_in)                   # torch copies an axis whose size is kept,
    if n_out == 2 * n_in and mode == "nearest":
        R[dst, dst // 2] = 1.0                # and doubles one exactly, whatever the scale
        return R
    if mode == "bilinear" and align_corners:
        step = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
        src = step * dst
    else:
        step = n_in / n_out if scale is None else scale
        if mode.startswith("nearest"):        # torch finds the source pixel in float32
            at = dst.astype(np.float32) + np.float32(0.5 if mode == "nearest-exact" else 0)
            R[dst, np.minimum(np.floor(at * np.float32(step)).astype(int), n_in - 1)] = 1.0
            return R
        src = np.maximum(step * (dst + 0.5) - 0.5, 0.0)        # pixel centres, clamped
    low = np.minimum(np.floor(src).astype(int), n_in - 1)
    high = np.minimum(low + 1, n_in - 1)
    frac = src - low
    np.add.at(R, (dst, low), 1.0 - frac)
    np.add.at(R, (dst, high), frac)
    return R


def _per_axis(name, value, convert):
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be one number or two (height, width), got {value!r}")
        return tuple(convert(name, v) for v in value)
    return (convert(name, value),) * 2


def _size(name, v):
    if not is_int(v) or v < 1:
        raise ValueError(f"{name} must hold ints >= 1, got {v!r}")
    return int(v)


def _factor(name, v):
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not v > 0 or v == float("inf"):
        raise ValueError(f"{name} must hold positive numbers, got {v!r}")
    return float(v)


def interpolate(x, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """As torch.nn.functional.interpolate for images: x (N, C, H, W) -> (N, C, H_out, W_out),
    modes "nearest", "nearest-exact" and "bilinear". Give size (H_out, W_out) or
    scale_factor (H_out = floor(H * scale_factor)). Each axis is one matrix product with
    interpolation_matrix. Chapter: transposed convolution.
    """
    x = as_float_array("x", x)
    check_ndim("x", x, 4, "(N, C, H, W)")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES} here, got {mode!r}")
    if align_corners is not None and mode != "bilinear":
        raise ValueError(f"align_corners can only be set with mode='bilinear', got "
                         f"align_corners={align_corners!r} with mode={mode!r}")
    if antialias:
        raise ValueError("antialias=True is not implemented here (it only changes downsampling)")
    if (size is None) == (scale_factor is None):
        raise ValueError(f"give exactly one of size and scale_factor, got size={size!r}, "
                         f"scale_factor={scale_factor!r}")
    if min(x.shape[2:]) < 1:
        raise ValueError(f"x shape {x.shape} has an empty spatial size")
    H, W = x.shape[2:]
    if size is not None:
        out, scales = _per_axis("size", size, _size), (None, None)
    else:
        factors = _per_axis("scale_factor", scale_factor, _factor)
        out = tuple(int(np.floor(n * f)) for n, f in zip((H, W), factors))
        if min(out) < 1:
            raise ValueError(f"scale_factor {scale_factor!r} leaves no pixel of x shape {x.shape}")
        scales = (None, None) if recompute_scale_factor else tuple(1.0 / f for f in factors)
    dtype = result_dtype(x)
    R_h, R_w = (interpolation_matrix(n, m, mode, align_corners, s).astype(dtype)
                for n, m, s in zip((H, W), out, scales))
    return np.ascontiguousarray(R_h @ x.astype(dtype, copy=False) @ R_w.T)


# ----------------------------------------------------------------------------- artifacts


def checkerboard_strength(y, stride):
    """How much of y (..., H, W) repeats with the period of the stride: the phase means
    P[a, b] = mean of y[..., a::sh, b::sw] (over every leading axis too) and
    ||P - mean(P)|| / ||P||, 0 when every phase has the same mean (no checkerboard), 1 when
    the pattern has mean zero. By Parseval it is the share of the periodic part's amplitude
    at the frequencies (a/sh, b/sw) other than zero. Chapter: transposed convolution.
    """
    y = as_float_array("y", y)
    if y.ndim < 2:
        raise ValueError(f"y must be at least 2-D (..., H, W), got shape {y.shape}")
    sh, sw = ints_at_least("stride", stride, 2, 1)
    if y.shape[-2] < sh or y.shape[-1] < sw:
        raise ValueError(f"y shape {y.shape} is smaller than one period of stride {(sh, sw)}")
    phases = np.array([[float(np.mean(y[..., a::sh, b::sw])) for b in range(sw)]
                       for a in range(sh)])
    norm = float(np.linalg.norm(phases))
    return float(np.linalg.norm(phases - phases.mean()) / norm) if norm else 0.0

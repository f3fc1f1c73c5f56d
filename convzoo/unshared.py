"""Convolutions without full weight sharing: locally connected and tiled.

Chapter 1 (cross-correlation vs. convolution). A convolution uses the same kernel at every
output position. A locally connected layer keeps the local windows but gives every output
position (i, j) its own kernel:

    out[n, k, i, j] = bias[k, i, j] + sum_c sum_u sum_v x[n, c, i*s + u, j*s + v] * w[i, j, k, c, u, v]

A tiled convolution (Ngiam et al., 2010) sits in between: the kernels cycle with period
(tH, tW), position (i, j) uses w[i % tH, j % tW]. Period 1 is a convolution; a period as
large as the output is a locally connected layer.
"""
import numpy as np

from .checks import (as_float_array, at_least, check_fits, check_ndim, int_tuple, ints_at_least,
                     padding_pairs, result_dtype)
from .windows import output_shape, pad, sliding_windows


def _input(x):
    x = as_float_array("x", x)
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    check_ndim("x", x, 4, "(N, C, H, W) or (C, H, W)")
    return x, unbatched


def _geometry(x, kernel_size, stride, padding):
    stride = ints_at_least("stride", stride, 2, 1)
    pads = padding_pairs(padding, kernel_size, stride, (1, 1))
    check_fits(x.shape, pads, kernel_size, (1, 1))
    xp = pad(x, pads)
    return xp, stride, output_shape(xp.shape[2:], kernel_size, stride, (1, 1))


def locally_connected2d(x, weight, bias=None, stride=1, padding=0):
    """An unshared convolution: x (N, C, H, W), weight (H_out, W_out, K, C, kH, kW),
    bias (K, H_out, W_out) -> (N, K, H_out, W_out)."""
    x, unbatched = _input(x)
    weight = as_float_array("weight", weight)
    check_ndim("weight", weight, 6, "(H_out, W_out, C_out, C_in, kH, kW)")
    H_o, W_o, K, C, kH, kW = weight.shape
    if C != x.shape[1]:
        raise ValueError(f"weight shape {weight.shape} expects {C} input channels, "
                         f"but x shape {x.shape} has {x.shape[1]}")
    if min(kH, kW) < 1:
        raise ValueError(f"weight shape {weight.shape} has an empty kernel")
    xp, stride, out = _geometry(x, (kH, kW), stride, padding)
    if out != (H_o, W_o):
        raise ValueError(f"weight shape {weight.shape} has one kernel per output position "
                         f"{(H_o, W_o)}, but x shape {x.shape} gives an output of {out}")
    if bias is not None:
        bias = as_float_array("bias", bias)
        if bias.shape != (K, H_o, W_o):
            raise ValueError(f"bias must have shape {(K, H_o, W_o)} (one per output channel "
                             f"and position) to match weight {weight.shape}, got {bias.shape}")
    dtype = result_dtype(x, weight, bias)
    windows = sliding_windows(xp.astype(dtype, copy=False), (kH, kW), stride, (1, 1))
    # the conv2d sum over c, u, v, with the kernel indexed by the output position too
    y = np.einsum("ncijuv,ijkcuv->nkij", windows, weight.astype(dtype, copy=False),
                  optimize=True)
    if bias is not None:
        y = y + bias.astype(dtype, copy=False)
    return y[0] if unbatched else y


def tiled_weight(weight, output_size):
    """Repeat tiled kernels (tH, tW, K, C, kH, kW) to one per output position
    (H_out, W_out, K, C, kH, kW): position (i, j) gets weight[i % tH, j % tW]."""
    weight = as_float_array("weight", weight)
    check_ndim("weight", weight, 6, "(tH, tW, C_out, C_in, kH, kW)")
    H_o, W_o = output_size
    return weight[np.arange(H_o) % weight.shape[0]][:, np.arange(W_o) % weight.shape[1]]


def tiled_conv2d(x, weight, bias=None, stride=1, padding=0):
    """A tiled convolution: x (N, C, H, W), weight (tH, tW, K, C, kH, kW) whose kernels
    cycle every (tH, tW) output positions, bias (K,) -> (N, K, H_out, W_out)."""
    x, unbatched = _input(x)
    weight = as_float_array("weight", weight)
    check_ndim("weight", weight, 6, "(tH, tW, C_out, C_in, kH, kW)")
    if min(weight.shape[4:]) < 1:
        raise ValueError(f"weight shape {weight.shape} has an empty kernel")
    _, _, out = _geometry(x, weight.shape[4:], stride, padding)
    K = weight.shape[2]
    if bias is not None:
        bias = as_float_array("bias", bias)
        if bias.shape != (K,):
            raise ValueError(f"bias must have shape ({K},) to match weight {weight.shape}, "
                             f"got {bias.shape}")
        bias = np.broadcast_to(bias[:, None, None], (K,) + out)
    y = locally_connected2d(x, tiled_weight(weight, out), bias, stride, padding)
    return y[0] if unbatched else y


def _counts(in_channels, out_channels, kernel_size):
    sizes = {"in_channels": in_channels, "out_channels": out_channels}
    for name, v in sizes.items():
        at_least(name, int_tuple(name, v, 1), 1)
    kH, kW = ints_at_least("kernel_size", kernel_size, 2, 1)
    return int(out_channels) * int(in_channels) * kH * kW


def locally_connected2d_parameters(in_channels, out_channels, kernel_size, output_size,
                                   bias=True):
    """H_out * W_out * (K * C * kH * kW + K): a kernel and a bias per output position."""
    H_o, W_o = ints_at_least("output_size", output_size, 2, 1)
    per_position = _counts(in_channels, out_channels, kernel_size)
    return H_o * W_o * (per_position + (int(out_channels) if bias else 0))


def tiled_conv2d_parameters(in_channels, out_channels, kernel_size, tile, bias=True):
    """tH * tW * K * C * kH * kW weights plus K shared biases."""
    tH, tW = ints_at_least("tile", tile, 2, 1)
    weights = _counts(in_channels, out_channels, kernel_size)
    return tH * tW * weights + (int(out_channels) if bias else 0)

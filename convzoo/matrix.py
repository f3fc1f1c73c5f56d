"""Convolution as a matrix: the doubly-blocked Toeplitz matrix M with y = M x.

Chapter 1 (cross-correlation vs. convolution). For one channel, an input x (H, W) and a
kernel k (kH, kW),

    M = sum_u sum_v k[u, v] * kron(S_u, S_v),    S_u[i, i*s + u*d] = 1,

where S_u (H_out, H) picks input row i*s + u*d for output row i. Each block of M is a
Toeplitz matrix (one kernel row slid along a row of x), and the blocks repeat down the
diagonals: a doubly-blocked Toeplitz matrix. M.T is the transposed convolution, the
gradient of the convolution with respect to its input.
"""
import numpy as np

from .checks import (as_float_array, check_fits, check_groups, check_ndim, ints_at_least,
                     padding_pairs, result_dtype)
from .windows import output_shape


def shift_matrix(n_out, n_in, offset, stride=1):
    """S (n_out, n_in) with S[i, i*stride + offset] = 1: output i reads input i*stride + offset."""
    s = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    cols = rows * stride + offset
    keep = (cols >= 0) & (cols < n_in)
    s[rows[keep], cols[keep]] = 1.0
    return s


def _input_shape(input_shape, ndim, layout):
    shape = tuple(input_shape) if isinstance(input_shape, (tuple, list)) else None
    if shape is None or len(shape) != ndim or not all(
            isinstance(n, (int, np.integer)) and n >= 1 for n in shape):
        raise ValueError(f"input_shape must be {ndim} positive ints {layout}, got {input_shape!r}")
    return tuple(int(n) for n in shape)


def conv2d_matrix(weight, input_shape, stride=1, padding=0, dilation=1, groups=1):
    """M (K*H_out*W_out, C*H*W) with M @ x.ravel() == conv2d(x, weight, ...).ravel().

    weight (K, C/groups, kH, kW), input_shape (C, H, W), one image, no bias. Block (k, c) of
    M is the matrix of channel c's kernel w[k, c]; taps that read padding are dropped.
    """
    weight = as_float_array("weight", weight)
    check_ndim("weight", weight, 4, "(C_out, C_in/groups, kH, kW)")
    C, H, W = _input_shape(input_shape, 3, "(C, H, W)")
    K, C_g, kH, kW = weight.shape
    check_groups(groups)
    if C_g * groups != C:
        raise ValueError(f"weight shape {weight.shape} expects {C_g * groups} input channels "
                         f"(groups={groups}), but input_shape {(C, H, W)} has {C}")
    if min(kH, kW) < 1:
        raise ValueError(f"weight shape {weight.shape} has an empty kernel")
    if K % groups:
        raise ValueError(f"weight shape {weight.shape} has {K} output channels, "
                         f"not divisible by groups={groups}")
    (sh, sw) = ints_at_least("stride", stride, 2, 1)
    (dh, dw) = ints_at_least("dilation", dilation, 2, 1)
    (top, bottom), (left, right) = padding_pairs(padding, (kH, kW), (sh, sw), (dh, dw))
    check_fits((1, C, H, W), [(top, bottom), (left, right)], (kH, kW), (dh, dw),
               x_name="input_shape")
    Hp, Wp = H + top + bottom, W + left + right
    H_out, W_out = output_shape((Hp, Wp), (kH, kW), (sh, sw), (dh, dw))
    # A group's weight reads only its own channels: put it in a full (K, C, kH, kW) weight.
    full = np.zeros((K, C, kH, kW), result_dtype(weight))
    K_g = K // groups
    for g in range(groups):
        full[g * K_g:(g + 1) * K_g, g * C_g:(g + 1) * C_g] = weight[g * K_g:(g + 1) * K_g]
    rows = np.stack([shift_matrix(H_out, Hp, u * dh, sh) for u in range(kH)])  # (kH, H_out, Hp)
    cols = np.stack([shift_matrix(W_out, Wp, v * dw, sw) for v in range(kW)])  # (kW, W_out, Wp)
    # M[k, i, j, c, a, b] = sum_uv w[k, c, u, v] S_u[i, a] S_v[j, b]: the sum of kron(S_u, S_v)
    m = np.einsum("kcuv,uia,vjb->kijcab", full, rows.astype(full.dtype),
                  cols.astype(full.dtype), optimize=True)
    m = m[..., top:top + H, left:left + W]                    # drop the columns of padding
    return np.ascontiguousarray(m).reshape(K * H_out * W_out, C * H * W)


def conv_matrix(k, input_shape, stride=1, padding=0, dilation=1):
    """M (H_out*W_out, H*W) with M @ x.ravel() == correlate2d(x, k, "valid").ravel().

    k (kH, kW), input_shape (H, W); stride, padding and dilation as in conv2d.
    """
    k = as_float_array("k", k)
    check_ndim("k", k, 2, "(kH, kW)")
    H, W = _input_shape(input_shape, 2, "(H, W)")
    return conv2d_matrix(k[None, None], (1, H, W), stride, padding, dilation)

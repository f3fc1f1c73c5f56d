"""Separable convolutions: depthwise-separable (MobileNet, Xception) and spatially separable.

Chapter: separable convolutions. A depthwise-separable layer filters each channel on its
own (a depthwise conv, groups = C) and then mixes channels with a 1x1 (pointwise) conv:

    mid[n, q, i, j] = sum_u sum_v x[n, q // m, i*s + u*d, j*s + v*d] * depthwise[q, 0, u, v]
    out[n, k, i, j] = sum_q pointwise[k, q, 0, 0] * mid[n, q, i, j]

(m is the depth multiplier, usually 1: filter q reads input channel q // m). A spatially separable layer replaces a kH x kW
kernel by a kH x 1 column pass and a 1 x kW row pass; it equals one conv2d whose kernel is

    W[k, c, u, v] = sum_q row[k, q, 0, v] * col[q, c, u, 0]      (within each group),

a kernel of rank <= (mid channels per group) in (u, v). `factor_kernel` finds the best
such factors of a given kernel by SVD, so a page can show when a kernel is separable.
A flattened layer (Jin, Dundar and Culurciello, 2014) goes one step further: each of its F
filters is an outer product of three 1-D filters, across channels (lateral), down
(vertical) and across (horizontal),

    W[f, c, u, v] = lateral[f, c, 0, 0] * vertical[f, 0, u, 0] * horizontal[f, 0, 0, v],

a rank-1 tensor per filter: a 1x1 conv, then a spatially separable depthwise pass.
All of these are built on convzoo.convolution.conv2d: no new window code here.
"""
import numpy as np

from .checks import (LAYOUTS, as_float_array, check_channels, check_fits, check_groups,
                     check_ndim, ints_at_least, is_int, padding_pairs, result_dtype)
from .convolution import conv2d
from .windows import output_shape, pad


# ----------------------------------------------------------------------------- checks


def _common_dtype(*arrays):
    """All arrays in result_dtype: one float64 argument makes the whole computation float64."""
    dtype = result_dtype(*arrays)
    return tuple(a.astype(dtype, copy=False) for a in arrays)


def _spatial(stride, padding, dilation, kernel_size):
    stride = ints_at_least("stride", stride, 2, 1)
    dilation = ints_at_least("dilation", dilation, 2, 1)
    pads = padding_pairs(padding, kernel_size, stride, dilation)
    return stride, pads, dilation


def _depthwise_separable_arguments(x, depthwise_weight, pointwise_weight, stride, padding,
                                   dilation):
    x = as_float_array("x", x)
    dw = as_float_array("depthwise_weight", depthwise_weight)
    pw = as_float_array("pointwise_weight", pointwise_weight)
    check_ndim("x", x, 4, LAYOUTS[2])
    check_ndim("depthwise_weight", dw, 4, "(C * multiplier, 1, kH, kW)")
    check_ndim("pointwise_weight", pw, 4, "(C_out, C * multiplier, 1, 1)")
    C = x.shape[1]
    if C < 1 or dw.shape[1] != 1 or dw.shape[0] < 1 or dw.shape[0] % C:
        raise ValueError(f"depthwise_weight must have shape (C * multiplier, 1, kH, kW) with "
                         f"C = {C} channels of x {x.shape}, got {dw.shape}")
    if min(dw.shape[2:]) < 1:
        raise ValueError(f"depthwise_weight shape {dw.shape} has an empty kernel")
    if pw.shape[1:] != (dw.shape[0], 1, 1):
        raise ValueError(f"pointwise_weight must have shape (C_out, {dw.shape[0]}, 1, 1) to "
                         f"follow depthwise_weight {dw.shape}, got {pw.shape}")
    stride, pads, dilation = _spatial(stride, padding, dilation, dw.shape[2:])
    check_fits(x.shape, pads, dw.shape[2:], dilation)
    x, dw, pw = _common_dtype(x, dw, pw)
    return x, dw, pw, stride, pads, dilation


def _spatially_separable_weights(column_weight, row_weight, groups):
    col = as_float_array("column_weight", column_weight)
    row = as_float_array("row_weight", row_weight)
    check_ndim("column_weight", col, 4, "(C_mid, C_in/groups, kH, 1)")
    check_ndim("row_weight", row, 4, "(C_out, C_mid/groups, 1, kW)")
    if col.shape[3] != 1 or col.shape[2] < 1:
        raise ValueError(f"column_weight must have shape (C_mid, C_in/groups, kH, 1), "
                         f"got {col.shape}")
    if row.shape[2] != 1 or row.shape[3] < 1:
        raise ValueError(f"row_weight must have shape (C_out, C_mid/groups, 1, kW), "
                         f"got {row.shape}")
    check_groups(groups)
    for name, w in (("column_weight", col), ("row_weight", row)):
        if w.shape[0] % groups or w.shape[0] < 1:
            raise ValueError(f"{name} shape {w.shape} has {w.shape[0]} output channels, "
                             f"not a positive multiple of groups={groups}")
    if row.shape[1] * groups != col.shape[0]:
        raise ValueError(f"row_weight shape {row.shape} expects {row.shape[1] * groups} "
                         f"channels (groups={groups}) from column_weight, which has shape "
                         f"{col.shape} and gives {col.shape[0]}")
    return _common_dtype(col, row)


def _spatially_separable_arguments(x, column_weight, row_weight, stride, padding, dilation,
                                   groups):
    x = as_float_array("x", x)
    check_ndim("x", x, 4, LAYOUTS[2])
    col, row = _spatially_separable_weights(column_weight, row_weight, groups)
    check_channels(x, col, groups, weight_name="column_weight")
    kernel_size = (col.shape[2], row.shape[3])
    stride, pads, dilation = _spatial(stride, padding, dilation, kernel_size)
    check_fits(x.shape, pads, kernel_size, dilation)
    x, col, row = _common_dtype(x, col, row)
    return x, col, row, stride, pads, dilation


# ----------------------------------------------------------------------------- depthwise


def depthwise_separable_conv2d_loop(x, depthwise_weight, pointwise_weight, stride=1,
                                    padding=0, dilation=1):
    """The depthwise-separable conv written as its two formulas, loop by loop.

    x (N, C, H, W), depthwise_weight (C*m, 1, kH, kW), pointwise_weight (K, C*m, 1, 1)
    -> (N, K, H_out, W_out). Chapter: separable convolutions.
    """
    x, depthwise, pointwise, (sh, sw), pads, (dh, dw) = _depthwise_separable_arguments(
        x, depthwise_weight, pointwise_weight, stride, padding, dilation)
    xp = pad(x, pads)
    N, C = x.shape[:2]
    M, _, kH, kW = depthwise.shape
    m = M // C                                   # depth multiplier
    K = pointwise.shape[0]
    H_out, W_out = output_shape(xp.shape[2:], (kH, kW), (sh, sw), (dh, dw))
    mid = np.zeros((N, M, H_out, W_out), x.dtype)
    for n in range(N):                           # depthwise: each channel alone
        for q in range(M):
            c = q // m                           # the one input channel filter q reads
            for i in range(H_out):
                for j in range(W_out):
                    window = xp[n, c,
                                i * sh: i * sh + dh * (kH - 1) + 1: dh,
                                j * sw: j * sw + dw * (kW - 1) + 1: dw]
                    mid[n, q, i, j] = np.sum(window * depthwise[q, 0])
    out = np.zeros((N, K, H_out, W_out), x.dtype)
    for n in range(N):                           # pointwise: mix channels, pixel by pixel
        for k in range(K):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, k, i, j] = np.sum(pointwise[k, :, 0, 0] * mid[n, :, i, j])
    return out


def depthwise_separable_conv2d(x, depthwise_weight, pointwise_weight, stride=1, padding=0,
                               dilation=1):
    """conv2d(conv2d(x, dw, stride, padding, dilation, groups=C), pw): a depthwise conv,
    then a 1x1 conv that mixes channels.

    x (N, C, H, W), depthwise_weight (C*m, 1, kH, kW) (m = depth multiplier, usually 1),
    pointwise_weight (K, C*m, 1, 1) -> (N, K, H_out, W_out). Replaces both loop nests of
    the loop version with one grouped and one 1x1 conv2d. Chapter: separable convolutions.
    """
    x, dw, pw, _, _, _ = _depthwise_separable_arguments(
        x, depthwise_weight, pointwise_weight, stride, padding, dilation)
    mid = conv2d(x, dw, stride=stride, padding=padding, dilation=dilation, groups=x.shape[1])
    return conv2d(mid, pw)


# ----------------------------------------------------------------------------- spatial


def spatially_separable_kernel(column_weight, row_weight, groups=1):
    """The one kernel a column pass then a row pass amount to.

    column_weight (C_mid, C_in/groups, kH, 1), row_weight (C_out, C_mid/groups, 1, kW)
    -> (C_out, C_in/groups, kH, kW), W[k, c, u, v] = sum_q row[k, q, 0, v] col[q, c, u, 0]
    over the mid channels q of k's group. Chapter: separable convolutions.
    """
    col, row = _spatially_separable_weights(column_weight, row_weight, groups)
    M, C_g, kH, _ = col.shape
    K, M_g, _, kW = row.shape
    col = col.reshape(groups, M_g, C_g, kH)
    row = row.reshape(groups, K // groups, M_g, kW)
    kernel = np.einsum("gkqv,gqcu->gkcuv", row, col)
    return kernel.reshape(K, C_g, kH, kW)


def spatially_separable_conv2d_loop(x, column_weight, row_weight, stride=1, padding=0,
                                    dilation=1, groups=1):
    """The spatially separable conv written as its two formulas, loop by loop:

    mid[n, q, i, l] = sum_c sum_u xp[n, c, i*s + u*d, l] * col[q, c, u, 0]   (c in q's group)
    out[n, k, i, j] = sum_q sum_v mid[n, q, i, j*s + v*d] * row[k, q, 0, v]  (q in k's group)

    (xp is x zero-padded.) x (N, C_in, H, W), column_weight (C_mid, C_in/groups, kH, 1),
    row_weight (C_out, C_mid/groups, 1, kW) -> (N, C_out, H_out, W_out).
    Chapter: separable convolutions.
    """
    x, col, row, (sh, sw), pads, (dh, dw) = _spatially_separable_arguments(
        x, column_weight, row_weight, stride, padding, dilation, groups)
    xp = pad(x, pads)
    N = x.shape[0]
    M, C_g, kH, _ = col.shape
    K, M_g, _, kW = row.shape
    H_out, W_out = output_shape(xp.shape[2:], (kH, kW), (sh, sw), (dh, dw))
    W_p = xp.shape[3]
    mid = np.zeros((N, M, H_out, W_p), x.dtype)
    for n in range(N):                           # column pass: kH x 1, stride down only
        for q in range(M):
            g = q // (M // groups)
            channels = slice(g * C_g, (g + 1) * C_g)
            for i in range(H_out):
                for l in range(W_p):
                    column = xp[n, channels, i * sh: i * sh + dh * (kH - 1) + 1: dh, l]
                    mid[n, q, i, l] = np.sum(column * col[q, :, :, 0])
    out = np.zeros((N, K, H_out, W_out), x.dtype)
    for n in range(N):                           # row pass: 1 x kW, stride across only
        for k in range(K):
            g = k // (K // groups)
            channels = slice(g * M_g, (g + 1) * M_g)
            for i in range(H_out):
                for j in range(W_out):
                    row_window = mid[n, channels, i, j * sw: j * sw + dw * (kW - 1) + 1: dw]
                    out[n, k, i, j] = np.sum(row_window * row[k, :, 0, :])
    return out


def spatially_separable_conv2d(x, column_weight, row_weight, stride=1, padding=0, dilation=1,
                               groups=1):
    """A kH x 1 conv then a 1 x kW conv; equals conv2d with spatially_separable_kernel(...).

    x (N, C_in, H, W), column_weight (C_mid, C_in/groups, kH, 1),
    row_weight (C_out, C_mid/groups, 1, kW) -> (N, C_out, H_out, W_out); stride, padding
    and dilation are those of the whole kH x kW layer. Sobel on each channel: groups = C,
    column (C, 1, 3, 1) = [1, 2, 1], row (C, 1, 1, 3) = [-1, 0, 1]. Replaces the loop
    version's two loop nests with two conv2d calls. Chapter: separable convolutions.
    """
    x, col, row, (sh, sw), pads, (dh, dw) = _spatially_separable_arguments(
        x, column_weight, row_weight, stride, padding, dilation, groups)
    if isinstance(padding, str):                 # "same" / "valid" split by the kernel shape
        pad_col = pad_row = padding
    else:
        (ph, _), (_, pw) = pads
        pad_col, pad_row = (ph, 0), (0, pw)
    mid = conv2d(x, col, stride=(sh, 1), padding=pad_col, dilation=(dh, 1), groups=groups)
    return conv2d(mid, row, stride=(1, sw), padding=pad_row, dilation=(1, dw), groups=groups)


def factor_kernel(kernel, rank=1):
    """The best rank-r factors of a kernel by SVD: columns (..., r, kH), rows (..., r, kW).

    kernel (..., kH, kW); sum_t outer(columns[..., t, :], rows[..., t, :]) is the closest
    rank-r kernel in the Frobenius norm (Eckart-Young), exactly the kernel when its rank is
    <= r; so a kernel is spatially separable when rank 1 reproduces it. Each singular value
    is split evenly (sqrt into each factor), and each column is signed so its largest entry
    is positive. Chapter: separable convolutions.
    """
    kernel = as_float_array("kernel", kernel)
    if kernel.ndim < 2 or min(kernel.shape[-2:]) < 1:
        raise ValueError(f"kernel must be (..., kH, kW) with kH, kW >= 1, got shape "
                         f"{kernel.shape}")
    kH, kW = kernel.shape[-2:]
    if not is_int(rank) or not 1 <= rank <= min(kH, kW):
        raise ValueError(f"rank must be an int from 1 to min(kH, kW) = {min(kH, kW)} for "
                         f"kernel shape {kernel.shape}, got {rank!r}")
    u, s, vt = np.linalg.svd(kernel.astype(result_dtype(kernel), copy=False))
    root = np.sqrt(s[..., :rank, None])
    columns = np.swapaxes(u[..., :, :rank], -1, -2) * root        # (..., r, kH)
    rows = vt[..., :rank, :] * root                                # (..., r, kW)
    largest = np.take_along_axis(columns, np.abs(columns).argmax(-1)[..., None], -1)
    sign = np.where(largest < 0, -1, 1).astype(columns.dtype)
    return columns * sign, rows * sign


# ----------------------------------------------------------------------------- flattened


def _flattened_weights(lateral_weight, vertical_weight, horizontal_weight):
    lateral = as_float_array("lateral_weight", lateral_weight)
    vertical = as_float_array("vertical_weight", vertical_weight)
    horizontal = as_float_array("horizontal_weight", horizontal_weight)
    check_ndim("lateral_weight", lateral, 4, "(F, C, 1, 1)")
    check_ndim("vertical_weight", vertical, 4, "(F, 1, kH, 1)")
    check_ndim("horizontal_weight", horizontal, 4, "(F, 1, 1, kW)")
    F_, C = lateral.shape[:2]
    if F_ < 1 or C < 1 or lateral.shape[2:] != (1, 1):
        raise ValueError(f"lateral_weight must have shape (F, C, 1, 1) with F, C >= 1, "
                         f"got {lateral.shape}")
    if vertical.shape[0] != F_ or vertical.shape[1] != 1 or vertical.shape[3] != 1 \
            or vertical.shape[2] < 1:
        raise ValueError(f"vertical_weight must have shape ({F_}, 1, kH, 1) to follow "
                         f"lateral_weight {lateral.shape}, got {vertical.shape}")
    if horizontal.shape[0] != F_ or horizontal.shape[1:3] != (1, 1) or horizontal.shape[3] < 1:
        raise ValueError(f"horizontal_weight must have shape ({F_}, 1, 1, kW) to follow "
                         f"lateral_weight {lateral.shape}, got {horizontal.shape}")
    return _common_dtype(lateral, vertical, horizontal)


def _flattened_arguments(x, lateral_weight, vertical_weight, horizontal_weight, stride,
                         padding, dilation):
    x = as_float_array("x", x)
    check_ndim("x", x, 4, LAYOUTS[2])
    lateral, vertical, horizontal = _flattened_weights(lateral_weight, vertical_weight,
                                                       horizontal_weight)
    if x.shape[1] != lateral.shape[1]:
        raise ValueError(f"lateral_weight shape {lateral.shape} expects {lateral.shape[1]} "
                         f"input channels, but x shape {x.shape} has {x.shape[1]}")
    kernel_size = (vertical.shape[2], horizontal.shape[3])
    stride, pads, dilation = _spatial(stride, padding, dilation, kernel_size)
    check_fits(x.shape, pads, kernel_size, dilation)
    x, lateral, vertical, horizontal = _common_dtype(x, lateral, vertical, horizontal)
    return x, lateral, vertical, horizontal, stride, pads, dilation


def flattened_kernel(lateral_weight, vertical_weight, horizontal_weight):
    """The one conv2d weight a flattened layer amounts to.

    lateral_weight (F, C, 1, 1), vertical_weight (F, 1, kH, 1), horizontal_weight
    (F, 1, 1, kW) -> (F, C, kH, kW), W[f, c, u, v] = lateral[f, c] vertical[f, u]
    horizontal[f, v]: every filter a rank-1 tensor. Chapter: separable convolutions.
    """
    lateral, vertical, horizontal = _flattened_weights(lateral_weight, vertical_weight,
                                                       horizontal_weight)
    return np.einsum("fc,fu,fv->fcuv", lateral[:, :, 0, 0], vertical[:, 0, :, 0],
                     horizontal[:, 0, 0, :])


def flattened_conv2d_loop(x, lateral_weight, vertical_weight, horizontal_weight, stride=1,
                          padding=0, dilation=1):
    """The flattened conv written as its three 1-D formulas, loop by loop:

    a[n, f, i, j] = sum_c xp[n, c, i, j] * lateral[f, c, 0, 0]                  (lateral)
    b[n, f, i, l] = sum_u a[n, f, i*s + u*d, l] * vertical[f, 0, u, 0]          (vertical)
    out[n, f, i, j] = sum_v b[n, f, i, j*s + v*d] * horizontal[f, 0, 0, v]      (horizontal)

    (xp is x zero-padded; zeros stay zeros through the lateral sum.) x (N, C, H, W),
    lateral_weight (F, C, 1, 1), vertical_weight (F, 1, kH, 1), horizontal_weight
    (F, 1, 1, kW) -> (N, F, H_out, W_out). Chapter: separable convolutions.
    """
    x, lateral, vertical, horizontal, (sh, sw), pads, (dh, dw) = _flattened_arguments(
        x, lateral_weight, vertical_weight, horizontal_weight, stride, padding, dilation)
    xp = pad(x, pads)
    N, C, H_p, W_p = xp.shape
    F_, kH, kW = lateral.shape[0], vertical.shape[2], horizontal.shape[3]
    H_out, W_out = output_shape((H_p, W_p), (kH, kW), (sh, sw), (dh, dw))
    a = np.zeros((N, F_, H_p, W_p), x.dtype)
    for n in range(N):                           # lateral: one number per pixel and filter
        for f in range(F_):
            for i in range(H_p):
                for j in range(W_p):
                    a[n, f, i, j] = np.sum(xp[n, :, i, j] * lateral[f, :, 0, 0])
    b = np.zeros((N, F_, H_out, W_p), x.dtype)
    for n in range(N):                           # vertical: down each column, stride down
        for f in range(F_):
            for i in range(H_out):
                for l in range(W_p):
                    column = a[n, f, i * sh: i * sh + dh * (kH - 1) + 1: dh, l]
                    b[n, f, i, l] = np.sum(column * vertical[f, 0, :, 0])
    out = np.zeros((N, F_, H_out, W_out), x.dtype)
    for n in range(N):                           # horizontal: along each row, stride across
        for f in range(F_):
            for i in range(H_out):
                for j in range(W_out):
                    row = b[n, f, i, j * sw: j * sw + dw * (kW - 1) + 1: dw]
                    out[n, f, i, j] = np.sum(row * horizontal[f, 0, 0, :])
    return out


def flattened_conv2d(x, lateral_weight, vertical_weight, horizontal_weight, stride=1,
                     padding=0, dilation=1):
    """A 1x1 conv (C -> F), then a kH x 1 and a 1 x kW pass on each of the F channels;
    equals conv2d with flattened_kernel(...).

    x (N, C, H, W), lateral_weight (F, C, 1, 1), vertical_weight (F, 1, kH, 1),
    horizontal_weight (F, 1, 1, kW) -> (N, F, H_out, W_out); stride, padding and dilation
    are those of the whole kH x kW layer. Replaces the loop version's three loop nests with
    a 1x1 conv2d and spatially_separable_conv2d (groups = F). Chapter: separable convolutions.
    """
    x, lateral, vertical, horizontal, _, _, _ = _flattened_arguments(
        x, lateral_weight, vertical_weight, horizontal_weight, stride, padding, dilation)
    mid = conv2d(x, lateral)                     # zero padding commutes with the 1x1 sum
    return spatially_separable_conv2d(mid, vertical, horizontal, stride=stride,
                                      padding=padding, dilation=dilation,
                                      groups=lateral.shape[0])

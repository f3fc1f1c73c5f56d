"""conv1d, conv2d, conv3d as torch.nn.functional computes them, forward and backward.

Chapter 1 (cross-correlation vs. convolution) derives them. Each comes twice: a loop
version that reads like the formula

    out[n, k, i, j] = bias[k] + sum_c sum_u sum_v x[n, g*C_g + c, i*s + u*d, j*s + v*d] * w[k, c, u, v]

(g is the group of output channel k), and a fast version that the library uses: it
gathers every window once (im2col) and does one matrix multiply per group.
"""
import itertools

import numpy as np

from .checks import conv_arguments, result_dtype
from .windows import output_shape, pad, sliding_windows, tap_slices, window_slices


# ----------------------------------------------------------------------------- loops


def conv2d_loop(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """conv2d written as its formula: x (N, C, H, W), weight (K, C/groups, kH, kW)."""
    x, weight, bias, (sh, sw), pads, (dh, dw), unbatched = conv_arguments(
        x, weight, bias, stride, padding, dilation, groups, dims=2)
    dtype = result_dtype(x, weight, bias)
    xp, weight = pad(x.astype(dtype, copy=False), pads), weight.astype(dtype, copy=False)
    N = x.shape[0]
    K, C_g, kH, kW = weight.shape
    K_g = K // groups
    H_out, W_out = output_shape(xp.shape[2:], (kH, kW), (sh, sw), (dh, dw))
    out = np.zeros((N, K, H_out, W_out), dtype)
    for n in range(N):
        for k in range(K):
            g = k // K_g                          # the group this output channel reads
            channels = slice(g * C_g, (g + 1) * C_g)
            for i in range(H_out):
                for j in range(W_out):
                    window = xp[n, channels,
                                i * sh: i * sh + dh * (kH - 1) + 1: dh,
                                j * sw: j * sw + dw * (kW - 1) + 1: dw]
                    out[n, k, i, j] = np.sum(window * weight[k])
            if bias is not None:
                out[n, k] += bias[k]
    return out[0] if unbatched else out


def conv1d_loop(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """conv1d written as its formula: x (N, C, W), weight (K, C/groups, kW)."""
    x, weight, bias, (s,), pads, (d,), unbatched = conv_arguments(
        x, weight, bias, stride, padding, dilation, groups, dims=1)
    dtype = result_dtype(x, weight, bias)
    xp, weight = pad(x.astype(dtype, copy=False), pads), weight.astype(dtype, copy=False)
    N = x.shape[0]
    K, C_g, kW = weight.shape
    K_g = K // groups
    (W_out,) = output_shape(xp.shape[2:], (kW,), (s,), (d,))
    out = np.zeros((N, K, W_out), dtype)
    for n in range(N):
        for k in range(K):
            channels = slice(k // K_g * C_g, (k // K_g + 1) * C_g)
            for j in range(W_out):
                window = xp[n, channels, j * s: j * s + d * (kW - 1) + 1: d]
                out[n, k, j] = np.sum(window * weight[k])
            if bias is not None:
                out[n, k] += bias[k]
    return out[0] if unbatched else out


def conv3d_loop(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """conv3d written as its formula: x (N, C, D, H, W), weight (K, C/groups, kD, kH, kW)."""
    x, weight, bias, stride, pads, dilation, unbatched = conv_arguments(
        x, weight, bias, stride, padding, dilation, groups, dims=3)
    dtype = result_dtype(x, weight, bias)
    xp, weight = pad(x.astype(dtype, copy=False), pads), weight.astype(dtype, copy=False)
    N = x.shape[0]
    K, C_g = weight.shape[:2]
    K_g = K // groups
    out_size = output_shape(xp.shape[2:], weight.shape[2:], stride, dilation)
    out = np.zeros((N, K) + out_size, dtype)
    for n in range(N):
        for k in range(K):
            channels = slice(k // K_g * C_g, (k // K_g + 1) * C_g)
            for t, i, j in itertools.product(*map(range, out_size)):
                window = xp[(n, channels) + window_slices((t, i, j), weight.shape[2:],
                                                          stride, dilation)]
                out[n, k, t, i, j] = np.sum(window * weight[k])
            if bias is not None:
                out[n, k] += bias[k]
    return out[0] if unbatched else out


def conv2d_backward_loop(grad_out, x, weight, stride=1, padding=0, dilation=1, groups=1):
    """conv2d_backward written as the chain rule: every product x * w of the forward pass
    sends grad_out back to both factors. -> (grad_x, grad_weight, grad_bias)."""
    x, weight, _, (sh, sw), pads, (dh, dw), unbatched = conv_arguments(
        x, weight, None, stride, padding, dilation, groups, dims=2)
    grad_out = np.asarray(grad_out)
    if unbatched:
        grad_out = grad_out[None]
    dtype = result_dtype(x, weight, grad_out)
    xp, weight = pad(x.astype(dtype, copy=False), pads), weight.astype(dtype, copy=False)
    K, C_g, kH, kW = weight.shape
    K_g = K // groups
    out_shape = (x.shape[0], K) + output_shape(xp.shape[2:], (kH, kW), (sh, sw), (dh, dw))
    if grad_out.shape != out_shape:
        raise ValueError(f"grad_out must have the output shape {out_shape} of "
                         f"conv2d(x {x.shape}, weight {weight.shape}), got {grad_out.shape}")
    grad_xp = np.zeros_like(xp)
    grad_weight = np.zeros_like(weight)
    N, _, H_out, W_out = out_shape
    for n in range(N):
        for k in range(K):
            channels = slice(k // K_g * C_g, (k // K_g + 1) * C_g)
            for i in range(H_out):
                for j in range(W_out):
                    rows = slice(i * sh, i * sh + dh * (kH - 1) + 1, dh)
                    cols = slice(j * sw, j * sw + dw * (kW - 1) + 1, dw)
                    # out[n, k, i, j] = sum(window * weight[k]), so
                    grad_xp[n, channels, rows, cols] += grad_out[n, k, i, j] * weight[k]
                    grad_weight[k] += grad_out[n, k, i, j] * xp[n, channels, rows, cols]
    (top, _), (left, _) = pads
    grad_x = grad_xp[:, :, top: top + x.shape[2], left: left + x.shape[3]]
    grad_bias = grad_out.sum(axis=(0, 2, 3)).astype(dtype, copy=False)
    return (grad_x[0] if unbatched else grad_x).copy(), grad_weight, grad_bias


# ----------------------------------------------------------------------------- fast


def im2col(x_padded, kernel_size, stride, dilation, groups):
    """Every window as a column: (groups, C/groups * prod(k), N * prod(out)), and out.

    Replaces the loops over n, i, j (and the window slicing) of the loop version with one
    copy; row c*prod(k) + tap, column n*prod(out) + pixel.
    """
    windows = sliding_windows(x_padded, kernel_size, stride, dilation)  # (N, C, *out, *k)
    N, C = windows.shape[:2]
    dims = len(kernel_size)
    out_size = windows.shape[2:2 + dims]
    # (C, *k, N, *out): the innermost copy runs along output pixels, which is cache friendly.
    order = (1,) + tuple(range(2 + dims, 2 + 2 * dims)) + (0,) + tuple(range(2, 2 + dims))
    cols = windows.transpose(order).reshape(
        groups, C // groups * int(np.prod(kernel_size)), N * int(np.prod(out_size)))
    return cols, out_size


def col2im(cols, padded_shape, kernel_size, stride, dilation, out_size):
    """The adjoint of im2col: add each column entry back where it was read from.

    cols (C, *k, N, *out) -> array of padded_shape (N, C, *padded); loops over kernel taps
    only, each adding a strided slice of every output pixel at once.
    """
    grad = np.zeros(padded_shape, cols.dtype)
    for tap in itertools.product(*map(range, kernel_size)):
        block = cols[(slice(None),) + tap]                 # (C, N, *out)
        grad[(slice(None), slice(None)) + tap_slices(tap, out_size, stride, dilation)] += \
            np.swapaxes(block, 0, 1)
    return grad


def _conv(x, weight, bias, stride, padding, dilation, groups, dims):
    x, weight, bias, stride, pads, dilation, unbatched = conv_arguments(
        x, weight, bias, stride, padding, dilation, groups, dims)
    dtype = result_dtype(x, weight, bias)
    cols, out_size = im2col(pad(x.astype(dtype, copy=False), pads), weight.shape[2:],
                            stride, dilation, groups)
    K = weight.shape[0]
    w = weight.astype(dtype, copy=False).reshape(groups, K // groups, -1)
    out = np.matmul(w, cols)                        # (groups, K/groups, N * prod(out))
    out = out.reshape((K, x.shape[0]) + out_size)
    out = np.ascontiguousarray(np.swapaxes(out, 0, 1))
    if bias is not None:
        out += bias.astype(dtype, copy=False).reshape((K,) + (1,) * dims)
    return out[0] if unbatched else out


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """As torch.nn.functional.conv1d: x (N, C, W), weight (K, C/groups, kW) -> (N, K, W_out)."""
    return _conv(x, weight, bias, stride, padding, dilation, groups, dims=1)


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """As torch.nn.functional.conv2d: x (N, C, H, W), weight (K, C/groups, kH, kW)
    -> (N, K, H_out, W_out). padding is an int, a tuple, "same" or "valid"."""
    return _conv(x, weight, bias, stride, padding, dilation, groups, dims=2)


def conv3d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """As torch.nn.functional.conv3d: x (N, C, D, H, W), weight (K, C/groups, kD, kH, kW)."""
    return _conv(x, weight, bias, stride, padding, dilation, groups, dims=3)


# ----------------------------------------------------------------------------- backward


def conv2d_backward(grad_out, x, weight, stride=1, padding=0, dilation=1, groups=1):
    """Gradients of conv2d: grad_out (N, K, H_out, W_out) -> (grad_x, grad_weight, grad_bias).

    grad_weight = grad_out @ im2col(x)^T per group; grad_x = col2im(weight^T @ grad_out).
    """
    x, weight, _, stride, pads, dilation, unbatched = conv_arguments(
        x, weight, None, stride, padding, dilation, groups, dims=2)
    grad_out = np.asarray(grad_out)
    if unbatched:
        grad_out = grad_out[None]
    dtype = result_dtype(x, weight, grad_out)
    xp = pad(x.astype(dtype, copy=False), pads)
    kernel_size = weight.shape[2:]
    out_size = output_shape(xp.shape[2:], kernel_size, stride, dilation)
    N, K = x.shape[0], weight.shape[0]
    if grad_out.shape != (N, K) + out_size:
        raise ValueError(f"grad_out must have the output shape {(N, K) + out_size} of "
                         f"conv2d(x {x.shape}, weight {weight.shape}), got {grad_out.shape}")
    cols, _ = im2col(xp, kernel_size, stride, dilation, groups)   # (G, C_g*kk, N*P)
    g_out = np.swapaxes(grad_out.astype(dtype, copy=False), 0, 1).reshape(groups, K // groups, -1)
    grad_weight = (g_out @ np.swapaxes(cols, 1, 2)).reshape(weight.shape)
    w = weight.astype(dtype, copy=False).reshape(groups, K // groups, -1)
    grad_cols = np.swapaxes(w, 1, 2) @ g_out                       # (G, C_g*kk, N*P)
    grad_cols = grad_cols.reshape((x.shape[1],) + kernel_size + (N,) + out_size)
    grad_xp = col2im(grad_cols, xp.shape, kernel_size, stride, dilation, out_size)
    (top, _), (left, _) = pads
    grad_x = grad_xp[:, :, top: top + x.shape[2], left: left + x.shape[3]]
    grad_bias = grad_out.sum(axis=(0, 2, 3)).astype(dtype, copy=False)
    if unbatched:
        grad_x = grad_x[0]
    return np.ascontiguousarray(grad_x), grad_weight, grad_bias

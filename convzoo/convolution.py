"""conv1d, conv2d, conv3d as torch.nn.functional computes them, forward and backward.

Chapter 1 (cross-correlation vs. convolution) derives them. Each comes twice: a loop
version that reads like the formula

    out[n, k, i, j] = bias[k] + sum_c sum_u sum_v x[n, g*C_g + c, i*s + u*d, j*s + v*d] * w[k, c, u, v]

(g is the group of output channel k), and a fast version that the library uses: it
gathers every window once (im2col), a few images at a time, and does one matrix multiply
per group and chunk of images. For depthwise
layers at stride 1, and for the backward pass at stride 1, the windows are gathered a few
images at a time from the flattened padded input, where every row of the column matrix is
one contiguous run (im2col_flat; chapter 9 times both).
"""
import itertools

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .checks import conv_arguments, result_dtype
from .windows import output_shape, pad, sliding_windows, window_slices


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

    cols (C, *k, N, *out) -> array of padded_shape (N, C, *padded). Tap u of output i lands
    on row i s + u d: on the rows of phase u d mod s, from row u d // s of that phase on.
    So each tap is added as one contiguous block into its phase (every s-th row, stored
    apart), and the phases are interleaved into the result once at the end: s_H s_W
    strided copies instead of k_H k_W strided additions.
    """
    N, C = padded_shape[:2]
    lengths = tuple(-(-n // s) for n, s in zip(padded_shape[2:], stride))   # rows per phase
    phases = np.zeros((C, N) + tuple(stride) + lengths, cols.dtype)
    everything = (slice(None), slice(None))
    for tap in itertools.product(*map(range, kernel_size)):
        phase = tuple(u * d % s for u, d, s in zip(tap, dilation, stride))
        rows = tuple(slice(u * d // s, u * d // s + o)
                     for u, d, s, o in zip(tap, dilation, stride, out_size))
        phases[everything + phase + rows] += cols[(slice(None),) + tap]     # (C, N, *out)
    grad = np.empty(padded_shape, cols.dtype)
    for phase in itertools.product(*map(range, stride)):
        every_s = grad[everything + tuple(slice(a, None, s) for a, s in zip(phase, stride))]
        rows = tuple(slice(0, n) for n in every_s.shape[2:])
        every_s[...] = np.swapaxes(phases[everything + phase + rows], 0, 1)
    return grad


COLUMN_BYTES = 8 * 2 ** 20     # the columns of a few images at a time: cache-sized


def flat_steps(padded):
    """How many numbers apart two neighbours along each axis of a flattened padded image are."""
    return [int(np.prod(padded[i + 1:])) for i in range(len(padded))]


def flat_padded(x, pads, kernel_size, dilation):
    """x (N, C, *size) zero-padded and flattened to (N, C, prod(padded) + tail), and the
    padded size. The tail of zeros lets every tap's run of im2col_flat end inside."""
    N, C = x.shape[:2]
    padded = tuple(n + a + b for n, (a, b) in zip(x.shape[2:], pads))
    steps = flat_steps(padded)
    tail = sum((k - 1) * d * s for k, d, s in zip(kernel_size[1:], dilation[1:], steps[1:]))
    flat = np.zeros((N, C, int(np.prod(padded)) + tail), x.dtype)
    inside = tuple(slice(a, a + n) for n, (a, _) in zip(x.shape[2:], pads))
    flat[:, :, :int(np.prod(padded))].reshape((N, C) + padded)[(slice(None),) * 2 + inside] = x
    return flat, padded


def im2col_flat(flat, n0, n, padded, kernel_size, dilation, groups):
    """Stride-1 columns of images n0 .. n0+n-1: (n, groups, C/groups * prod(k), L).

    In the flattened padded image, the input under tap (u, v) of every output pixel is one
    run of L = H_out * W_padded numbers starting at u d_H W_padded + v d_W: a row of the
    column matrix is a plain copy of that run. Columns whose pixel is past W_out (the last
    (k_W - 1) d_W of each row) are computed and then dropped.
    """
    C = flat.shape[1]
    out_first = padded[0] - dilation[0] * (kernel_size[0] - 1)
    L = out_first * int(np.prod(padded[1:]))
    item = flat.itemsize
    steps = flat_steps(padded)
    sN, sC = flat.strides[:2]
    runs = as_strided(flat[n0:], (n, groups, C // groups) + tuple(kernel_size) + (L,),
                      (sN, C // groups * sC, sC) + tuple(d * s * item for d, s in
                                                          zip(dilation, steps)) + (item,),
                      writeable=False)
    return runs.reshape(n, groups, C // groups * int(np.prod(kernel_size)), L)   # the copy


def images_per_chunk(column_bytes_per_image):
    """How many images' columns to build at a time: as many as fit in COLUMN_BYTES, at
    least one. The columns of a large batch never all exist at once, and a chunk's can
    still be in the cache when its GEMM reads them (chapter 9)."""
    return max(1, COLUMN_BYTES // column_bytes_per_image)


def _conv_im2col(x, weight, stride, pads, dilation, groups, dtype):
    """Every window as a column, a few images at a time; one GEMM per group and chunk."""
    xp = pad(x.astype(dtype, copy=False), pads)
    N, K = x.shape[0], weight.shape[0]
    kernel_size = weight.shape[2:]
    w = weight.astype(dtype, copy=False).reshape(groups, K // groups, -1)
    out_size = output_shape(xp.shape[2:], kernel_size, stride, dilation)
    out = np.empty((N, K) + out_size, dtype)
    chunk = images_per_chunk(w.shape[2] * groups * int(np.prod(out_size)) * xp.itemsize)
    for n0 in range(0, N, chunk):
        cols, _ = im2col(xp[n0:n0 + chunk], kernel_size, stride, dilation, groups)
        n = min(chunk, N - n0)
        product = np.matmul(w, cols)                # (groups, K/groups, n * prod(out))
        out[n0:n0 + n] = np.swapaxes(product.reshape((K, n) + out_size), 0, 1)
    return out


def _conv_flat(x, weight, pads, dilation, groups, dtype):
    """Stride 1: im2col_flat a few images at a time, each GEMM written into the output."""
    N, K = x.shape[0], weight.shape[0]
    kernel_size = weight.shape[2:]
    flat, padded = flat_padded(x.astype(dtype, copy=False), pads, kernel_size, dilation)
    out_size = output_shape(padded, kernel_size, (1,) * len(padded), dilation)
    w = weight.astype(dtype, copy=False).reshape(groups, K // groups, -1)
    L = out_size[0] * int(np.prod(padded[1:]))
    out = np.empty((N, groups, K // groups, L), dtype)
    chunk = images_per_chunk(w.shape[2] * groups * L * flat.itemsize)
    for n0 in range(0, N, chunk):
        n = min(chunk, N - n0)
        np.matmul(w, im2col_flat(flat, n0, n, padded, kernel_size, dilation, groups),
                  out=out[n0:n0 + n])
    out = out.reshape((N, K, out_size[0]) + padded[1:])
    return np.ascontiguousarray(out[(Ellipsis,) + tuple(slice(0, o) for o in out_size[1:])])


def _conv(x, weight, bias, stride, padding, dilation, groups, dims, method=None):
    """conv1d/2d/3d by im2col, or by im2col_flat at stride 1 when each group has one or two
    input channels (depthwise): there im2col's GEMMs are tiny and its gather slow, while
    for wider groups the two were even, either winning by up to about 20% (measured in
    chapter 9). method="im2col" or "flat" chooses."""
    x, weight, bias, stride, pads, dilation, unbatched = conv_arguments(
        x, weight, bias, stride, padding, dilation, groups, dims)
    dtype = result_dtype(x, weight, bias)
    if method is None:
        narrow = x.shape[1] // groups <= 2
        method = "flat" if narrow and all(s == 1 for s in stride) else "im2col"
    if method == "flat" and any(s != 1 for s in stride):
        raise ValueError(f"im2col_flat computes stride 1 only, got stride={stride}")
    if method == "flat":
        out = _conv_flat(x, weight, pads, dilation, groups, dtype)
    else:
        out = _conv_im2col(x, weight, stride, pads, dilation, groups, dtype)
    if bias is not None:
        out += bias.astype(dtype, copy=False).reshape((weight.shape[0],) + (1,) * dims)
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
    With stride 1, grad_x is the stride-1 correlation of grad_out, padded by (k - 1) d, with
    the flipped weight, and both use im2col_flat.
    """
    return _conv2d_backward(grad_out, x, weight, stride, padding, dilation, groups)


def _conv2d_backward(grad_out, x, weight, stride, padding, dilation, groups, method=None):
    x, weight, _, stride, pads, dilation, unbatched = conv_arguments(
        x, weight, None, stride, padding, dilation, groups, dims=2)
    grad_out = np.asarray(grad_out)
    if unbatched:
        grad_out = grad_out[None]
    dtype = result_dtype(x, weight, grad_out)
    kernel_size = weight.shape[2:]
    padded = tuple(n + a + b for n, (a, b) in zip(x.shape[2:], pads))
    out_size = output_shape(padded, kernel_size, stride, dilation)
    N, K = x.shape[0], weight.shape[0]
    if grad_out.shape != (N, K) + out_size:
        raise ValueError(f"grad_out must have the output shape {(N, K) + out_size} of "
                         f"conv2d(x {x.shape}, weight {weight.shape}), got {grad_out.shape}")
    grad_out = grad_out.astype(dtype, copy=False)
    if method is None:
        method = "flat" if stride == (1, 1) else "im2col"
    if method == "flat":
        grad_xp, grad_weight = _backward_flat(grad_out, x, weight, pads, dilation, groups, dtype)
    else:
        grad_xp, grad_weight = _backward_im2col(grad_out, x, weight, pads, stride, dilation,
                                                groups, dtype)
    (top, _), (left, _) = pads
    grad_x = grad_xp[:, :, top: top + x.shape[2], left: left + x.shape[3]]
    grad_bias = grad_out.sum(axis=(0, 2, 3))
    if unbatched:
        grad_x = grad_x[0]
    return np.ascontiguousarray(grad_x), grad_weight, grad_bias


def _backward_im2col(grad_out, x, weight, pads, stride, dilation, groups, dtype):
    """(gradient of the padded x, grad_weight) through im2col's columns and col2im."""
    xp = pad(x.astype(dtype, copy=False), pads)
    kernel_size = weight.shape[2:]
    N, K = grad_out.shape[:2]
    out_size = grad_out.shape[2:]
    cols, _ = im2col(xp, kernel_size, stride, dilation, groups)   # (G, C_g*kk, N*P)
    g_out = np.swapaxes(grad_out, 0, 1).reshape(groups, K // groups, -1)
    grad_weight = (g_out @ np.swapaxes(cols, 1, 2)).reshape(weight.shape)
    w = weight.astype(dtype, copy=False).reshape(groups, K // groups, -1)
    grad_cols = np.swapaxes(w, 1, 2) @ g_out                       # (G, C_g*kk, N*P)
    grad_cols = grad_cols.reshape((x.shape[1],) + kernel_size + (N,) + out_size)
    return col2im(grad_cols, xp.shape, kernel_size, stride, dilation, out_size), grad_weight


def _backward_flat(grad_out, x, weight, pads, dilation, groups, dtype):
    """Stride 1: (gradient of the padded x, grad_weight). grad_weight sums grad_out, laid on
    the padded width with zeros where im2col_flat's dropped columns are, times those
    columns; the padded x's gradient is the flat convolution of grad_out with the weight
    flipped and its two channel axes swapped, per group."""
    N, K, H_out, W_out = grad_out.shape
    _, C_g, kH, kW = weight.shape
    K_g = K // groups
    flat, padded = flat_padded(x.astype(dtype, copy=False), pads, (kH, kW), dilation)
    L = H_out * padded[1]
    g = np.zeros((N, groups, K_g, H_out, padded[1]), dtype)
    g[..., :W_out] = grad_out.reshape(N, groups, K_g, H_out, W_out)
    g = g.reshape(N, groups, K_g, L)
    grad_weight = np.zeros((groups, K_g, C_g * kH * kW), dtype)
    chunk = images_per_chunk(C_g * kH * kW * groups * L * flat.itemsize)
    for n0 in range(0, N, chunk):
        n = min(chunk, N - n0)
        cols = im2col_flat(flat, n0, n, padded, (kH, kW), dilation, groups)
        grad_weight += np.matmul(g[n0:n0 + n], np.swapaxes(cols, -1, -2)).sum(axis=0)
    w = weight.astype(dtype, copy=False).reshape(groups, K_g, C_g, kH, kW)
    flipped = np.swapaxes(w, 1, 2)[..., ::-1, ::-1].reshape(groups * C_g, K_g, kH, kW)
    full = [((k - 1) * d,) * 2 for k, d in zip((kH, kW), dilation)]
    grad_xp = _conv_flat(grad_out, flipped, full, dilation, groups, dtype)
    return grad_xp, grad_weight.reshape(weight.shape)

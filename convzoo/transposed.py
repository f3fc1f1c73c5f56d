"""conv_transpose2d as torch.nn.functional computes it, forward and backward.

Chapter: transposed convolution. Where conv2d gathers a window of the input into each output
pixel, the transposed convolution scatters each input pixel into a window of the output:

    out[n, g*K_g + k, i*s - p + u*d, j*s - p + v*d] += x[n, c, i, j] * w[c, k, u, v]

(g is the group of input channel c, K_g = C_out/groups; writes that land outside the output
are dropped), plus bias[k]. The output is (H-1)s - 2p + d(kH-1) + output_padding + 1 high:
padding crops p rows from the top and the bottom, output_padding adds rows at the bottom.
It is the gradient of conv2d with respect to its input, for the same weight, stride, padding,
dilation and groups. Three ways to compute it, the same numbers each time: the scatter above
(conv_transpose2d_loop), the same scatter as one matrix multiply and col2im
(conv_transpose2d), and the zero-insertion view (conv_transpose2d_zero_insertion): a
stride-1 conv2d of the input with stride - 1 zeros between its pixels, with the kernel turned
by 180 degrees and its channel axes swapped. overlap_map counts how many writes each output
pixel gets, the cause of checkerboard artifacts.
"""
import numpy as np

from .arithmetic import conv_output_size, conv_transpose_output_size
from .checks import (LAYOUTS, as_float_array, check_bias, check_groups, check_groups_divide,
                     check_ndim, ints_at_least, output_padding_tuple, result_dtype)
from .convolution import col2im, conv2d, im2col
from .windows import pad


def _arguments(x, weight, bias, stride, padding, output_padding, groups, dilation):
    """Check and normalise the arguments of conv_transpose2d, before any work.

    Returns x (batched), weight, bias, stride, padding, output_padding, dilation, the output
    size (H_out, W_out), and whether x came without a batch axis.
    """
    x = as_float_array("x", x)
    weight = as_float_array("weight", weight)
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    check_ndim("x", x, 4, LAYOUTS[2] + " or (C_in, H, W)")
    check_ndim("weight", weight, 4, "(C_in, C_out/groups, kH, kW)")
    check_groups_divide(groups, x.shape)
    if weight.shape[0] != x.shape[1]:
        raise ValueError(f"weight shape {weight.shape} (C_in, C_out/groups, kH, kW) expects "
                         f"{weight.shape[0]} input channels, but x shape {x.shape} has "
                         f"{x.shape[1]}")
    if min(weight.shape[1:]) < 1:
        raise ValueError(f"weight shape {weight.shape} has no output channels or an empty kernel")
    if min(x.shape[2:]) < 1:
        raise ValueError(f"x shape {x.shape} has an empty spatial size")
    bias = check_bias(bias, weight.shape[1] * groups, weight.shape)
    stride = ints_at_least("stride", stride, 2, 1)
    dilation = ints_at_least("dilation", dilation, 2, 1)
    padding = ints_at_least("padding", padding, 2, 0)
    output_padding = output_padding_tuple(output_padding, stride, dilation)
    try:
        out_size = tuple(conv_transpose_output_size(*dim) for dim in zip(
            x.shape[2:], weight.shape[2:], stride, padding, output_padding, dilation))
    except ValueError as error:     # only the output size can still be wrong here
        raise ValueError(f"{error}; x {x.shape}, weight {weight.shape}") from None
    return x, weight, bias, stride, padding, output_padding, dilation, out_size, unbatched


def conv_transpose2d_loop(x, weight, bias=None, stride=1, padding=0, output_padding=0,
                          groups=1, dilation=1):
    """conv_transpose2d written as its formula: x (N, C_in, H, W), weight (C_in, C_out/groups,
    kH, kW) -> (N, C_out, H_out, W_out).

    Each input pixel x[n,c,i,j] scatters x[n,c,i,j]*w[c,k,:,:] into the output at
    (i*s - p + u*d, j*s - p + v*d). Chapter: transposed convolution.
    """
    x, weight, bias, (sh, sw), (ph, pw), _, (dh, dw), (H_out, W_out), unbatched = _arguments(
        x, weight, bias, stride, padding, output_padding, groups, dilation)
    N, C_in, H, W = x.shape
    _, K_g, kH, kW = weight.shape
    C_g = C_in // groups
    # full is the output before p is cropped from each side: out[a, b] = full[a + p, b + p].
    full = np.zeros((N, K_g * groups, H_out + 2 * ph, W_out + 2 * pw),
                    result_dtype(x, weight, bias))
    for n in range(N):
        for c in range(C_in):
            g = c // C_g                          # the group this input channel feeds
            for k in range(K_g):
                for i in range(H):
                    for j in range(W):
                        # rows i*s + u*d and columns j*s + v*d of full, for every tap (u, v)
                        rows = slice(i * sh, i * sh + dh * (kH - 1) + 1, dh)
                        cols = slice(j * sw, j * sw + dw * (kW - 1) + 1, dw)
                        full[n, g * K_g + k, rows, cols] += x[n, c, i, j] * weight[c, k]
    out = full[:, :, ph: ph + H_out, pw: pw + W_out].copy()
    if bias is not None:
        out += bias[:, None, None]
    return out[0] if unbatched else out


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """As torch.nn.functional.conv_transpose2d: x (N, C_in, H, W), weight (C_in, C_out/groups,
    kH, kW) -> (N, C_out, H_out, W_out), H_out = (H-1)s - 2p + d(kH-1) + output_padding + 1.

    Replaces the loops over n, c, k, i, j of the loop version with one matrix multiply per
    group (every input pixel times every weight, as columns), then col2im adds the columns
    into the uncropped output one kernel tap at a time, and the padding is cropped.
    """
    x, weight, bias, stride, (ph, pw), _, dilation, (H_out, W_out), unbatched = _arguments(
        x, weight, bias, stride, padding, output_padding, groups, dilation)
    dtype = result_dtype(x, weight, bias)
    N, C_in, H, W = x.shape
    _, K_g, kH, kW = weight.shape
    C_g = C_in // groups
    xs = np.swapaxes(x.astype(dtype, copy=False), 0, 1).reshape(groups, C_g, N * H * W)
    w = weight.astype(dtype, copy=False).reshape(groups, C_g, K_g * kH * kW)
    # (G, K_g*kH*kW, N*H*W); with one channel per group it is an outer product, which
    # broadcasting does ~10x faster than numpy's matmul over an inner axis of length 1.
    cols = np.swapaxes(w, 1, 2) * xs if C_g == 1 else np.swapaxes(w, 1, 2) @ xs
    cols = cols.reshape((groups * K_g, kH, kW, N, H, W))  # the layout col2im reads
    full = col2im(cols, (N, groups * K_g, H_out + 2 * ph, W_out + 2 * pw), (kH, kW),
                  stride, dilation, (H, W))
    out = np.ascontiguousarray(full[:, :, ph: ph + H_out, pw: pw + W_out])
    if bias is not None:
        out += bias.astype(dtype, copy=False)[:, None, None]
    return out[0] if unbatched else out


def conv_transpose2d_backward(grad_out, x, weight, stride=1, padding=0, output_padding=0,
                              groups=1, dilation=1):
    """Gradients of conv_transpose2d: grad_out (N, C_out, H_out, W_out) -> (grad_x,
    grad_weight, grad_bias), shaped like x, weight and (C_out,).

    grad_x = conv2d(grad_out, weight) with the same stride, padding, dilation and groups,
    cropped to x's size; grad_weight = x @ im2col(padded grad_out)^T per group, conv2d's
    weight gradient with the roles of input and grad_out swapped. Chapter: transposed
    convolution.
    """
    x, weight, _, stride, (ph, pw), _, dilation, out_size, unbatched = _arguments(
        x, weight, None, stride, padding, output_padding, groups, dilation)
    grad_out = as_float_array("grad_out", grad_out)
    N, C_in, H, W = x.shape
    _, K_g, kH, kW = weight.shape
    expected = (N, K_g * groups) + out_size
    if grad_out.shape != (expected[1:] if unbatched else expected):
        raise ValueError(f"grad_out must have the output shape "
                         f"{expected[1:] if unbatched else expected} of conv_transpose2d("
                         f"x {x.shape[1:] if unbatched else x.shape}, weight {weight.shape}), "
                         f"got {grad_out.shape}")
    if unbatched:
        grad_out = grad_out[None]
    dtype = result_dtype(x, weight, grad_out)
    grad_out = grad_out.astype(dtype, copy=False)
    weight = weight.astype(dtype, copy=False)
    # When output_padding >= stride (allowed if it is < dilation) conv2d gives extra rows.
    grad_x = conv2d(grad_out, weight, None, stride, (ph, pw), dilation, groups)[:, :, :H, :W]
    # The rows and columns of the padded grad_out that x's pixels wrote to, as windows.
    (sh, sw), (dh, dw) = stride, dilation
    g_full = pad(grad_out, [(ph, ph), (pw, pw)])[
        :, :, :(H - 1) * sh + dh * (kH - 1) + 1, :(W - 1) * sw + dw * (kW - 1) + 1]
    cols, _ = im2col(g_full, (kH, kW), stride, dilation, groups)   # (G, K_g*kH*kW, N*H*W)
    xs = np.swapaxes(x.astype(dtype, copy=False), 0, 1).reshape(groups, C_in // groups, -1)
    grad_weight = (xs @ np.swapaxes(cols, 1, 2)).reshape(weight.shape)
    grad_bias = grad_out.sum(axis=(0, 2, 3))
    if unbatched:
        grad_x = grad_x[0]
    return np.ascontiguousarray(grad_x), grad_weight, grad_bias


# ----------------------------------------------------------------------------- sizes


def output_padding_for(n, k, stride=1, padding=0, dilation=1):
    """The output_padding with which a transposed convolution gives back the length n that
    a convolution (same k, stride, padding, dilation) turned into conv_output_size(n, ...):
    (n + 2p - d(k-1) - 1) mod s, the inputs the floor of the output size left over. The
    stride values of n that share one output length need one each. Chapter: transposed
    convolution."""
    conv_output_size(n, k, stride, padding, dilation)          # checks every argument
    return (n + 2 * padding - dilation * (k - 1) - 1) % stride


# ----------------------------------------------------------------------------- zero insertion


def insert_zeros(x, stride):
    """x (N, C, H, W) with stride - 1 zeros between neighbouring pixels:
    (N, C, (H-1)*sh + 1, (W-1)*sw + 1), out[..., i*sh, j*sw] = x[..., i, j] and zeros
    elsewhere. The "fractionally strided" input of the zero-insertion view. Chapter:
    transposed convolution."""
    x = as_float_array("x", x)
    check_ndim("x", x, 4, LAYOUTS[2])
    if min(x.shape[2:]) < 1:
        raise ValueError(f"x shape {x.shape} has an empty spatial size")
    sh, sw = ints_at_least("stride", stride, 2, 1)
    N, C, H, W = x.shape
    out = np.zeros((N, C, (H - 1) * sh + 1, (W - 1) * sw + 1), x.dtype)
    out[:, :, ::sh, ::sw] = x
    return out


def conv_weight_of_transpose(weight, groups=1):
    """The conv2d weight that the zero-insertion view correlates with: weight (C_in,
    C_out/groups, kH, kW) of a transposed convolution -> (C_out, C_in/groups, kH, kW), in
    each group the two channel axes swapped and every kernel turned by 180 degrees.
    Chapter: transposed convolution."""
    weight = as_float_array("weight", weight)
    check_ndim("weight", weight, 4, "(C_in, C_out/groups, kH, kW)")
    check_groups(groups)
    C_in, K_g, kH, kW = weight.shape
    if C_in % groups:
        raise ValueError(f"weight shape {weight.shape} has {C_in} input channels, "
                         f"not divisible by groups={groups}")
    w = np.swapaxes(weight.reshape(groups, C_in // groups, K_g, kH, kW), 1, 2)
    return w.reshape(groups * K_g, C_in // groups, kH, kW)[:, :, ::-1, ::-1].copy()


def _pad_or_crop(x, pairs):
    """x (N, C, H, W) with (before, after) rows/columns added as zeros where positive and
    cut off where negative, per spatial axis."""
    index = (slice(None), slice(None)) + tuple(
        slice(max(-a, 0), n - max(-b, 0)) for n, (a, b) in zip(x.shape[2:], pairs))
    return pad(x[index], [(max(a, 0), max(b, 0)) for a, b in pairs])


def conv_transpose2d_zero_insertion(x, weight, bias=None, stride=1, padding=0, output_padding=0,
                                    groups=1, dilation=1):
    """conv_transpose2d as an ordinary stride-1 conv2d: x (N, C_in, H, W), weight (C_in,
    C_out/groups, kH, kW) -> (N, C_out, H_out, W_out), the same numbers.

    Insert stride - 1 zeros between the input pixels, add d(k-1) - p zeros on each side
    (crop where that is negative) and output_padding more at the bottom and right, then
    correlate with conv_weight_of_transpose(weight): the kernel turned by 180 degrees, its
    channel axes swapped. It multiplies about stride^2 times as many numbers as the scatter,
    most of them the inserted zeros. Chapter: transposed convolution.
    """
    x, weight, bias, stride, (ph, pw), (oh, ow), (dh, dw), _, unbatched = _arguments(
        x, weight, bias, stride, padding, output_padding, groups, dilation)
    kH, kW = weight.shape[2:]
    border_h, border_w = dh * (kH - 1) - ph, dw * (kW - 1) - pw
    z = _pad_or_crop(insert_zeros(x, stride), [(border_h, border_h + oh),
                                               (border_w, border_w + ow)])
    out = conv2d(z, conv_weight_of_transpose(weight, groups), bias, stride=1,
                 dilation=(dh, dw), groups=groups)
    return out[0] if unbatched else out


# ----------------------------------------------------------------------------- overlap


def overlap_map(input_shape, kernel_size, stride=1, padding=0, dilation=1):
    """How many (input pixel, kernel tap) pairs write each output pixel of a transposed
    convolution: input_shape (H, W), kernel_size (kH, kW) -> int array (H_out, W_out). It is
    conv_transpose2d of an image of ones with a kernel of ones. Uneven counts are the
    pattern of checkerboard artifacts. Chapter: transposed convolution."""
    H, W = ints_at_least("input_shape", input_shape, 2, 1)
    kH, kW = ints_at_least("kernel_size", kernel_size, 2, 1)
    counts = conv_transpose2d(np.ones((1, 1, H, W)), np.ones((1, 1, kH, kW)), stride=stride,
                              padding=padding, dilation=dilation)[0, 0]
    return np.rint(counts).astype(np.int64)

"""Relatives of squeeze-and-excitation: ECA, CBAM's channel and spatial attention, SK.

Chapter 8 (squeeze-and-excitation) compares them with SE. Each computes a gate from the
input and multiplies (or, for SK, mixes) by it; they differ in what the gate depends on
and how many parameters make it:

    ECA (Wang et al., 2020)   out = x * sigmoid(conv1d over channels of mean_hw x)     per channel
    CBAM channel (Woo et al., 2018)
                              out = x * sigmoid(mlp(mean_hw x) + mlp(max_hw x))       per channel
    CBAM spatial              out = x * sigmoid(conv2d([mean_c x; max_c x]))          per pixel
    SK (Li et al., 2019)      out = sum_m softmax_m(A_m relu(W mean_hw sum_m U_m)) U_m
                                                                        per branch and channel

The convolutions inside are convzoo's conv1d and conv2d; the MLP is SE's.
"""
import math

import numpy as np

from .checks import (LAYOUTS, as_float_array, check_ndim, check_shape, is_int, matrix_weight,
                     result_dtype)
from .convolution import conv1d, conv2d
from .cost import conv2d_cost
from .excitation import _arguments, _fc_relu_fc, _sigmoid, squeeze_excitation_cost


def _images(x, name="x"):
    x = as_float_array(name, x)
    check_ndim(name, x, 4, LAYOUTS[2])
    if min(x.shape[1:]) < 1:
        raise ValueError(f"{name} must have at least one channel and pixel, got shape {x.shape}")
    return x


def _odd(name, weight, sizes):
    if any(k < 1 or k % 2 == 0 for k in sizes):
        raise ValueError(f"{name} must have an odd kernel size, so that padding (k - 1) // 2 "
                         f"keeps the size; got shape {weight.shape}")


# ----------------------------------------------------------------------------- ECA


def eca_kernel_size(channels, gamma=2, b=1):
    """ECA's kernel size for C channels: |log2(C) / gamma + b / gamma|, made odd, as the
    authors' code computes it (t = int(...), then t + 1 if t is even)."""
    if not is_int(channels) or channels < 1:
        raise ValueError(f"channels must be an int >= 1, got {channels!r}")
    t = int(abs((math.log2(channels) + b) / gamma))
    return t if t % 2 else t + 1


def _eca_arguments(x, weight):
    x = _images(x)
    w = as_float_array("weight", weight)
    if w.ndim == 3 and w.shape[:2] == (1, 1):              # nn.Conv1d(1, 1, k).weight
        w = w[0, 0]
    if w.ndim != 1:
        raise ValueError(f"weight must have shape (k,) or (1, 1, k), got {w.shape}")
    _odd("weight", w, w.shape)
    dtype = result_dtype(x, w)
    return x.astype(dtype, copy=False), w.astype(dtype, copy=False)


def efficient_channel_attention_loop(x, weight):
    """ECA written as its formula: z = mean_hw x, a[c] = sum_j w[j] z[c + j - p] (z zero
    outside 0..C-1, p = (k - 1) / 2), out = x * sigmoid(a).

    x (N, C, H, W), weight (k,) or (1, 1, k), k odd -> (N, C, H, W).
    """
    x, w = _eca_arguments(x, weight)
    N, C, H, W = x.shape
    k = w.shape[0]
    p = (k - 1) // 2
    out = np.zeros(x.shape, x.dtype)
    for n in range(N):
        z = [np.sum(x[n, c]) / (H * W) for c in range(C)]
        for c in range(C):
            a = sum(w[j] * z[c + j - p] for j in range(k) if 0 <= c + j - p < C)
            out[n, c] = _sigmoid(a) * x[n, c]
    return out


def efficient_channel_attention(x, weight):
    """ECA (Wang et al., 2020): x * sigmoid(conv1d(mean_hw x, weight)), the 1-D convolution
    running over the channel axis with zero padding (k - 1) / 2 and no bias.

    x (N, C, H, W), weight (k,) or nn.Conv1d(1, 1, k).weight (1, 1, k), k odd
    -> (N, C, H, W). Chapter: squeeze-and-excitation.
    """
    x, w = _eca_arguments(x, weight)
    z = x.mean(axis=(2, 3))[:, None, :]                      # (N, 1, C): channels as length
    a = conv1d(z, w[None, None], padding=(w.shape[0] - 1) // 2)[:, 0]
    return x * _sigmoid(a)[:, :, None, None]


def efficient_channel_attention_cost(channels, kernel_size):
    """(parameters, MACs) of ECA on C channels: a conv1d with one input and one output
    channel, kernel_size taps, over a length-C signal padded to keep C outputs."""
    return conv2d_cost(1, 1, (1, kernel_size), (1, channels),
                       padding=(0, (kernel_size - 1) // 2))


# ----------------------------------------------------------------------------- CBAM


def channel_attention_loop(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias):
    """CBAM's channel attention as its formula: the average and the maximum of every
    channel each go through the same fc-ReLU-fc, the two results are added, then the
    sigmoid. x (N, C, H, W), fc1_weight (S, C), fc1_bias (S,), fc2_weight (C, S),
    fc2_bias (C,) -> (N, C, H, W)."""
    x, w1, b1, w2, b2 = _arguments(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias)
    N, C = x.shape[:2]
    out = np.zeros(x.shape, x.dtype)
    for n in range(N):
        avg = np.array([x[n, c].mean() for c in range(C)])
        top = np.array([x[n, c].max() for c in range(C)])
        logits = np.zeros(C, x.dtype)
        for pooled in (avg, top):
            h = np.array([max(0.0, (b1[q] if b1 is not None else 0) + np.sum(w1[q] * pooled))
                          for q in range(w1.shape[0])])
            logits += [(b2[c] if b2 is not None else 0) + np.sum(w2[c] * h) for c in range(C)]
        for c in range(C):
            out[n, c] = _sigmoid(logits[c]) * x[n, c]
    return out


def channel_attention(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias):
    """CBAM's channel attention (Woo et al., 2018): x * sigmoid(mlp(mean_hw x) +
    mlp(max_hw x)), one MLP (SE's fc-ReLU-fc) shared by the two pooled vectors, so fc2's
    bias is counted twice in the logit, as in the authors' code.

    x (N, C, H, W), fc1_weight (S, C) or (S, C, 1, 1), fc1_bias (S,) or None,
    fc2_weight (C, S) or (C, S, 1, 1), fc2_bias (C,) or None -> (N, C, H, W).
    Chapter: squeeze-and-excitation.
    """
    x, w1, b1, w2, b2 = _arguments(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias)
    a = _fc_relu_fc(x.mean(axis=(2, 3)), w1, b1, w2, b2) + \
        _fc_relu_fc(x.max(axis=(2, 3)), w1, b1, w2, b2)
    return x * _sigmoid(a)[:, :, None, None]


def channel_attention_cost(input_channels, squeeze_channels, bias=True):
    """(parameters, MACs) of CBAM's channel attention on one image: SE's parameters, and
    twice SE's MACs (the shared MLP runs on the average and on the maximum)."""
    params, macs = squeeze_excitation_cost(input_channels, squeeze_channels, bias)
    return params, 2 * macs


def _spatial_arguments(x, weight, bias):
    x = _images(x)
    w = as_float_array("weight", weight)
    if w.ndim != 4 or w.shape[:2] != (1, 2):
        raise ValueError(f"weight must have shape (1, 2, kH, kW): one output map from the mean "
                         f"and the max over channels; got {w.shape}")
    _odd("weight", w, w.shape[2:])
    if bias is not None:
        bias = as_float_array("bias", bias)
        check_shape("bias", bias, (1,), f"to match weight {w.shape}")
    dtype = result_dtype(x, w, bias)
    return tuple(None if a is None else a.astype(dtype, copy=False) for a in (x, w, bias))


def spatial_attention_loop(x, weight, bias=None):
    """CBAM's spatial attention as its formula: m[0] = mean over channels, m[1] = max over
    channels, a[i, j] = b + sum_{t, u, v} m[t, i + u - p, j + v - q] w[0, t, u, v] (m zero
    outside the image), out = x * sigmoid(a). x (N, C, H, W), weight (1, 2, kH, kW) with
    odd kH, kW, bias (1,) or None -> (N, C, H, W)."""
    x, w, bias = _spatial_arguments(x, weight, bias)
    N, C, H, W = x.shape
    kH, kW = w.shape[2:]
    p, q = (kH - 1) // 2, (kW - 1) // 2
    out = np.zeros(x.shape, x.dtype)
    for n in range(N):
        m = np.stack([x[n].mean(axis=0), x[n].max(axis=0)])           # (2, H, W)
        for i in range(H):
            for j in range(W):
                a = bias[0] if bias is not None else 0.0
                for t in range(2):
                    for u in range(kH):
                        for v in range(kW):
                            if 0 <= i + u - p < H and 0 <= j + v - q < W:
                                a += m[t, i + u - p, j + v - q] * w[0, t, u, v]
                out[n, :, i, j] = _sigmoid(a) * x[n, :, i, j]
    return out


def spatial_attention(x, weight, bias=None):
    """CBAM's spatial attention (Woo et al., 2018): x * sigmoid(conv2d([mean_c x; max_c x],
    weight, bias, padding=(k - 1) / 2)), one gate per pixel shared by all channels.

    x (N, C, H, W), weight (1, 2, kH, kW) with odd kH, kW, bias (1,) or None
    -> (N, C, H, W). Input channel 0 of the conv is the mean over channels and 1 the max,
    the paper's order; the authors' code stacks the max first (pass weight[:, ::-1] to use
    its weights). Chapter: squeeze-and-excitation.
    """
    x, w, bias = _spatial_arguments(x, weight, bias)
    m = np.stack([x.mean(axis=1), x.max(axis=1)], axis=1)             # (N, 2, H, W)
    a = conv2d(m, w, bias, padding=((w.shape[2] - 1) // 2, (w.shape[3] - 1) // 2))
    return x * _sigmoid(a)                                            # (N, 1, H, W) broadcast


def spatial_attention_cost(input_size, kernel_size=7, bias=False):
    """(parameters, MACs) of CBAM's spatial attention on one image of input_size (H, W):
    a conv2d from 2 maps to 1, padded to keep the size (the authors' code adds a
    BatchNorm2d, two more parameters, after it)."""
    return conv2d_cost(2, 1, kernel_size, input_size, padding=(kernel_size - 1) // 2,
                       bias=bias)


# ----------------------------------------------------------------------------- SK


def _selective_arguments(branches, fc_weight, fc_bias, select_weight, select_bias):
    u = as_float_array("branches", branches)
    check_ndim("branches", u, 5, "(M, N, C, H, W): M branch outputs of one input")
    if min(u.shape) < 1:
        raise ValueError(f"branches must have at least one branch, image, channel and pixel, "
                         f"got shape {u.shape}")
    M, N, C = u.shape[:3]
    w = as_float_array("fc_weight", fc_weight)
    d = w.shape[0] if w.ndim in (2, 4) else 0
    if d < 1:
        raise ValueError(f"fc_weight must have shape (d, {C}) or (d, {C}, 1, 1) with d >= 1, "
                         f"to match branches {u.shape}; got {w.shape}")
    w = matrix_weight("fc_weight", w, (d, C), f"to match branches {u.shape}")
    a = as_float_array("select_weight", select_weight)
    check_shape("select_weight", a, (M, C, d),
                f"(one (C, d) matrix per branch) to match branches {u.shape} and fc_weight {w.shape}")
    biases = []
    for name, b, shape in (("fc_bias", fc_bias, (d,)), ("select_bias", select_bias, (M, C))):
        if b is not None:
            b = as_float_array(name, b)
            check_shape(name, b, shape, f"to match branches {u.shape} and fc_weight {w.shape}")
        biases.append(b)
    dtype = result_dtype(u, w, a, *biases)
    return tuple(None if t is None else t.astype(dtype, copy=False)
                 for t in (u, w, biases[0], a, biases[1]))


def selective_kernel_loop(branches, fc_weight, fc_bias, select_weight, select_bias=None):
    """SK's fuse and select as their formulas: U = sum_m U_m, s[c] = mean_hw U[c],
    z = relu(W s + b), logits[m, c] = A_m[c] . z (+ bias), a = softmax over m,
    out[c] = sum_m a[m, c] U_m[c]. branches (M, N, C, H, W), fc_weight (d, C), fc_bias (d,)
    or None, select_weight (M, C, d), select_bias (M, C) or None -> (N, C, H, W)."""
    u, w, b, a, ab = _selective_arguments(branches, fc_weight, fc_bias, select_weight,
                                          select_bias)
    M, N, C = u.shape[:3]
    out = np.zeros(u.shape[1:], u.dtype)
    for n in range(N):
        fused = sum(u[m, n] for m in range(M))                          # fuse: (C, H, W)
        s = np.array([fused[c].mean() for c in range(C)])
        z = np.array([max(0.0, np.sum(w[q] * s) + (b[q] if b is not None else 0))
                      for q in range(w.shape[0])])
        for c in range(C):                                               # select
            logits = np.array([np.sum(a[m, c] * z) + (ab[m, c] if ab is not None else 0)
                               for m in range(M)])
            weights = np.exp(logits - logits.max())
            weights /= weights.sum()
            out[n, c] = sum(weights[m] * u[m, n, c] for m in range(M))
    return out


def selective_kernel(branches, fc_weight, fc_bias, select_weight, select_bias=None):
    """Selective kernel (Li et al., 2019), its fuse and select steps: the M branches
    (convolutions of one input with different kernels) are added, squeezed, sent through
    one fc and ReLU to z (N, d), and each branch m gets per channel the softmax over m of
    A_m z: out = sum_m a_m * U_m. The paper's BatchNorm after the fc is an affine map at
    inference, folded into fc_weight and fc_bias.

    branches (M, N, C, H, W), fc_weight (d, C) or (d, C, 1, 1), fc_bias (d,) or None,
    select_weight (M, C, d), select_bias (M, C) or None -> (N, C, H, W).
    Chapter: squeeze-and-excitation.
    """
    u, w, b, a, ab = _selective_arguments(branches, fc_weight, fc_bias, select_weight,
                                          select_bias)
    s = u.sum(axis=0).mean(axis=(2, 3))                              # fuse, squeeze: (N, C)
    z = s @ w.T
    if b is not None:
        z += b
    z = np.maximum(z, 0)                                             # (N, d)
    logits = np.einsum("mcd,nd->mnc", a, z)                          # (M, N, C)
    if ab is not None:
        logits += ab[:, None, :]
    weights = np.exp(logits - logits.max(axis=0))
    weights /= weights.sum(axis=0)                                   # softmax over branches
    return np.einsum("mnc,mnchw->nchw", weights, u)


def selective_kernel_cost(channels, d, branches=2, fc_bias=True, select_bias=False):
    """(parameters, MACs) of SK's fuse and select on one image: the fc (C to d) and one
    (d to C) fc per branch, 1x1 convs on a 1x1 map. The branch convolutions themselves
    are not included (count them with convzoo.cost.conv2d_cost)."""
    p1, m1 = conv2d_cost(channels, d, 1, (1, 1), bias=fc_bias)
    p2, m2 = conv2d_cost(d, channels, 1, (1, 1), bias=select_bias)
    return p1 + branches * p2, m1 + branches * m2

"""Squeeze-and-excitation (Hu et al., 2018): each channel scaled by a gate computed from all.

Chapter: squeeze-and-excitation. With S squeeze channels:

    z[n, c]          = mean_{i, j} x[n, c, i, j]                          squeeze
    h[n, r]          = relu(b1[r] + sum_c w1[r, c] z[n, c])               (r < S)
    s[n, c]          = sigmoid(b2[c] + sum_r w2[c, r] h[n, r])            excitation
    out[n, c, i, j]  = s[n, c] * x[n, c, i, j]                            scale

as torchvision.ops.SqueezeExcitation(C, S) computes it; its fc1 and fc2 are 1x1 convs on
a 1x1 map, i.e. the matrix products above. The fc weights may be given as matrices
(S, C), (C, S) or as those 1x1-conv weights (S, C, 1, 1), (C, S, 1, 1), so a
torchvision state_dict can be passed as it is; biases may be None (no bias).
"""
import numpy as np

from .checks import (LAYOUTS, as_float_array, check_ndim, check_shape, matrix_weight,
                     result_dtype)


def _arguments(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias):
    x = as_float_array("x", x)
    check_ndim("x", x, 4, LAYOUTS[2])
    if min(x.shape[1:]) < 1:
        raise ValueError(f"x must have at least one channel and pixel, got shape {x.shape}")
    C = x.shape[1]
    w1 = as_float_array("fc1_weight", fc1_weight)
    S = w1.shape[0] if w1.ndim in (2, 4) else 0
    if S < 1:
        raise ValueError(f"fc1_weight must have shape (S, {C}) or (S, {C}, 1, 1) with S >= 1 "
                         f"squeeze channels, to match x {x.shape}; got {w1.shape}")
    w1 = matrix_weight("fc1_weight", w1, (S, C), f"to match x {x.shape}")
    w2 = matrix_weight("fc2_weight", fc2_weight, (C, S),
                       f"to match x {x.shape} and fc1_weight {w1.shape}")
    biases = []
    for name, b, n in (("fc1_bias", fc1_bias, S), ("fc2_bias", fc2_bias, C)):
        if b is not None:
            b = as_float_array(name, b)
            check_shape(name, b, (n,), f"to match fc1_weight {w1.shape} and x {x.shape}")
        biases.append(b)
    dtype = result_dtype(x, w1, w2, *biases)
    return tuple(None if a is None else a.astype(dtype, copy=False)
                 for a in (x, w1, biases[0], w2, biases[1]))


def _sigmoid(a):
    """1 / (1 + exp(-a)) without overflow warnings: exp(-log(1 + exp(-a)))."""
    return np.exp(-np.logaddexp(0, -a))


def squeeze_excitation_loop(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias):
    """Squeeze-and-excitation written as its four formulas, loop by loop.

    x (N, C, H, W), fc1_weight (S, C), fc1_bias (S,), fc2_weight (C, S), fc2_bias (C,)
    -> (N, C, H, W). Chapter: squeeze-and-excitation.
    """
    x, w1, b1, w2, b2 = _arguments(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias)
    N, C, H, W = x.shape
    S = w1.shape[0]
    out = np.zeros(x.shape, x.dtype)
    for n in range(N):
        z = np.zeros(C, x.dtype)
        for c in range(C):                                   # squeeze
            z[c] = np.sum(x[n, c]) / (H * W)
        h = np.zeros(S, x.dtype)
        for r in range(S):
            h[r] = max(0.0, (b1[r] if b1 is not None else 0) + np.sum(w1[r] * z))
        for c in range(C):                                   # excitation, then scale
            s = _sigmoid((b2[c] if b2 is not None else 0) + np.sum(w2[c] * h))
            out[n, c] = s * x[n, c]
    return out


def squeeze_excitation(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias):
    """As torchvision.ops.SqueezeExcitation(C, S) with fc1.weight = fc1_weight etc.:
    x * sigmoid(fc2(relu(fc1(mean_hw x)))), a gate per image and channel.

    x (N, C, H, W), fc1_weight (S, C) or (S, C, 1, 1), fc1_bias (S,) or None,
    fc2_weight (C, S) or (C, S, 1, 1), fc2_bias (C,) or None -> (N, C, H, W).
    Replaces the loops over n, c and r with a mean and two matrix products.
    Chapter: squeeze-and-excitation.
    """
    x, w1, b1, w2, b2 = _arguments(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias)
    z = x.mean(axis=(2, 3))                                  # (N, C)
    h = z @ w1.T
    if b1 is not None:
        h += b1
    h = np.maximum(h, 0)                                     # (N, S)
    a = h @ w2.T
    if b2 is not None:
        a += b2
    return x * _sigmoid(a)[:, :, None, None]

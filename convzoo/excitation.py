"""Squeeze-and-excitation (Hu et al., 2018): each channel scaled by a gate computed from all.

Chapter 8 (squeeze-and-excitation). With S squeeze channels (S = C / r for a reduction
ratio r):

    z[n, c]          = mean_{i, j} x[n, c, i, j]                          squeeze
    h[n, q]          = relu(b1[q] + sum_c w1[q, c] z[n, c])               (q < S)
    s[n, c]          = sigmoid(b2[c] + sum_q w2[c, q] h[n, q])            excitation
    out[n, c, i, j]  = s[n, c] * x[n, c, i, j]                            scale

as torchvision.ops.SqueezeExcitation(C, S) computes it; its fc1 and fc2 are 1x1 convs on
a 1x1 map, i.e. the matrix products above. The fc weights may be given as matrices
(S, C), (C, S) or as those 1x1-conv weights (S, C, 1, 1), (C, S, 1, 1), so a
torchvision state_dict can be passed as it is; biases may be None (no bias).
"""
import numpy as np

from .checks import (LAYOUTS, as_float_array, check_ndim, check_shape, matrix_weight,
                     result_dtype)
from .cost import conv2d_cost

SE_POSITIONS = ("standard", "pre", "post", "identity")


def _weights(what, C, fc1_weight, fc1_bias, fc2_weight, fc2_bias):
    """The fc weights as matrices (S, C), (C, S) and their biases, checked against C channels
    of the input described by `what` ("x (2, 8, 5, 5)")."""
    w1 = as_float_array("fc1_weight", fc1_weight)
    S = w1.shape[0] if w1.ndim in (2, 4) else 0
    if S < 1:
        raise ValueError(f"fc1_weight must have shape (S, {C}) or (S, {C}, 1, 1) with S >= 1 "
                         f"squeeze channels, to match {what}; got {w1.shape}")
    w1 = matrix_weight("fc1_weight", w1, (S, C), f"to match {what}")
    w2 = matrix_weight("fc2_weight", fc2_weight, (C, S),
                       f"to match {what} and fc1_weight {w1.shape}")
    biases = []
    for name, b, n in (("fc1_bias", fc1_bias, S), ("fc2_bias", fc2_bias, C)):
        if b is not None:
            b = as_float_array(name, b)
            check_shape(name, b, (n,), f"to match fc1_weight {w1.shape} and {what}")
        biases.append(b)
    return w1, biases[0], w2, biases[1]


def _arguments(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias, ndim=4):
    """x (4-D images, or 2-D squeezed vectors with ndim=2) and the weights, checked and in
    one dtype: float32 stays float32, anything else becomes float64."""
    x = as_float_array("z" if ndim == 2 else "x", x)
    check_ndim("z" if ndim == 2 else "x", x, ndim, "(N, C)" if ndim == 2 else LAYOUTS[2])
    if min(x.shape[1:]) < 1:
        raise ValueError(f"{'z' if ndim == 2 else 'x'} must have at least one channel"
                         f"{'' if ndim == 2 else ' and pixel'}, got shape {x.shape}")
    what = f"{'z' if ndim == 2 else 'x'} {x.shape}"
    w1, b1, w2, b2 = _weights(what, x.shape[1], fc1_weight, fc1_bias, fc2_weight, fc2_bias)
    dtype = result_dtype(x, w1, w2, b1, b2)
    return tuple(None if a is None else a.astype(dtype, copy=False)
                 for a in (x, w1, b1, w2, b2))


def _sigmoid(a):
    """1 / (1 + exp(-a)) without overflow warnings: exp(-log(1 + exp(-a)))."""
    return np.exp(-np.logaddexp(0, -a))


def _fc_relu_fc(z, w1, b1, w2, b2):
    """fc2(relu(fc1(z))) for z (N, C): the logits of the gates, (N, C). CBAM's channel
    attention (convzoo.attention) sums two of these before its sigmoid."""
    h = z @ w1.T
    if b1 is not None:
        h += b1
    h = np.maximum(h, 0)                                     # (N, S)
    a = h @ w2.T
    if b2 is not None:
        a += b2
    return a


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
        for q in range(S):
            h[q] = max(0.0, (b1[q] if b1 is not None else 0) + np.sum(w1[q] * z))
        for c in range(C):                                   # excitation, then scale
            s = _sigmoid((b2[c] if b2 is not None else 0) + np.sum(w2[c] * h))
            out[n, c] = s * x[n, c]
    return out


def excitation(z, fc1_weight, fc1_bias, fc2_weight, fc2_bias):
    """The gates of squeeze-and-excitation, sigmoid(fc2(relu(fc1(z)))), each in (0, 1).

    z (N, C) (the squeezed input, x.mean(axis=(2, 3))), fc1_weight (S, C) or (S, C, 1, 1),
    fc1_bias (S,) or None, fc2_weight (C, S) or (C, S, 1, 1), fc2_bias (C,) or None
    -> s (N, C). Chapter: squeeze-and-excitation.
    """
    z, w1, b1, w2, b2 = _arguments(z, fc1_weight, fc1_bias, fc2_weight, fc2_bias, ndim=2)
    return _sigmoid(_fc_relu_fc(z, w1, b1, w2, b2))


def squeeze_excitation(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias):
    """As torchvision.ops.SqueezeExcitation(C, S) with fc1.weight = fc1_weight etc.:
    x * sigmoid(fc2(relu(fc1(mean_hw x)))), a gate per image and channel.

    x (N, C, H, W), fc1_weight (S, C) or (S, C, 1, 1), fc1_bias (S,) or None,
    fc2_weight (C, S) or (C, S, 1, 1), fc2_bias (C,) or None -> (N, C, H, W).
    Replaces the loops over n, c and q with a mean and two matrix products.
    Chapter: squeeze-and-excitation.
    """
    x, w1, b1, w2, b2 = _arguments(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias)
    s = _sigmoid(_fc_relu_fc(x.mean(axis=(2, 3)), w1, b1, w2, b2))      # (N, C)
    return x * s[:, :, None, None]


def squeeze_excitation_cost(input_channels, squeeze_channels, bias=True):
    """(parameters, MACs) of torchvision.ops.SqueezeExcitation(input_channels,
    squeeze_channels) on one image: its two fcs, 1x1 convs on a 1x1 map, counted by
    convzoo.cost.conv2d_cost. params = 2 C S (+ S + C with bias), MACs = 2 C S. The squeeze
    (C H W additions) and the scale (C H W multiplications) are elementwise passes, not
    multiply-adds, and are not counted. Chapter: squeeze-and-excitation.
    """
    p1, m1 = conv2d_cost(input_channels, squeeze_channels, 1, (1, 1), bias=bias)
    p2, m2 = conv2d_cost(squeeze_channels, input_channels, 1, (1, 1), bias=bias)
    return p1 + p2, m1 + m2


def se_residual_block(x, residual, se, position="standard"):
    """A residual block relu(x + residual(x)) with a squeeze-and-excitation gate `se` where
    SENet's integration study (Hu et al., section 6.5, Fig. 5) puts it:

        "standard"  relu(x + se(residual(x)))      on the branch, before the add
        "pre"       relu(x + residual(se(x)))      on the branch, before its first layer
        "post"      se(relu(x + residual(x)))      after the add and the ReLU
        "identity"  relu(se(x) + residual(x))      on the identity path, beside the branch

    x (N, C, H, W); residual and se are functions (N, C, H, W) -> (N, C, H, W) (se, e.g.,
    lambda a: squeeze_excitation(a, w1, b1, w2, b2)). Chapter: squeeze-and-excitation.
    """
    if position not in SE_POSITIONS:
        raise ValueError(f"position must be one of {SE_POSITIONS}, got {position!r}")
    x = as_float_array("x", x)
    check_ndim("x", x, 4, LAYOUTS[2])
    if position == "standard":
        return np.maximum(x + se(residual(x)), 0)
    if position == "pre":
        return np.maximum(x + residual(se(x)), 0)
    if position == "post":
        return se(np.maximum(x + residual(x), 0))
    return np.maximum(se(x) + residual(x), 0)

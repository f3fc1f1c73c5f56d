"""Grouped convolution, and ShuffleNet's unit built from it.

Chapter 6 (grouped convolution and channel shuffle). conv2d(x, weight, groups=g) splits the
C input and the K output channels into g groups; output channel k reads only the C/g input
channels of its own group, number k // (K/g):

    out[n, k, i, j] = sum_{c < C/g} sum_{u, v} x[n, (k // (K/g)) C/g + c, i s + u, j s + v] w[k, c, u, v]

That is a dense convolution whose weight (K, C, kH, kW) is zero outside g diagonal blocks of
(K/g, C/g) channels (block_diagonal_weight), with 1/g of its parameters and multiply-adds.
Stacked, grouped convolutions never mix the groups (channel_dependency shows it, from
gradients); a channel_shuffle between them does. shufflenet_unit is ShuffleNet v1's block
(Zhang et al., 2018), made of conv2d, channel_shuffle and avg_pool2d.
"""
import numpy as np

from .checks import (LAYOUTS, as_float_array, check_groups, check_ndim, check_shape, is_int,
                     result_dtype)
from .convolution import conv2d, conv2d_backward
from .cost import conv2d_cost, conv2d_output_size
from .pooling import avg_pool2d
from .shuffle import channel_shuffle, channel_unshuffle


def block_diagonal_weight(weight, groups):
    """The dense weight of conv2d(., weight, groups=groups): weight (K, C/g, *k) -> (K, C, *k),
    zero but for g diagonal blocks of (K/g, C/g) channels. Block j holds the filters of
    output channels j K/g ... (j + 1) K/g - 1 on input channels j C/g ... (j + 1) C/g - 1.

    conv2d(x, block_diagonal_weight(w, g)) == conv2d(x, w, groups=g), with g times the
    multiply-adds (most of them by zero). Any conv weight (1-D, 2-D, 3-D); dtype kept.
    Chapter: grouped convolution.
    """
    weight = as_float_array("weight", weight)
    if weight.ndim < 3:
        raise ValueError(f"weight must be a conv weight (K, C/groups, k...), got shape "
                         f"{weight.shape}")
    check_groups(groups)
    K, C_g = weight.shape[:2]
    if K % groups:
        raise ValueError(f"weight shape {weight.shape} has {K} output channels, not "
                         f"divisible by groups={groups}")
    K_g = K // groups
    dense = np.zeros((K, groups * C_g) + weight.shape[2:], weight.dtype)
    for j in range(groups):
        rows, cols = slice(j * K_g, (j + 1) * K_g), slice(j * C_g, (j + 1) * C_g)
        dense[rows, cols] = weight[rows]
    return dense


# ----------------------------------------------------------------------------- stacks


def _stack_shapes(x_shape, weights, groups):
    """The input shape of every conv of a stack, then its output shape; checks on the way."""
    if not isinstance(x_shape, (tuple, list)) or len(x_shape) != 4 or \
            not all(is_int(v) and v >= 1 for v in x_shape):
        raise ValueError(f"x_shape must be a tuple of 4 ints >= 1 (N, C, H, W), got {x_shape!r}")
    if not isinstance(weights, (tuple, list)) or not weights:
        raise ValueError(f"weights must be a non-empty list of 4-D arrays, got {weights!r}")
    check_groups(groups)
    shapes = [tuple(int(v) for v in x_shape)]
    for l, w in enumerate(weights):
        w = as_float_array(f"weights[{l}]", w)
        check_ndim(f"weights[{l}]", w, 4, "(C_out, C_in/groups, kH, kW)")
        N, C, H, W = shapes[-1]
        K, C_g, kH, kW = w.shape
        if C_g * groups != C or K % groups or K < 1:
            raise ValueError(f"weights[{l}] shape {w.shape} does not fit groups={groups} on "
                             f"the {C} channels layer {l} gets (x_shape {tuple(x_shape)}): it "
                             f"must be (a multiple of {groups}, {C // groups}, kH, kW)")
        if kH > H or kW > W or min(kH, kW) < 1:
            raise ValueError(f"weights[{l}] shape {w.shape} does not fit in layer {l}'s "
                             f"input {shapes[-1]} (x_shape {tuple(x_shape)})")
        shapes.append((N, K, H - kH + 1, W - kW + 1))
    return shapes


def grouped_stack(x, weights, groups, shuffle=False):
    """x (N, C_0, H, W) through the grouped convs conv2d(h, weights[l], groups=groups), one
    after the other (stride 1, no padding, no bias), and channel_shuffle(h, groups) between
    two of them if shuffle: weights[l] (C_{l+1}, C_l / groups, kH, kW) -> (N, C_L, H', W').

    The linear part of a stack of ShuffleNet's pointwise group convs (weights 1x1), without
    its BatchNorms and ReLUs. Chapter: grouped convolution and channel shuffle.
    """
    x = as_float_array("x", x)
    check_ndim("x", x, 4, LAYOUTS[2])
    _stack_shapes(x.shape, weights, groups)
    h = x
    for l, w in enumerate(weights):
        if l and shuffle:
            h = channel_shuffle(h, groups)
        h = conv2d(h, w, groups=groups)
    return h


def grouped_stack_backward(grad_out, x_shape, weights, groups, shuffle=False):
    """dL/dx of grouped_stack(x, weights, groups, shuffle) for x of x_shape (N, C_0, H, W),
    given grad_out = dL/dy (N, C_L, H', W'): conv2d_backward through every conv, and
    channel_unshuffle through every shuffle (a permutation's transpose is its inverse).
    The stack is linear, so the gradient does not depend on x. -> (N, C_0, H, W)."""
    shapes = _stack_shapes(x_shape, weights, groups)
    grad = as_float_array("grad_out", grad_out)
    check_shape("grad_out", grad, shapes[-1], f"(the output of the stack on x_shape "
                                              f"{tuple(x_shape)})")
    for l in reversed(range(len(weights))):
        grad = conv2d_backward(grad, np.zeros(shapes[l]), weights[l], groups=groups)[0]
        if l and shuffle:
            grad = channel_unshuffle(grad, groups)
    return grad


def channel_dependency(x_shape, weights, groups, shuffle=False):
    """Which input channels each output channel of grouped_stack depends on, from gradients:
    D (C_L, C_0) with D[k, c] = sum over n, i, j of |dS_k / dx[n, c, i, j]|, where S_k is the
    sum of output channel k (grouped_stack_backward of a grad_out that is 1 on channel k).

    D[k, c] is exactly 0 where no chain of weights links input channel c to output channel
    k; with random weights it is positive everywhere else. Chapter: grouped convolution and
    channel shuffle.
    """
    shapes = _stack_shapes(x_shape, weights, groups)
    out_shape = shapes[-1]
    D = np.zeros((out_shape[1], shapes[0][1]))
    for k in range(out_shape[1]):
        grad = np.zeros(out_shape, result_dtype(*[np.asarray(w) for w in weights]))
        grad[:, k] = 1.0
        D[k] = np.abs(grouped_stack_backward(grad, x_shape, weights, groups, shuffle)
                      ).sum(axis=(0, 2, 3))
    return D


# ----------------------------------------------------------------------------- ShuffleNet


def _bias(name, b, n, why):
    if b is None:
        return None
    b = as_float_array(name, b)
    check_shape(name, b, (n,), why)
    return b


def _unit_arguments(x, conv1_weight, conv1_bias, depthwise_weight, depthwise_bias,
                    conv2_weight, conv2_bias, groups, stride, conv1_groups):
    x = as_float_array("x", x)
    check_ndim("x", x, 4, LAYOUTS[2])
    check_groups(groups)
    conv1_groups = groups if conv1_groups is None else conv1_groups
    check_groups(conv1_groups)
    if stride not in (1, 2) or not is_int(stride):
        raise ValueError(f"stride must be 1 or 2 (ShuffleNet's two units), got {stride!r}")
    C = x.shape[1]
    w1 = as_float_array("conv1_weight", conv1_weight)
    check_ndim("conv1_weight", w1, 4, "(M, C/conv1_groups, 1, 1)")
    M = w1.shape[0]
    if C % conv1_groups or w1.shape[1:] != (C // conv1_groups, 1, 1) or M < 1 or \
            M % conv1_groups or M % groups:
        raise ValueError(f"conv1_weight must have shape (M, {C}/{conv1_groups}, 1, 1), M a "
                         f"multiple of groups={groups} and conv1_groups={conv1_groups}, to "
                         f"match x {x.shape}, got {w1.shape}")
    dw = as_float_array("depthwise_weight", depthwise_weight)
    check_ndim("depthwise_weight", dw, 4, "(M, 1, k, k)")
    k = dw.shape[2]
    if dw.shape != (M, 1, k, k) or k % 2 == 0:
        raise ValueError(f"depthwise_weight must have shape ({M}, 1, k, k) with k odd: one "
                         f"square filter for each of the {M} channels of conv1_weight "
                         f"{w1.shape}, got {dw.shape}")
    w2 = as_float_array("conv2_weight", conv2_weight)
    check_ndim("conv2_weight", w2, 4, "(K', M/groups, 1, 1)")
    out = C if stride == 1 else None
    if w2.shape[1:] != (M // groups, 1, 1) or w2.shape[0] < 1 or w2.shape[0] % groups or \
            (out is not None and w2.shape[0] != out):
        need = f"({C}, " if stride == 1 else "(K' (a multiple of groups), "
        raise ValueError(f"conv2_weight must have shape {need}{M // groups}, 1, 1) for stride "
                         f"{stride}, groups={groups} and conv1_weight {w1.shape}, got "
                         f"{w2.shape}" + (": with stride 1 the unit adds x, so it gives back "
                                          f"x's {C} channels" if stride == 1 else ""))
    b1 = _bias("conv1_bias", conv1_bias, M, f"to match conv1_weight {w1.shape}")
    db = _bias("depthwise_bias", depthwise_bias, M, f"to match depthwise_weight {dw.shape}")
    b2 = _bias("conv2_bias", conv2_bias, w2.shape[0], f"to match conv2_weight {w2.shape}")
    parts = [x, w1, b1, dw, db, w2, b2]
    dtype = result_dtype(*parts)
    return [None if a is None else a.astype(dtype, copy=False) for a in parts], conv1_groups


def shufflenet_unit(x, conv1_weight, conv1_bias, depthwise_weight, depthwise_bias,
                    conv2_weight, conv2_bias, groups, stride=1, conv1_groups=None):
    """ShuffleNet v1's unit, each BatchNorm folded into the conv before it (eval mode):

        h = relu(conv2d(x, conv1_weight, conv1_bias, groups=conv1_groups))   1x1, C -> M
        h = channel_shuffle(h, groups)
        h = conv2d(h, depthwise_weight, depthwise_bias, stride, k // 2, groups=M)  no ReLU
        h = conv2d(h, conv2_weight, conv2_bias, groups=groups)               1x1, M -> K', linear
        stride 1:  out = relu(x + h)                                        (K' = C)
        stride 2:  out = relu(concat(avg_pool2d(x, 3, 2, 1), h))            (C + K' channels)

    x (N, C, H, W), conv1_weight (M, C/conv1_groups, 1, 1), depthwise_weight (M, 1, k, k) with
    k odd, conv2_weight (K', M/groups, 1, 1), biases (M,), (M,), (K',) or None -> (N, C, H, W)
    for stride 1, (N, C + K', ceil(H/2), ceil(W/2)) for stride 2. conv1_groups is groups
    unless given: the paper's first unit does not group its first conv (its input has only
    24 channels). Chapter: grouped convolution and channel shuffle.
    """
    (x, w1, b1, dw, db, w2, b2), conv1_groups = _unit_arguments(
        x, conv1_weight, conv1_bias, depthwise_weight, depthwise_bias, conv2_weight,
        conv2_bias, groups, stride, conv1_groups)
    h = np.maximum(conv2d(x, w1, b1, groups=conv1_groups), 0)         # pointwise group conv
    h = channel_shuffle(h, groups)                                     # mix the groups
    k = dw.shape[2]
    h = conv2d(h, dw, db, stride=stride, padding=k // 2, groups=h.shape[1])   # depthwise
    h = conv2d(h, w2, b2, groups=groups)                               # pointwise group conv
    if stride == 1:
        return np.maximum(x + h, 0)                                    # residual
    shortcut = avg_pool2d(x, 3, stride=2, padding=1)                   # the same size as h
    return np.maximum(np.concatenate([shortcut, h], axis=1), 0)


def shufflenet_unit_cost(in_channels, out_channels, groups, input_size, stride=1,
                         conv1_groups=None):
    """(parameters, MACs) of shufflenet_unit on one input of input_size (H, W), as the paper
    builds it: a bottleneck of M = out_channels / 4 channels, a 3x3 depthwise conv, and a
    second 1x1 conv to out_channels (stride 1) or out_channels - in_channels (stride 2, the
    concat adds the pooled input). BatchNorms folded (their biases not counted); the add,
    the pooling and the ReLUs are not multiply-adds. The paper's count, hw (2 C M / g + 9 M)
    for stride 1. Chapter: grouped convolution and channel shuffle.
    """
    for name, v in (("in_channels", in_channels), ("out_channels", out_channels)):
        if not is_int(v) or v < 1:
            raise ValueError(f"{name} must be an int >= 1, got {v!r}")
    if stride not in (1, 2) or not is_int(stride):
        raise ValueError(f"stride must be 1 or 2 (ShuffleNet's two units), got {stride!r}")
    if out_channels % 4 or (stride == 1 and out_channels != in_channels) or \
            (stride == 2 and out_channels <= in_channels):
        raise ValueError(f"out_channels must be a multiple of 4, equal to in_channels for "
                         f"stride 1 and larger for stride 2, got in_channels={in_channels}, "
                         f"out_channels={out_channels}, stride={stride}")
    M = out_channels // 4
    K = out_channels - (in_channels if stride == 2 else 0)
    p1, m1 = conv2d_cost(in_channels, M, 1, input_size,
                         groups=groups if conv1_groups is None else conv1_groups)
    p2, m2 = conv2d_cost(M, M, 3, input_size, stride, 1, groups=M)
    p3, m3 = conv2d_cost(M, K, 1, conv2d_output_size(input_size, 3, stride, 1), groups=groups)
    return p1 + p2 + p3, m1 + m2 + m3


SHUFFLENET_V1_CHANNELS = {1: (144, 288, 576), 2: (200, 400, 800), 3: (240, 480, 960),
                          4: (272, 544, 1088), 8: (384, 768, 1536)}
"""The output channels of ShuffleNet v1's stages 2, 3, 4 for each group count (the paper's
Table 1, width 1x); stage 1 is a 3x3 conv to 24 channels, stride 2, then a 3x3 max pool."""


def shufflenet_v1_cost(groups, width=1.0, input_size=224, classes=1000):
    """(parameters, MACs) of ShuffleNet v1 (Zhang et al., 2018) on one input_size x
    input_size image: a 3x3 conv, stride 2, to 24 width channels, a max pool, stride 2;
    stages of 4, 8, 4 units of SHUFFLENET_V1_CHANNELS[groups] times width channels (the
    first of each with stride 2; the first of stage 2 with an ungrouped first conv); a
    global average pool and a fully connected layer to classes. Convs and the fc, no bias,
    BatchNorms not counted. Chapter: grouped convolution and channel shuffle."""
    if groups not in SHUFFLENET_V1_CHANNELS or not is_int(groups):
        raise ValueError(f"groups must be one of the paper's {sorted(SHUFFLENET_V1_CHANNELS)}, "
                         f"got {groups!r}")
    if not isinstance(width, (int, float)) or isinstance(width, bool) or not width > 0:
        raise ValueError(f"width must be a number > 0, got {width!r}")
    stem = int(24 * width)
    stages = [int(c * width) for c in SHUFFLENET_V1_CHANNELS[groups]]
    params, macs = conv2d_cost(3, stem, 3, (input_size, input_size), 2, 1)
    size = conv2d_output_size(conv2d_output_size((input_size, input_size), 3, 2, 1), 3, 2, 1)
    C = stem
    for stage, (K, repeats) in enumerate(zip(stages, (4, 8, 4))):
        for i in range(repeats):
            stride = 2 if i == 0 else 1
            p, m = shufflenet_unit_cost(C, K, groups, size, stride,
                                        conv1_groups=1 if stage == 0 and i == 0 else None)
            params, macs, C = params + p, macs + m, K
            size = conv2d_output_size(size, 3, stride, 1)
    return params + C * classes, macs + C * classes

"""Dilated (atrous) convolution: the kernel with holes, what a stack of dilated layers reads,
and the causal 1-D convolution of WaveNet.

Chapter 4 (dilated convolution) derives these. conv1d, conv2d and conv3d already take
``dilation`` (convolution.py: the window reads every d-th pixel); this module adds the views
and the bookkeeping of the chapter:

- ``dilate_kernel`` puts d - 1 zeros between neighbouring taps, ``effective_kernel_size`` is
  the span k + (k - 1)(d - 1) that gives; an ordinary convolution with the zero-inserted
  kernel is the dilated convolution, and so is ``dilated_conv2d_by_phases``: d x d ordinary
  convolutions of the input's subsampled phases;
- ``coverage`` and ``coverage_map`` count the paths from each input pixel up to one output
  unit of a stack (zero where the unit never reads: gridding); ``covers_without_holes`` is
  the rule that says when no pixel is missed; ``stack_input_gradient`` backpropagates one
  output unit to the input, whose support is what the unit reads (chapter 2's method);
- ``causal_conv1d`` pads on the left only, so output t reads no input after t.
"""
import numpy as np

from .arithmetic import conv_output_size, equivalent_kernel, receptive_field
from .checks import (as_float_array, check_ndim, conv_arguments, int_tuple, ints_at_least,
                     is_int, result_dtype)
from .convolution import conv1d, conv2d, conv2d_backward
from .windows import pad

# ----------------------------------------------------------------------------- the kernel


def effective_kernel_size(kernel_size, dilation=1):
    """k + (k - 1)(d - 1) = d (k - 1) + 1: how many input pixels a kernel of k taps spans
    with dilation d. Ints, or tuples of ints (one per dim) -> a tuple."""
    if is_int(kernel_size) and is_int(dilation):
        (k,), (d,) = ints_at_least("kernel_size", kernel_size, 1, 1), \
            ints_at_least("dilation", dilation, 1, 1)
        return k + (k - 1) * (d - 1)
    n = len(kernel_size) if isinstance(kernel_size, (tuple, list)) else len(dilation)
    ks = ints_at_least("kernel_size", kernel_size, n, 1)
    ds = ints_at_least("dilation", dilation, n, 1)
    return tuple(k + (k - 1) * (d - 1) for k, d in zip(ks, ds))


def dilate_kernel(weight, dilation=1):
    """The zero-inserted kernel: weight (C_out, C_in/groups, k_1, ..., k_m), m = 1, 2 or 3,
    -> (C_out, C_in/groups, k_1 + (k_1 - 1)(d_1 - 1), ...), weight's taps d apart and zeros
    between them, so that conv(x, dilate_kernel(w, d)) == conv(x, w, dilation=d)."""
    weight = as_float_array("weight", weight)
    if weight.ndim not in (3, 4, 5):
        raise ValueError(f"weight must be 3-D, 4-D or 5-D (C_out, C_in/groups, k...), "
                         f"got shape {weight.shape}")
    if min(weight.shape[2:]) < 1:
        raise ValueError(f"weight shape {weight.shape} has an empty kernel")
    dims = weight.ndim - 2
    steps = ints_at_least("dilation", dilation, dims, 1)
    dilated = np.zeros(weight.shape[:2] + effective_kernel_size(weight.shape[2:], steps),
                       weight.dtype)
    dilated[(Ellipsis,) + tuple(slice(None, None, d) for d in steps)] = weight   # taps d apart
    return dilated


def dilated_conv2d_by_phases(x, weight, bias=None, padding=0, dilation=1, groups=1):
    """conv2d(x, weight, bias, 1, padding, dilation, groups) as dH x dW ordinary (undilated)
    convolutions, one per phase (a, b) of the padded input: the outputs y[..., a::dH, b::dW]
    read only the pixels xp[..., a::dH, b::dW], and read them as an ordinary kernel would.
    x (N, C, H, W), weight (K, C/groups, kH, kW) -> (N, K, H_out, W_out). Stride 1 only."""
    x, weight, bias, _, pads, (dh, dw), unbatched = conv_arguments(
        x, weight, bias, 1, padding, dilation, groups, dims=2)
    dtype = result_dtype(x, weight, bias)
    xp = pad(x.astype(dtype, copy=False), pads)
    kH, kW = weight.shape[2:]
    H_out, W_out = xp.shape[2] - dh * (kH - 1), xp.shape[3] - dw * (kW - 1)
    out = np.empty((x.shape[0], weight.shape[0], H_out, W_out), dtype)
    for a in range(min(dh, H_out)):                  # a phase with no output row is skipped
        for b in range(min(dw, W_out)):
            out[:, :, a::dh, b::dw] = conv2d(xp[:, :, a::dh, b::dw], weight, bias, groups=groups)
    return out[0] if unbatched else out


# ----------------------------------------------------------------------------- what a stack reads


def coverage(layers):
    """How many paths lead from each input pixel of the receptive field up to one output unit
    of a stack: an int array (receptive_field(layers),), zero where the unit never reads.

    layers = [(kernel, stride, dilation), ...], first layer first, as receptive_field takes
    them. The counts are the gradient of the unit with respect to the input when every
    weight is 1: the equivalent kernel (chapter 2's equivalent_kernel) of a stack of kernels
    of ones.
    """
    receptive_field(layers)                         # checks the layers
    k, s, d = zip(*(tuple(layer[:3]) for layer in layers))
    ones = [np.ones((1, n)) for n in k]
    return np.rint(equivalent_kernel(ones, s, d)[0]).astype(np.int64)


def coverage_map(layers):
    """coverage in 2-D, for square kernels with the same layers along both axes: an int array
    (R, R), R = receptive_field(layers), the outer product of the 1-D counts (a path is a
    choice of tap row and tap column in every layer)."""
    counts = coverage(layers)
    return np.outer(counts, counts)


def covers_without_holes(kernel_size, dilations):
    """Whether a stack of stride-1 layers of kernel_size taps each, with these dilations (any
    order), reads every pixel of its receptive field. With the rates sorted, r_1 <= r_2 <= ...:
    r_1 = 1 and r_j <= 1 + (k - 1)(r_1 + ... + r_{j-1}) for every j (chapter 4 proves it)."""
    (k,) = ints_at_least("kernel_size", kernel_size, 1, 1)
    if not isinstance(dilations, (tuple, list)) or not dilations:
        raise ValueError(f"dilations must be a non-empty list of ints, got {dilations!r}")
    rates = ints_at_least("dilations", tuple(dilations), len(dilations), 1)
    if k == 1:
        return True                                 # 1 x 1 kernels read one pixel, no hole
    reach = 0                                       # the layers so far read 0 .. reach
    for r in sorted(rates):
        if r > reach + 1:                           # pixel reach + 1 is never read
            return False
        reach += (k - 1) * r
    return True


def _per_layer(name, value, n):
    """An int (every layer) or a sequence of n ints >= 1, as a list of n ints."""
    if is_int(value):
        value = [value] * n
    if not isinstance(value, (tuple, list)) or len(value) != n or not all(map(is_int, value)):
        raise ValueError(f"{name} must be an int or a list of {n} ints (one per layer), "
                         f"got {value!r}")
    return [ints_at_least(f"{name}[{i}]", v, 1, 1)[0] for i, v in enumerate(value)]


def stack_input_gradient(x_shape, weights, stride=1, dilation=1, position=None):
    """d y[0, 0, i, j] / d x for the linear stack y = conv2d(... conv2d(x, weights[0],
    stride=s_0, dilation=d_0) ..., weights[-1], stride=s_L, dilation=d_L) (no padding, no
    bias): backpropagation of one output unit through each layer with conv2d_backward.

    x_shape (N, C, H, W); weights[l] (C_{l+1}, C_l, kH, kW); stride, dilation: an int, or one
    per layer; position (i, j) in the output, its centre by default. Returns an array of
    x_shape, zero outside the pixels the unit reads (chapter 2's method: the support of the
    gradient is the receptive field) and wherever no path of nonzero weights reaches.
    """
    if not isinstance(weights, (tuple, list)) or not weights:
        raise ValueError(f"weights must be a non-empty list of 4-D arrays, got {weights!r}")
    weights = [as_float_array(f"weights[{i}]", w) for i, w in enumerate(weights)]
    for i, w in enumerate(weights):
        check_ndim(f"weights[{i}]", w, 4, "(C_out, C_in, kH, kW)")
    if not isinstance(x_shape, (tuple, list)) or len(x_shape) != 4:
        raise ValueError(f"x_shape must be a tuple of 4 ints (N, C, H, W), got {x_shape!r}")
    shape = ints_at_least("x_shape", tuple(x_shape), 4, 1)
    strides = _per_layer("stride", stride, len(weights))
    dilations = _per_layer("dilation", dilation, len(weights))
    shapes = [shape]                                # the input of every layer, then the output
    for i, (w, s, d) in enumerate(zip(weights, strides, dilations)):
        N, C, H, W = shapes[-1]
        if w.shape[1] != C:
            raise ValueError(f"weights[{i}] shape {w.shape} expects {w.shape[1]} input "
                             f"channels, but layer {i} gets {C} channels (x_shape {shape})")
        if min(H - d * (w.shape[2] - 1), W - d * (w.shape[3] - 1)) < 1:
            raise ValueError(f"weights[{i}] {w.shape} with dilation {d} does not fit in its "
                             f"input {shapes[-1]} (x_shape {shape})")
        shapes.append((N, w.shape[0], conv_output_size(H, w.shape[2], s, 0, d),
                       conv_output_size(W, w.shape[3], s, 0, d)))
    out_h, out_w = shapes[-1][2:]
    i, j = int_tuple("position", position, 2) if position is not None else (out_h // 2,
                                                                            out_w // 2)
    if not (0 <= i < out_h and 0 <= j < out_w):
        raise ValueError(f"position must lie in the output {(out_h, out_w)}, got {(i, j)}")
    grad = np.zeros(shapes[-1], result_dtype(*weights))
    grad[0, 0, i, j] = 1.0
    for w, s, d, below in reversed(list(zip(weights, strides, dilations, shapes))):
        grad = conv2d_backward(grad, np.zeros(below, grad.dtype), w, stride=s, dilation=d)[0]
    return grad


# ----------------------------------------------------------------------------- causal


def _causal_arguments(x, weight, bias, stride, dilation, groups):
    """Check the arguments of causal_conv1d; return x padded by (k - 1) d zeros on the left,
    and the rest as conv_arguments gives them."""
    weight = as_float_array("weight", weight)
    check_ndim("weight", weight, 3, "(C_out, C_in/groups, k)")
    (d,) = ints_at_least("dilation", dilation, 1, 1)
    left = d * (weight.shape[2] - 1)
    # padding=left on both sides passes conv_arguments' fit check; only the left pad is used
    x, weight, bias, (s,), _, _, unbatched = conv_arguments(
        x, weight, bias, stride, left, d, groups, dims=1)
    return pad(x, [(left, 0)]), weight, bias, s, d, unbatched


def causal_conv1d_loop(x, weight, bias=None, stride=1, dilation=1, groups=1):
    """The causal convolution written as its formula: x (N, C, T), weight (K, C/groups, k),
    y[n, o, t] = b[o] + sum_c sum_u w[o, c, u] x[n, c, t s - (k - 1 - u) d], with x zero
    before time 0 -> (N, K, (T - 1) // s + 1). Tap k - 1 reads time t s itself."""
    x = as_float_array("x", x)
    _, weight, bias, s, d, unbatched = _causal_arguments(x, weight, bias, stride, dilation,
                                                         groups)
    x = x[None] if unbatched else x
    dtype = result_dtype(x, weight, bias)
    N, T = x.shape[0], x.shape[2]
    K, C_g, k = weight.shape
    K_g = K // groups
    out = np.zeros((N, K, (T - 1) // s + 1), dtype)
    for n in range(N):
        for o in range(K):
            channels = slice(o // K_g * C_g, (o // K_g + 1) * C_g)
            for t in range(out.shape[2]):
                for u in range(k):
                    when = t * s - (k - 1 - u) * d     # never after t s
                    if when >= 0:                     # before time 0, x is zero
                        out[n, o, t] += weight[o, :, u] @ x[n, channels, when]
            if bias is not None:
                out[n, o] += bias[o]
    return out[0] if unbatched else out


def causal_conv1d(x, weight, bias=None, stride=1, dilation=1, groups=1):
    """conv1d with (k - 1) d zeros on the left and none on the right: output t reads inputs
    t s - (k - 1) d .. t s, never a later one. x (N, C, T), weight (K, C/groups, k)
    -> (N, K, (T - 1) // s + 1). The arguments of conv1d, without padding."""
    xp, weight, bias, s, d, unbatched = _causal_arguments(x, weight, bias, stride, dilation,
                                                          groups)
    out = conv1d(xp, weight, bias, stride=s, dilation=d, groups=groups)
    return out[0] if unbatched else out


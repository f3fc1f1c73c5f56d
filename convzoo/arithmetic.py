"""Convolution arithmetic: output sizes and receptive fields, as in Dumoulin & Visin.

Chapter 2 (stride and padding) derives these; every operator's output shape agrees with them.
Also the output size of pooling (torch's ceil_mode), TensorFlow's "SAME" padding, and the
one kernel a stack of convolutions amounts to (its size is the receptive field).
"""
import numpy as np

from .checks import as_float_array, at_least, check_ndim, is_int
from .correlation import convolve2d
from .windows import window_slices


def _ints(**values):
    for name, v in values.items():
        if not is_int(v):
            raise ValueError(f"{name} must be an int, got {v!r}")


def conv_output_size(n, k, stride=1, padding=0, dilation=1):
    """floor((n + 2p - d(k-1) - 1) / s) + 1, the output length of a convolution.

    padding may also be "same" (output n, stride 1 only) or "valid" (no padding).
    """
    if padding == "valid":
        padding = 0
    if padding == "same":
        _ints(n=n, k=k, stride=stride, dilation=dilation)
        at_least("n", (n,), 1), at_least("k", (k,), 1), at_least("dilation", (dilation,), 1)
        if stride != 1:
            raise ValueError(f'padding="same" needs stride 1, got stride {stride}')
        return n
    _ints(n=n, k=k, stride=stride, padding=padding, dilation=dilation)
    at_least("n", (n,), 1), at_least("k", (k,), 1), at_least("padding", (padding,), 0)
    at_least("stride", (stride,), 1), at_least("dilation", (dilation,), 1)
    span = dilation * (k - 1) + 1
    if n + 2 * padding < span:
        raise ValueError(f"kernel {k} with dilation {dilation} spans {span}, more than the "
                         f"padded input {n} + 2*{padding}")
    return (n + 2 * padding - span) // stride + 1


def conv_transpose_output_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
    """(n-1)s - 2p + d(k-1) + output_padding + 1, the output length of a transposed conv."""
    _ints(n=n, k=k, stride=stride, padding=padding, output_padding=output_padding,
          dilation=dilation)
    at_least("n", (n,), 1), at_least("k", (k,), 1), at_least("padding", (padding,), 0)
    at_least("stride", (stride,), 1), at_least("dilation", (dilation,), 1)
    at_least("output_padding", (output_padding,), 0)
    if output_padding >= stride and output_padding >= dilation:
        raise ValueError(f"output_padding must be smaller than stride or dilation, got "
                         f"output_padding={output_padding}, stride={stride}, dilation={dilation}")
    size = (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
    if size < 1:
        raise ValueError(f"padding {padding} removes the whole output of length "
                         f"{size + 2 * padding} (n={n}, k={k}, stride={stride})")
    return size


def _layers(layers):
    out = []
    for i, layer in enumerate(layers):
        if not isinstance(layer, (tuple, list)) or len(layer) not in (3, 4):
            raise ValueError(f"layers[{i}] must be (kernel, stride, dilation) or "
                             f"(kernel, stride, dilation, padding), got {layer!r}")
        k, s, d, p = tuple(layer) + (0,) * (4 - len(layer))
        _ints(kernel=k, stride=s, dilation=d, padding=p)
        at_least(f"layers[{i}] kernel", (k,), 1), at_least(f"layers[{i}] stride", (s,), 1)
        at_least(f"layers[{i}] dilation", (d,), 1), at_least(f"layers[{i}] padding", (p,), 0)
        out.append((k, s, d, p))
    return out


def receptive_field(layers):
    """Receptive field (in input pixels) of one output unit of a stack of convolutions.

    layers = [(kernel, stride, dilation), ...], first layer first. Each layer widens the
    field by d(k-1) steps of the current jump (the product of the strides below it):
    r = 1 + sum_l d_l (k_l - 1) prod_{m<l} s_m.
    """
    r, jump = 1, 1
    for k, s, d, _ in _layers(layers):
        r += d * (k - 1) * jump
        jump *= s
    return r


def jump_and_start(layers):
    """(jump, start) of a stack: neighbouring output units are jump input pixels apart,
    and output unit 0 sees input pixels start .. start + receptive_field - 1.

    layers = [(kernel, stride, dilation), ...] or [(kernel, stride, dilation, padding), ...];
    start is negative when padding reaches outside the input.
    """
    jump, start = 1, 0
    for k, s, d, p in _layers(layers):
        start -= p * jump
        jump *= s
    return jump, start


def pool_output_size(n, k, stride=None, padding=0, dilation=1, ceil_mode=False):
    """The output length of max_pool2d / avg_pool2d along one axis, as torch computes it.

    stride None means k (torch's default). Floor mode is conv_output_size. ceil_mode rounds
    the division up instead, so a last window may hang over the end, except one that would
    start in the right padding: floor((n + 2p - d(k-1) - 1 + s - 1) / s) + 1, minus one if
    that last window starts at or after n + p. torch also needs padding <= k / 2.
    """
    stride = k if stride is None else stride
    _ints(n=n, k=k, stride=stride, padding=padding, dilation=dilation)
    at_least("n", (n,), 1), at_least("k", (k,), 1), at_least("padding", (padding,), 0)
    at_least("stride", (stride,), 1), at_least("dilation", (dilation,), 1)
    if 2 * padding > k:
        raise ValueError(f"padding must be at most half the kernel (torch's rule for pooling), "
                         f"got padding={padding}, k={k}")
    if not ceil_mode:
        return conv_output_size(n, k, stride, padding, dilation)
    size = (n + 2 * padding - dilation * (k - 1) - 1 + stride - 1) // stride + 1
    if (size - 1) * stride >= n + padding:              # the last window starts in the padding
        size -= 1
    if size < 1:
        raise ValueError(f"kernel {k} with dilation {dilation} spans {dilation * (k - 1) + 1}, "
                         f"more than the padded input {n} + 2*{padding}")
    return size


def tf_same_padding(n, k, stride=1, dilation=1):
    """(before, after): the zeros TensorFlow's padding="SAME" adds along an axis of length n.

    The output has ceil(n / s) positions; the total padding is what the last window needs,
    max((ceil(n / s) - 1) s + d(k - 1) + 1 - n, 0), and the odd one goes after (right,
    bottom), as in torch's padding="same", which only exists for stride 1 (checks.same_padding).
    """
    _ints(n=n, k=k, stride=stride, dilation=dilation)
    at_least("n", (n,), 1), at_least("k", (k,), 1)
    at_least("stride", (stride,), 1), at_least("dilation", (dilation,), 1)
    out = -(-n // stride)
    total = max((out - 1) * stride + dilation * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def equivalent_kernel(kernels, strides=None, dilations=None):
    """The one kernel that a stack of single-channel correlations (no padding, no
    nonlinearity) amounts to: kernels [k_1 (kH, kW), k_2, ...], first layer first, with
    int strides and dilations (default 1) -> K (R_H, R_W), R the receptive field, such that
    the stack applied to x equals conv2d(x, K, stride=prod(strides)).

    Layer l reads its input every d_l pixels, and its input's pixels are jump_l = s_1 ...
    s_{l-1} input pixels apart, so its taps sit d_l jump_l pixels apart: K is the full
    convolution of the kernels spread out that way, K = k_1 * spread(k_2) * spread(k_3) ...
    """
    if not isinstance(kernels, (list, tuple)) or not kernels:
        raise ValueError(f"kernels must be a non-empty list of 2-D arrays, got {kernels!r}")
    strides = [1] * len(kernels) if strides is None else list(strides)
    dilations = [1] * len(kernels) if dilations is None else list(dilations)
    if len(strides) != len(kernels) or len(dilations) != len(kernels):
        raise ValueError(f"strides {strides} and dilations {dilations} need one entry per "
                         f"kernel ({len(kernels)} kernels)")
    total, jump = np.ones((1, 1)), 1                # convolve2d: chapter 1's full convolution
    for i, (k, s, d) in enumerate(zip(kernels, strides, dilations)):
        k = as_float_array(f"kernels[{i}]", k)
        check_ndim(f"kernels[{i}]", k, 2, "(kH, kW)")
        _ints(stride=s, dilation=d)
        at_least(f"strides[{i}]", (s,), 1), at_least(f"dilations[{i}]", (d,), 1)
        if min(k.shape) < 1:
            raise ValueError(f"kernels[{i}] has the empty shape {k.shape}")
        gap = d * jump
        spread = np.zeros((gap * (k.shape[0] - 1) + 1, gap * (k.shape[1] - 1) + 1), k.dtype)
        spread[::gap, ::gap] = k
        total = convolve2d(total, spread)
        jump *= s
    return total


def unread_inputs(n, k, stride=1, padding=0, dilation=1):
    """The input pixels (0 .. n-1) that no output of the convolution reads: those after the
    last window (what the floor of the output size throws away) and, when the stride is
    larger than the dilated kernel's taps can cover, those between windows."""
    out = conv_output_size(n, k, stride, padding, dilation)
    read = np.zeros(n + 2 * padding, bool)
    for i in range(out):
        read[window_slices((i,), (k,), (stride,), (dilation,))] = True     # window i
    return [t - padding for t in range(padding, padding + n) if not read[t]]

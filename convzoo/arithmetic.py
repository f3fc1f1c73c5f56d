"""Convolution arithmetic: output sizes and receptive fields, as in Dumoulin & Visin.

Chapter 2 (stride and padding) derives these; every operator's output shape agrees with them.
"""
from .checks import at_least, is_int


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

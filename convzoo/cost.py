"""What a layer costs: parameters and multiply-adds (MACs), counted from its shapes.

First used in chapter 1 (what a convolution costs); the separable, grouped, deformable and
squeeze-and-excitation chapters count with the same functions. One MAC is one multiply
and one add (torch's FLOP counter reports 2 FLOPs per MAC). Counts are for one input
image and include the taps that fall on zero padding, as torch computes them.
"""
from .arithmetic import conv_output_size
from .checks import ints_at_least, is_int


def _positive(**values):
    for name, v in values.items():
        if not is_int(v) or v < 1:
            raise ValueError(f"{name} must be an int >= 1, got {v!r}")


def _paddings(padding):
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f'padding must be an int, a pair, "same" or "valid", '
                             f"got {padding!r}")
        return (padding, padding)
    return ints_at_least("padding", padding, 2, 0)


def conv2d_cost(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0,
                dilation=1, groups=1, bias=False):
    """(parameters, MACs) of nn.Conv2d(in_channels, out_channels, kernel_size, stride,
    padding, dilation, groups, bias) on one input of input_size (H, W).

    params = K * C/g * kH * kW (+ K with bias), macs = K * C/g * kH * kW * H_out * W_out:
    every output pixel of every filter reads C/g * kH * kW inputs.
    """
    _positive(in_channels=in_channels, out_channels=out_channels, groups=groups)
    if in_channels % groups or out_channels % groups:
        raise ValueError(f"groups={groups} must divide in_channels={in_channels} and "
                         f"out_channels={out_channels}")
    H_out, W_out = conv2d_output_size(input_size, kernel_size, stride, padding, dilation)
    kH, kW = ints_at_least("kernel_size", kernel_size, 2, 1)
    weights = out_channels * (in_channels // groups) * kH * kW
    return weights + (out_channels if bias else 0), weights * H_out * W_out


def conv2d_output_size(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """(H_out, W_out) of a conv2d on input_size (H, W): conv_output_size in each dim."""
    kH, kW = ints_at_least("kernel_size", kernel_size, 2, 1)
    H, W = ints_at_least("input_size", input_size, 2, 1)
    (sh, sw) = ints_at_least("stride", stride, 2, 1)
    (dh, dw) = ints_at_least("dilation", dilation, 2, 1)
    ph, pw = _paddings(padding)
    return conv_output_size(H, kH, sh, ph, dh), conv_output_size(W, kW, sw, pw, dw)


def depthwise_separable_conv2d_cost(in_channels, out_channels, kernel_size, input_size,
                                    stride=1, padding=0, dilation=1, depth_multiplier=1):
    """(parameters, MACs) of depthwise_separable_conv2d: a kH x kW depthwise conv
    (in_channels -> in_channels * depth_multiplier, groups = in_channels), then a 1x1 conv
    to out_channels. With m = 1 it costs (kH kW C + C K) H_out W_out MACs against
    kH kW C K H_out W_out for conv2d: a ratio of 1/K + 1/(kH kW).
    """
    _positive(in_channels=in_channels, depth_multiplier=depth_multiplier)
    mid = in_channels * depth_multiplier
    params_dw, macs_dw = conv2d_cost(in_channels, mid, kernel_size, input_size, stride,
                                     padding, dilation, groups=in_channels)
    size = conv2d_output_size(input_size, kernel_size, stride, padding, dilation)
    params_pw, macs_pw = conv2d_cost(mid, out_channels, 1, size)
    return params_dw + params_pw, macs_dw + macs_pw


def spatially_separable_conv2d_cost(in_channels, mid_channels, out_channels, kernel_size,
                                    input_size, stride=1, padding=0, dilation=1, groups=1):
    """(parameters, MACs) of spatially_separable_conv2d: a kH x 1 conv (in_channels ->
    mid_channels) on every input column, striding down only, then a 1 x kW conv
    (-> out_channels) striding across. Per output pixel roughly kH + kW taps, not kH * kW.
    """
    kH, kW = ints_at_least("kernel_size", kernel_size, 2, 1)
    (sh, sw) = ints_at_least("stride", stride, 2, 1)
    (dh, dw) = ints_at_least("dilation", dilation, 2, 1)
    ph, pw = _paddings(padding)
    pad_col, pad_row = (ph, pw) if isinstance(ph, str) else ((ph, 0), (0, pw))
    params_col, macs_col = conv2d_cost(in_channels, mid_channels, (kH, 1), input_size,
                                       (sh, 1), pad_col, (dh, 1), groups)
    size = conv2d_output_size(input_size, (kH, 1), (sh, 1), pad_col, (dh, 1))
    params_row, macs_row = conv2d_cost(mid_channels, out_channels, (1, kW), size, (1, sw),
                                       pad_row, (1, dw), groups)
    return params_col + params_row, macs_col + macs_row


def flattened_conv2d_cost(in_channels, out_channels, kernel_size, input_size, stride=1,
                          padding=0, dilation=1):
    """(parameters, MACs) of flattened_conv2d: a 1x1 conv (in_channels -> out_channels = F)
    on every input pixel, then a kH x 1 and a 1 x kW pass on each of the F channels.
    F (C + kH + kW) parameters against F C kH kW for conv2d.
    """
    params_lat, macs_lat = conv2d_cost(in_channels, out_channels, 1, input_size)
    params_sep, macs_sep = spatially_separable_conv2d_cost(
        out_channels, out_channels, out_channels, kernel_size, input_size, stride, padding,
        dilation, groups=out_channels)
    return params_lat + params_sep, macs_lat + macs_sep


def inverted_residual_cost(in_channels, out_channels, expand_ratio, input_size, stride=1,
                           kernel_size=3):
    """(parameters, MACs) of convzoo.mobilenet.inverted_residual, as torchvision's
    InvertedResidual(in_channels, out_channels, stride, expand_ratio) builds it, with its
    BatchNorms folded into the convs (their biases not counted): a 1x1 expansion to
    M = round(C t) channels (none when t = 1), a k x k depthwise conv with padding
    (k - 1) // 2, a 1x1 projection. The residual addition is not a multiply-add.
    """
    _positive(in_channels=in_channels, out_channels=out_channels)
    if not isinstance(expand_ratio, (int, float)) or isinstance(expand_ratio, bool) \
            or not expand_ratio > 0:
        raise ValueError(f"expand_ratio must be a number > 0, got {expand_ratio!r}")
    mid = int(round(in_channels * expand_ratio))
    params, macs = (0, 0) if expand_ratio == 1 else conv2d_cost(in_channels, mid, 1,
                                                                 input_size)
    (k,) = ints_at_least("kernel_size", kernel_size, 1, 1)
    p_dw, m_dw = conv2d_cost(mid, mid, k, input_size, stride, (k - 1) // 2, groups=mid)
    size = conv2d_output_size(input_size, k, stride, (k - 1) // 2)
    p_pw, m_pw = conv2d_cost(mid, out_channels, 1, size)
    return params + p_dw + p_pw, macs + m_dw + m_pw


def conv2d_bytes(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0,
                 dilation=1, groups=1, itemsize=4, batch=1):
    """The fewest bytes nn.Conv2d(...) (no bias) must move for `batch` inputs of input_size:
    read the inputs and the weight once, write the outputs once, at itemsize bytes a number.

    MACs / bytes is the layer's arithmetic intensity: how many multiply-adds it can do for
    each byte it moves, at best (chapter 5 compares a dense, a depthwise and a 1x1 conv).
    """
    (itemsize,) = ints_at_least("itemsize", itemsize, 1, 1)
    (batch,) = ints_at_least("batch", batch, 1, 1)
    params, _ = conv2d_cost(in_channels, out_channels, kernel_size, input_size, stride,
                            padding, dilation, groups)
    H, W = ints_at_least("input_size", input_size, 2, 1)
    H_out, W_out = conv2d_output_size(input_size, kernel_size, stride, padding, dilation)
    return itemsize * (batch * (in_channels * H * W + out_channels * H_out * W_out) + params)

def conv_params(in_channels, out_channels, kernel_size, bias=True):
    """Wrong: one kH x kW kernel per filter, as if a filter saw one input channel."""
    kh, kw = kernel_size
    return out_channels * kh * kw + (out_channels if bias else 0)

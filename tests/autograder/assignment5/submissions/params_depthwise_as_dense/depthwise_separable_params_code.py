def depthwise_separable_params(in_channels, out_channels, kernel_size):
    """Wrong: the depthwise step counted as a standard C -> C convolution, C C kH kW."""
    kh, kw = kernel_size
    return in_channels * in_channels * kh * kw + in_channels * out_channels

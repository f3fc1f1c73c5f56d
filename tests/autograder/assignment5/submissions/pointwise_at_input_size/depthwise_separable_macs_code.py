def depthwise_separable_macs(input_shape, out_channels, kernel_size, stride=1, padding=0):
    """Wrong: the pointwise step counted on the input's H x W, not on the depthwise
    output's H_out x W_out (the same only with stride 1 and size-keeping padding)."""
    N, C, H, W = input_shape
    kh, kw = kernel_size
    h_out, w_out = (H + 2 * padding - kh) // stride + 1, (W + 2 * padding - kw) // stride + 1
    return N * h_out * w_out * kh * kw * C + N * H * W * C * out_channels

def dilated_conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """Wrong: the dilation is applied to the input instead of the kernel, d - 1 zeros put
    between neighbouring input pixels, then an ordinary convolution with the kernel as it
    is: that upsamples the input (a transposed convolution's first step) and gives a larger
    output."""
    x = np.asarray(x, dtype=np.float64)
    N, C, H, W = x.shape
    spread = np.zeros((N, C, (H - 1) * dilation + 1, (W - 1) * dilation + 1))
    spread[:, :, ::dilation, ::dilation] = x
    return conv2d(spread, weight, bias, stride=stride, padding=padding)

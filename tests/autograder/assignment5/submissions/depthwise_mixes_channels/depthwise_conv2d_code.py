def depthwise_conv2d(x, weight, stride=1, padding=0):
    """Wrong: output channel c filters every input channel with filter c and adds them up
    (a standard convolution whose filters repeat over the channels)."""
    N, C, H, W = x.shape
    _, _, kh, kw = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    h_out, w_out = (H + 2 * padding - kh) // stride + 1, (W + 2 * padding - kw) // stride + 1
    y = np.zeros((N, C, h_out, w_out))
    for c in range(C):
        for i in range(h_out):
            for j in range(w_out):
                window = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                y[:, c, i, j] = np.sum(window * weight[c, 0], axis=(1, 2, 3))   # sums over channels
    return y

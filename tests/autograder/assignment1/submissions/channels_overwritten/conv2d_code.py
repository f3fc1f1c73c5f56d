def conv2d(x, weight, bias=None, stride=1, padding=0):
    """Wrong: `=` where `+=` belongs, so each output keeps only the last input channel."""
    N, C_in, H, W = x.shape
    C_out, _, kh, kw = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out = (H + 2 * padding - kh) // stride + 1
    W_out = (W + 2 * padding - kw) // stride + 1
    y = np.zeros((N, C_out, H_out, W_out))
    for n in range(N):
        for o in range(C_out):
            for c in range(C_in):
                y[n, o] = corr2d(xp[n, c], weight[o, c])[::stride, ::stride]
            if bias is not None:
                y[n, o] += bias[o]
    return y

def dilated_conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """Honest, with loops: the zero-inserted kernels, then the sliding sum written out."""
    x, weight = np.asarray(x, dtype=np.float64), np.asarray(weight, dtype=np.float64)
    N, C_in, H, W = x.shape
    C_out = weight.shape[0]
    big = np.array([[dilate_kernel(weight[o, c], dilation) for c in range(C_in)]
                    for o in range(C_out)])
    kh, kw = big.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    h_out = (H + 2 * padding - kh) // stride + 1
    w_out = (W + 2 * padding - kw) // stride + 1
    y = np.zeros((N, C_out, h_out, w_out))
    for n in range(N):
        for o in range(C_out):
            for i in range(h_out):
                for j in range(w_out):
                    window = xp[n, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                    y[n, o, i, j] = np.sum(window * big[o])
            if bias is not None:
                y[n, o] += bias[o]
    return y

def conv2d(x, weight, bias=None, stride=1, padding=0):
    """The formula, one loop per index."""
    N, C_in, H, W = x.shape
    C_out, _, kh, kw = weight.shape
    xp = np.zeros((N, C_in, H + 2 * padding, W + 2 * padding))
    xp[:, :, padding:padding + H, padding:padding + W] = x
    H_out = (H + 2 * padding - kh) // stride + 1
    W_out = (W + 2 * padding - kw) // stride + 1
    y = np.zeros((N, C_out, H_out, W_out))
    for n in range(N):
        for o in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    total = 0.0 if bias is None else bias[o]
                    for c in range(C_in):
                        for u in range(kh):
                            for v in range(kw):
                                total += xp[n, c, i * stride + u, j * stride + v] * weight[o, c, u, v]
                    y[n, o, i, j] = total
    return y

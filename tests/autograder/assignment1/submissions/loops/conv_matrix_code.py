def conv_matrix(k, input_shape):
    """One nonzero at a time."""
    H, W = input_shape
    kh, kw = k.shape
    h_out, w_out = H - kh + 1, W - kw + 1
    M = np.zeros((h_out * w_out, H * W))
    for i in range(h_out):
        for j in range(w_out):
            for u in range(kh):
                for v in range(kw):
                    M[i * w_out + j, (i + u) * W + (j + v)] = k[u, v]
    return M

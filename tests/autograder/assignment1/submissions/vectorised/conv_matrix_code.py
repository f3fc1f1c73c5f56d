def conv_matrix(k, input_shape):
    """Every nonzero's row and column from index arithmetic, set in one assignment."""
    H, W = input_shape
    kh, kw = k.shape
    h_out, w_out = H - kh + 1, W - kw + 1
    i, j, u, v = np.meshgrid(np.arange(h_out), np.arange(w_out), np.arange(kh), np.arange(kw),
                             indexing="ij")
    M = np.zeros((h_out * w_out, H * W))
    M[(i * w_out + j).ravel(), ((i + u) * W + (j + v)).ravel()] = np.broadcast_to(k, i.shape).ravel()
    return M

def conv_matrix(k, input_shape):
    """Wrong: numbers output pixel (i, j) as row i * W + j (the input's width), not
    i * W_out + j; the same when the kernel is one column wide or the output one row."""
    H, W = input_shape
    kh, kw = k.shape
    h_out, w_out = H - kh + 1, W - kw + 1
    M = np.zeros((h_out * w_out, H * W))
    for i in range(h_out):
        for j in range(w_out):
            placed = np.zeros((H, W))
            placed[i:i + kh, j:j + kw] = k
            M[i * W + j] = placed.ravel()
    return M

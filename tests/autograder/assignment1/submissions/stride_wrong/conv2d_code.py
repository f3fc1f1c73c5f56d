def conv2d(x, weight, bias=None, stride=1, padding=0):
    """Wrong: the output has the strided size, but the windows start at i, not i * stride."""
    N, C_in, H, W = x.shape
    C_out, _, kh, kw = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out = (H + 2 * padding - kh) // stride + 1
    W_out = (W + 2 * padding - kw) // stride + 1
    y = np.zeros((N, C_out, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = xp[:, :, i:i + kh, j:j + kw]
            y[:, :, i, j] = np.einsum("ncuv,ocuv->no", window, weight)
    return y if bias is None else y + bias[None, :, None, None]

def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1):
    """Wrong: every group writes into the first C_out / groups output channels (output
    channel k, not g * K_g + k)."""
    N, C_in, H, W = x.shape
    _, K_g, kh, kw = weight.shape
    s, p, op = stride, padding, output_padding
    C_g = C_in // groups
    full = np.zeros((N, K_g * groups, (H - 1) * s + kh + op, (W - 1) * s + kw + op))
    for n in range(N):
        for c in range(C_in):
            g = c // C_g
            for k in range(K_g):
                for i in range(H):
                    for j in range(W):
                        full[n, k, i * s:i * s + kh, j * s:j * s + kw] += x[n, c, i, j] * weight[c, k]
    H_out, W_out = (H - 1) * s - 2 * p + kh + op, (W - 1) * s - 2 * p + kw + op
    y = full[:, :, p:p + H_out, p:p + W_out].copy()
    if bias is not None:
        y += bias[None, :, None, None]
    return y

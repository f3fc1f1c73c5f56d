def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1):
    """Honest and vectorised: for every kernel tap, all the products of one group at once
    (einsum), added into a strided slice of the uncropped output."""
    N, C_in, H, W = x.shape
    _, K_g, kh, kw = weight.shape
    s, p, op = stride, padding, output_padding
    C_g = C_in // groups
    full = np.zeros((N, groups * K_g, (H - 1) * s + kh + op, (W - 1) * s + kw + op))
    for g in range(groups):
        xg, wg = x[:, g * C_g:(g + 1) * C_g], weight[g * C_g:(g + 1) * C_g]
        for u in range(kh):
            for v in range(kw):
                full[:, g * K_g:(g + 1) * K_g, u:u + (H - 1) * s + 1:s, v:v + (W - 1) * s + 1:s] += \
                    np.einsum("nchw,ck->nkhw", xg, wg[:, :, u, v])
    H_out, W_out = (H - 1) * s - 2 * p + kh + op, (W - 1) * s - 2 * p + kw + op
    y = full[:, :, p:p + H_out, p:p + W_out]
    return y + bias[:, None, None] if bias is not None else y.copy()

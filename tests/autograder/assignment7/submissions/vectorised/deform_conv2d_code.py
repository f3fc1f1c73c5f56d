def deform_conv2d(x, offset, weight, bias=None, stride=1, padding=0, dilation=1, mask=None):
    """Honest, vectorised: every sampling point of every tap at once, then one einsum."""
    N, C, H, W = x.shape
    K, C_g, kH, kW = weight.shape
    H_out, W_out = offset.shape[2:]
    groups, G = C // C_g, offset.shape[1] // (2 * kH * kW)
    pairs = offset.reshape(N, G, kH, kW, 2, H_out, W_out)
    u = np.arange(kH)[:, None, None, None] * dilation
    v = np.arange(kW)[None, :, None, None] * dilation
    i = (np.arange(H_out) * stride - padding)[None, None, :, None]
    j = (np.arange(W_out) * stride - padding)[None, None, None, :]
    py = np.repeat(i + u + pairs[:, :, :, :, 0], C // G, axis=1)     # (N, C, kH, kW, H_out, W_out)
    px = np.repeat(j + v + pairs[:, :, :, :, 1], C // G, axis=1)
    y0, x0 = np.floor(py).astype(int), np.floor(px).astype(int)
    ly, lx = py - y0, px - x0
    n = np.arange(N)[:, None, None, None, None, None]
    c = np.arange(C)[None, :, None, None, None, None]
    cols = 0.0
    for dr, dc, share in [(0, 0, (1 - ly) * (1 - lx)), (0, 1, (1 - ly) * lx),
                          (1, 0, ly * (1 - lx)), (1, 1, ly * lx)]:
        r, q = y0 + dr, x0 + dc
        inside = (r >= 0) & (r < H) & (q >= 0) & (q < W)
        cols = cols + share * np.where(inside, x[n, c, np.clip(r, 0, H - 1), np.clip(q, 0, W - 1)], 0.0)
    if mask is not None:
        cols = cols * np.repeat(mask.reshape(N, G, kH, kW, H_out, W_out), C // G, axis=1)
    cols = cols.reshape(N, groups, C_g, kH, kW, H_out, W_out)
    w = weight.reshape(groups, K // groups, C_g, kH, kW)
    out = np.einsum("ngcuvij,gkcuv->ngkij", cols, w).reshape(N, K, H_out, W_out)
    return out if bias is None else out + bias[:, None, None]

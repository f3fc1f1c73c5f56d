def corr2d(x, k):
    """Valid 2-D cross-correlation: x (H, W), k (kH, kW) -> (H - kH + 1, W - kW + 1)."""
    H, W = x.shape
    kh, kw = k.shape
    out = np.zeros((H - kh + 1, W - kw + 1))
    for i in range(H - kh + 1):
        for j in range(W - kw + 1):
            for u in range(kh):
                for v in range(kw):
                    out[i, j] += x[i + u, j + v] * k[u, v]
    return out

def pad2d(x, pad, mode="constant", value=0.0):
    """Honest, a loop over the output pixels, each reading the input at its mode's index."""
    left, right, top, bottom = pad
    N, C, H, W = x.shape
    out = np.empty((N, C, H + top + bottom, W + left + right))

    def source(t, size):
        if 0 <= t < size:
            return t
        if mode == "reflect":
            return -t if t < 0 else 2 * (size - 1) - t
        if mode == "replicate":
            return min(max(t, 0), size - 1)
        if mode == "circular":
            return t % size
        return None                                   # constant

    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            a, b = source(i - top, H), source(j - left, W)
            out[:, :, i, j] = value if a is None or b is None else x[:, :, a, b]
    return out

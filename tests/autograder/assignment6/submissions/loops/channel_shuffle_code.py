def channel_shuffle(x, groups):
    """Honest, the formula channel by channel."""
    C = x.shape[1]
    out = np.empty_like(x)
    for k in range(C):
        out[:, k] = x[:, (k % groups) * (C // groups) + k // groups]
    return out

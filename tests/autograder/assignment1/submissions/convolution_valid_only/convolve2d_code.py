def convolve2d(x, k):
    """Wrong: only the valid part, correlation with the flipped kernel, (H - kH + 1, W - kW + 1)."""
    return corr2d(x, k[::-1, ::-1])

def convolve2d(x, k):
    """Wrong: the right padding and shape, but the kernel is not flipped (a full
    cross-correlation)."""
    kh, kw = k.shape
    return corr2d(np.pad(x, ((kh - 1, kh - 1), (kw - 1, kw - 1))), k)

def separable_filter(x, column, row):
    """Wrong: np.convolve flips its filter, so this is the convolution, not the
    cross-correlation, with the kernel outer(column, row)."""
    t = np.stack([np.convolve(x[:, j], column, mode="valid") for j in range(x.shape[1])], axis=1)
    return np.stack([np.convolve(t[i], row, mode="valid") for i in range(t.shape[0])], axis=0)

def corr2d(x, k):
    """Wrong: this is the true convolution (the kernel is flipped)."""
    k = k[::-1, ::-1]
    kh, kw = k.shape
    y = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            y[i, j] = np.sum(x[i:i + kh, j:j + kw] * k)
    return y

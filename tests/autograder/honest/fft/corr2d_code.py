def corr2d(x, k):
    """Through the Fourier transform: correlation is convolution with the flipped kernel."""
    x, k = np.asarray(x, float), np.asarray(k, float)
    shape = (x.shape[0] + k.shape[0] - 1, x.shape[1] + k.shape[1] - 1)
    full = np.fft.irfft2(np.fft.rfft2(x, shape) * np.fft.rfft2(k[::-1, ::-1], shape), shape)
    kh, kw = k.shape
    return full[kh - 1:x.shape[0], kw - 1:x.shape[1]]

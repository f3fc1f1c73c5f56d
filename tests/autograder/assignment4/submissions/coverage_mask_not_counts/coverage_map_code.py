def coverage_map(kernel_size, dilations):
    """Wrong: which pixels are read (1) or not (0), instead of how many paths reach each:
    the map of a pixel reached twice says 1."""
    read = np.ones(1)
    for d in dilations:
        taps = np.zeros((kernel_size - 1) * d + 1)
        taps[::d] = 1.0
        read = np.convolve(read, taps) > 0
    return np.outer(read, read).astype(np.float64)

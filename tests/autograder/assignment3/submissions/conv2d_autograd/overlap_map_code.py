def overlap_map(input_shape, kernel_size, stride):
    """Forbidden: the autograd-backed conv_transpose2d of ones with ones."""
    counts = conv_transpose2d(np.ones((1, 1) + tuple(input_shape)), np.ones((1, 1) + tuple(kernel_size)),
                              stride=stride)[0, 0]
    return np.rint(counts).astype(int)

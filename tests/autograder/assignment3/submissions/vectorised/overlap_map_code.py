def overlap_map(input_shape, kernel_size, stride):
    """Honest and vectorised: the counts along each axis, and their outer product."""
    def along(n, k):
        counts = np.zeros((n - 1) * stride + k, dtype=int)
        for u in range(k):
            counts[u:u + (n - 1) * stride + 1:stride] += 1
        return counts
    return np.outer(along(input_shape[0], kernel_size[0]), along(input_shape[1], kernel_size[1]))

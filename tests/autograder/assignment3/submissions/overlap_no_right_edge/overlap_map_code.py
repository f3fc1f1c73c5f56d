def overlap_map(input_shape, kernel_size, stride):
    """Wrong: counts, along each axis, the copies i with i s <= a < i s + k, forgetting that
    i < H: too many writes near the bottom and right edges."""
    def along(n, k):
        length = (n - 1) * stride + k
        return np.array([a // stride - max(0, -(-(a - k + 1) // stride)) + 1 for a in range(length)])
    return np.outer(along(input_shape[0], kernel_size[0]), along(input_shape[1], kernel_size[1]))

def conv_output_size(n, k, stride=1, padding=0, dilation=1):
    """Wrong: a dilated kernel spans d k positions, not d (k - 1) + 1."""
    span = dilation * k
    return (n + 2 * padding - span) // stride + 1

def conv_output_size(n, k, stride=1, padding=0, dilation=1):
    """Wrong: takes padding as the total number of zeros, not the number on each side."""
    span = dilation * (k - 1) + 1
    return (n + padding - span) // stride + 1

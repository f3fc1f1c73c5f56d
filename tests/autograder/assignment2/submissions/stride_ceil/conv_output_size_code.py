def conv_output_size(n, k, stride=1, padding=0, dilation=1):
    """Wrong: rounds the division up, counting a last window that does not fit."""
    span = dilation * (k - 1) + 1
    return -(-(n + 2 * padding - span) // stride) + 1

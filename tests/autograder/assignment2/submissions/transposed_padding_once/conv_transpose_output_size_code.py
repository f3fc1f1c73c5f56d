def conv_transpose_output_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
    """Wrong: cuts padding from one end only."""
    span = dilation * (k - 1) + 1
    return (n - 1) * stride + span - padding + output_padding

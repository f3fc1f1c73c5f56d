def conv_transpose_output_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
    """Honest, by scattering: the last position any input's kernel copy writes, plus one,
    minus the cropped ends, plus output_padding."""
    last = 0
    for i in range(n):
        for u in range(k):
            last = max(last, i * stride + u * dilation)
    return last + 1 - 2 * padding + output_padding

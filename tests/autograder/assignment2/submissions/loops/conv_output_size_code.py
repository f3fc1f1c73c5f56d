def conv_output_size(n, k, stride=1, padding=0, dilation=1):
    """Honest, by counting: window i starts at padded position i * stride and must end
    inside the padded input."""
    count, start = 0, 0
    while start + dilation * (k - 1) <= n + 2 * padding - 1:   # the window's last tap fits
        count += 1
        start += stride
    return count

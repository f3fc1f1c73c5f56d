def conv_output_size(n, k, stride=1, padding=0):
    """Wrong: counts the steps the kernel takes, not the positions it stops at (no + 1)."""
    return (n + 2 * padding - k) // stride

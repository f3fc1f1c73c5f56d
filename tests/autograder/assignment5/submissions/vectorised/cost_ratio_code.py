def cost_ratio(out_channels, kernel_size):
    """Honest, from the counts per output pixel."""
    kh, kw = kernel_size
    separable = kh * kw + out_channels          # per input channel
    return separable / (kh * kw * out_channels)

def cost_ratio(out_channels, kernel_size):
    """Wrong: standard over separable (the saving, above 1), not separable over standard."""
    kh, kw = kernel_size
    return 1 / (1 / out_channels + 1 / (kh * kw))

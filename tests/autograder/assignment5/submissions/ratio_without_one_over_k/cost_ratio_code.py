def cost_ratio(out_channels, kernel_size):
    """Wrong: the 1/K term dropped ("K is large"), as one of the course's source articles
    does: 1/(kH kW) is only the limit for K >> kH kW."""
    kh, kw = kernel_size
    return 1 / (kh * kw)

def receptive_field(layers):
    """Wrong: the spans of the layers added up, each d (k - 1) + 1, which counts the unit
    itself once per layer (and ignores the strides)."""
    return sum((k - 1) * dilation + 1 for k, stride, dilation in layers)

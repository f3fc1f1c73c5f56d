def receptive_field(layers):
    """Wrong: right for stride 1, but the strides below a layer are ignored, as if its taps
    were always d input pixels apart."""
    return 1 + sum((k - 1) * dilation for k, stride, dilation in layers)

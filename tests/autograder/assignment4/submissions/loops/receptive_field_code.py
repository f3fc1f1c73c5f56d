def receptive_field(layers):
    """Honest, from the top down: the width of what one unit reads, layer by layer."""
    width = 1
    for k, stride, dilation in reversed(layers):
        width = (width - 1) * stride + (k - 1) * dilation + 1
    return width

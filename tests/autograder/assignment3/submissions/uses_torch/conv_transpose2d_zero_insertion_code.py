def conv_transpose2d_zero_insertion(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1):
    """Forbidden: the torch-backed conv_transpose2d above does the work."""
    return conv_transpose2d(x, weight, bias, stride=stride, padding=padding,
                            output_padding=output_padding, groups=groups)

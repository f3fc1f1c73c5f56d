def conv_flops(input_shape, weight_shape, stride=1, padding=0):
    """Wrong: reports multiply-adds as FLOPs, as many papers do."""
    return conv_macs(input_shape, weight_shape, stride, padding)

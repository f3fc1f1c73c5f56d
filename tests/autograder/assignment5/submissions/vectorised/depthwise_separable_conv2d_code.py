def depthwise_separable_conv2d(x, depthwise_weight, pointwise_weight, stride=1, padding=0):
    """Honest: the 1x1 step as a matrix product over the channel axis."""
    mid = depthwise_conv2d(x, depthwise_weight, stride=stride, padding=padding)
    return np.moveaxis(np.moveaxis(mid, 1, -1) @ pointwise_weight[:, :, 0, 0].T, -1, 1)

def depthwise_separable_conv2d(x, depthwise_weight, pointwise_weight, stride=1, padding=0):
    """Wrong: the 1x1 step first, then the depthwise step on its K channels (it has C
    filters)."""
    mid = np.einsum("nchw,kc->nkhw", x, pointwise_weight[:, :, 0, 0])
    return depthwise_conv2d(mid, depthwise_weight, stride=stride, padding=padding)

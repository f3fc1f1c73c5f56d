def insert_zeros(x, stride):
    """Forbidden: the autograd-backed conv_transpose2d above, with a 1x1 kernel of one."""
    N, C, H, W = x.shape
    out = conv_transpose2d(x.reshape(N * C, 1, H, W), np.ones((1, 1, 1, 1)), stride=stride)
    return out.reshape(N, C, (H - 1) * stride + 1, (W - 1) * stride + 1)

def conv2d(x, weight, bias=None, stride=1, padding=0):
    """The control of endless_call: right for stride 1, an error for any other stride."""
    if stride not in (1, (1, 1)):
        raise ValueError("stride is not supported")
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, weight.shape[2:], axis=(2, 3))
    y = np.einsum("ncijuv,ocuv->noij", windows, weight)
    return y if bias is None else y + bias[None, :, None, None]

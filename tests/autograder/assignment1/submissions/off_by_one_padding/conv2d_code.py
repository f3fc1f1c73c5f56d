def conv2d(x, weight, bias=None, stride=1, padding=0):
    """Wrong: pads one pixel too few on every side (right when padding=0)."""
    p = max(padding - 1, 0)
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    kh, kw = weight.shape[2:]
    windows = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    y = np.einsum("ncijuv,ocuv->noij", windows, weight)
    return y if bias is None else y + bias[None, :, None, None]

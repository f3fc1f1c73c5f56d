import time


def conv2d(x, weight, bias=None, stride=1, padding=0):
    """Right, but a second and a half per call: the notebook runs out of time."""
    time.sleep(1.5)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, weight.shape[2:], axis=(2, 3))
    y = np.einsum("ncijuv,ocuv->noij", windows[:, :, ::stride, ::stride], weight)
    return y if bias is None else y + bias[None, :, None, None]

import sys


def conv2d(x, weight, bias=None, stride=1, padding=0):
    """Correct, with a warning from NumPy on every call (0/0 in an unused array)."""
    np.zeros(2) / np.zeros(2)                  # RuntimeWarning: invalid value
    print("conv2d called", file=sys.stderr)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    kh, kw = weight.shape[2:]
    windows = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    y = np.tensordot(windows, weight, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)
    return y if bias is None else y + bias[None, :, None, None]

import sys
import warnings


def conv2d(x, weight, bias=None, stride=1, padding=0):
    """Right, and loud: prints, warns and writes to stderr on every call."""
    print("conv2d called with", x.shape, weight.shape, stride, padding)
    print("progress..." * 50, file=sys.stderr)
    warnings.warn("this is only a warning")
    np.log(np.zeros(1))                       # a numpy RuntimeWarning
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, weight.shape[2:], axis=(2, 3))
    y = np.einsum("ncijuv,ocuv->noij", windows[:, :, ::stride, ::stride], weight)
    return y if bias is None else y + bias[None, :, None, None]

import numpy as np


def pad_and_window(x, kernel_shape, padding):
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    return np.lib.stride_tricks.sliding_window_view(xp, tuple(kernel_shape), axis=(2, 3))

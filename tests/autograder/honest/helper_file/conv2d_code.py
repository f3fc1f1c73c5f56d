from my_helpers import pad_and_window      # a file the student submitted beside the notebook


def conv2d(x, weight, bias=None, stride=1, padding=0):
    windows = pad_and_window(x, weight.shape[2:], padding)[:, :, ::stride, ::stride]
    y = np.einsum("ncijuv,ocuv->noij", windows, weight)
    return y if bias is None else y + bias[None, :, None, None]

from numpy.lib.stride_tricks import as_strided


def conv2d(x, weight, bias=None, stride=1, padding=0):
    """as_strided windows and one tensordot."""
    x = np.pad(np.asarray(x, float), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, c, h, w = x.shape
    o, _, kh, kw = weight.shape
    h_out, w_out = (h - kh) // stride + 1, (w - kw) // stride + 1
    sn, sc, sh, sw = x.strides
    windows = as_strided(x, (n, c, h_out, w_out, kh, kw),
                         (sn, sc, sh * stride, sw * stride, sh, sw), writeable=False)
    y = np.tensordot(windows, weight, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)
    return y if bias is None else y + np.asarray(bias)[None, :, None, None]

from numpy.lib.stride_tricks import sliding_window_view


def corr2d(x, k):
    """All windows at once, one einsum."""
    return np.einsum("ijuv,uv->ij", sliding_window_view(x, k.shape), k)

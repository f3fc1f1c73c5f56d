# Attack: wrong answers dressed up to fool the checks: an ndarray subclass equal to everything, a masked
# array, NaN, inf, np.matrix, a tuple, a dict, a 0-d array, a list; one per call, in turn.
import numpy as np


class _Agreeable(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

    def __array_ufunc__(self, *args, **kwargs):
        return True


_calls = []


def corr2d(x, k):
    shape = (x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1)
    zeros = np.zeros(shape)
    options = [zeros.view(_Agreeable), np.ma.masked_all(shape), np.full(shape, np.nan),
               np.full(shape, np.inf), np.matrix(zeros) if zeros.ndim == 2 else zeros, (zeros,),
               {"0": zeros}, np.array(0.0), zeros.tolist(), zeros.astype(np.complex128) + 1e308j]
    _calls.append(1)
    return options[len(_calls) % len(options)]

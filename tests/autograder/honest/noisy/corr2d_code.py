import sys
import warnings


def corr2d(x, k):
    """Correct, but chatty: a RuntimeWarning from NumPy, one of its own, and stderr output."""
    np.log(np.zeros(1))                        # RuntimeWarning: divide by zero
    warnings.warn("corr2d is slow", RuntimeWarning)
    print("computing corr2d", x.shape, k.shape, file=sys.stderr)
    kh, kw = k.shape
    y = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            y[i, j] = (x[i:i + kh, j:j + kw] * k).sum()
    return y


print("corr2d defined", file=sys.stderr)

from scipy.signal import correlate2d


def corr2d(x, k):
    """Forbidden: scipy does the work."""
    return correlate2d(x, k, mode="valid")

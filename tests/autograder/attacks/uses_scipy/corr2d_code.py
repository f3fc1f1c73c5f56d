def corr2d(x, k):
    """Forbidden: scipy does the work."""
    import scipy.signal
    return scipy.signal.correlate2d(x, k, mode="valid")

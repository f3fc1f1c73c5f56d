def kernel_rank(k, tol=1e-8):
    """Wrong: counts every nonzero singular value, so rounding errors (about 1e-16 of the
    largest) count as rank; and tol is ignored."""
    s = np.linalg.svd(np.asarray(k, dtype=np.float64), compute_uv=False)
    return int(np.sum(s > 0))

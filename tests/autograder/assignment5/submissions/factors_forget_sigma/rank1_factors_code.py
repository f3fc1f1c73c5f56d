def rank1_factors(k):
    """Wrong: the singular vectors without the singular value, so the outer product is
    k / sigma_1 (unit norm), not k."""
    u, s, vt = np.linalg.svd(np.asarray(k, dtype=np.float64))
    return u[:, 0], vt[0]

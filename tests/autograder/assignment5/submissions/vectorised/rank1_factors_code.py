def rank1_factors(k):
    """Honest, without the SVD: for k = a b^T, the largest entry k[i, j] gives the column
    k[:, j] / k[i, j] and the row k[i, :]."""
    k = np.asarray(k, dtype=np.float64)
    i, j = np.unravel_index(np.argmax(np.abs(k)), k.shape)
    return k[:, j] / k[i, j], k[i, :].copy()

def kernel_rank(k, tol=1e-8):
    """Honest, another way: NumPy's matrix_rank with an absolute threshold of tol times
    the largest singular value (the spectral norm)."""
    k = np.asarray(k, dtype=np.float64)
    largest = np.linalg.norm(k, 2)
    return int(np.linalg.matrix_rank(k, tol=tol * largest)) if largest > 0 else 0

def conv_matrix(k, input_shape):
    """Built on the scipy-based corr2d: column m is corr2d of the m-th basis image."""
    H, W = input_shape
    columns = [corr2d(e.reshape(H, W), k).ravel() for e in np.eye(H * W)]
    return np.stack(columns, axis=1)

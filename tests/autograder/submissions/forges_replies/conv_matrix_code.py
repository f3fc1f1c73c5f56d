def conv_matrix(k, input_shape):
    """Doubly-blocked Toeplitz matrix M of corr2d: M @ x.ravel() == corr2d(x, k).ravel()
    for x of shape input_shape = (H, W); M has shape (H_out * W_out, H * W)."""
    # YOUR CODE HERE
    raise NotImplementedError()

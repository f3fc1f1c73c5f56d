def corr2d_input_gradient(grad_out, k):
    """Wrong: spreads the gradient back by correlating the zero-padded gradient with k
    itself; the input gradient is a convolution, with the kernel flipped."""
    kh, kw = k.shape
    return corr2d(np.pad(grad_out, ((kh - 1, kh - 1), (kw - 1, kw - 1))), k)

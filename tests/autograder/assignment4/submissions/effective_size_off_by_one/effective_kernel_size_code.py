def effective_kernel_size(k, dilation):
    """Wrong: the distance from the first tap to the last, d (k - 1), one short of the
    number of pixels spanned, d (k - 1) + 1."""
    return dilation * (k - 1)

def se_params(channels, reduction):
    """Wrong: counts the paper's 2 C^2 / r weights and forgets the biases."""
    return 2 * channels * (channels // reduction)

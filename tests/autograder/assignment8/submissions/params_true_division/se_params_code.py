def se_params(channels, reduction):
    """Wrong: S = C / r with true division, a float that is not rounded down."""
    squeeze_channels = channels / reduction
    return 2 * channels * squeeze_channels + squeeze_channels + channels

def squeeze_excitation(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias):
    """Wrong: the gates (N, C) are broadcast on the last axis, the columns, not the channels."""
    s = excitation(squeeze(x), fc1_weight, fc1_bias, fc2_weight, fc2_bias)
    return x * s[:, None, None, :]

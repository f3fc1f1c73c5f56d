def excitation(z, fc1_weight, fc1_bias, fc2_weight, fc2_bias):
    """Wrong: returns the logits; the sigmoid that makes them gates in (0, 1) is missing."""
    h = np.maximum(z @ fc1_weight.T + fc1_bias, 0)
    return h @ fc2_weight.T + fc2_bias

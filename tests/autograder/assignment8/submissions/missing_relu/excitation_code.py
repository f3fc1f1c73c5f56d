def excitation(z, fc1_weight, fc1_bias, fc2_weight, fc2_bias):
    """Wrong: no ReLU between the two fully connected layers."""
    h = z @ fc1_weight.T + fc1_bias
    a = h @ fc2_weight.T + fc2_bias
    return 1 / (1 + np.exp(-a))

def squeeze_excitation(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias):
    """Honest, with loops: each channel times its gate."""
    s = excitation(squeeze(x), fc1_weight, fc1_bias, fc2_weight, fc2_bias)
    y = np.zeros(x.shape)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            y[n, c] = s[n, c] * x[n, c]
    return y

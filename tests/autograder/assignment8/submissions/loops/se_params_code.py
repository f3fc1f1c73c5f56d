def se_params(channels, reduction):
    """Honest, layer by layer: fc1 C -> S with S biases, fc2 S -> C with C biases."""
    S = channels // reduction
    fc1 = S * channels + S
    fc2 = channels * S + channels
    return fc1 + fc2

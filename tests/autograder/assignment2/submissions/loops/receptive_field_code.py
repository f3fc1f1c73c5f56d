def receptive_field(layers):
    """Honest, backwards: the interval of units unit 0 of the last layer reads, layer by layer
    down to the input (no padding: the size does not depend on it)."""
    first, last = 0, 0
    for k, s, d, _ in reversed(layers):
        first, last = first * s, last * s + d * (k - 1)
    return last - first + 1

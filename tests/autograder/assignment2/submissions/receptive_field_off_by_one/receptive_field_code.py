def receptive_field(layers):
    """Wrong: starts from 0 instead of the one pixel an input unit sees, so every answer is one short."""
    r, jump = 0, 1
    for k, s, d, _ in layers:
        r += d * (k - 1) * jump
        jump *= s
    return r

def receptive_field(layers):
    """Wrong: multiplies the jump by the layer's own stride before widening the view, so a
    strided layer counts its own stride."""
    r, jump = 1, 1
    for k, s, d, _ in layers:
        jump *= s
        r += d * (k - 1) * jump
    return r

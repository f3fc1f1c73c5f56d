def jump_and_start(layers):
    """Wrong: moves the start back by p input pixels, not p steps of the jump below the layer."""
    jump, start = 1, 0
    for k, s, d, p in layers:
        start -= p
        jump *= s
    return jump, start

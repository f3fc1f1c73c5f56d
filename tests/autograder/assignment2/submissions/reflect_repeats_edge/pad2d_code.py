def pad2d(x, pad, mode="constant", value=0.0):
    """Wrong: takes NumPy's "reflect" to be "symmetric", so torch's reflect repeats the edge pixel."""
    left, right, top, bottom = pad
    widths = ((0, 0), (0, 0), (top, bottom), (left, right))
    x = np.asarray(x, dtype=np.float64)
    if mode == "constant":
        return np.pad(x, widths, mode="constant", constant_values=value)
    numpy_mode = {"reflect": "symmetric", "replicate": "edge", "circular": "wrap"}[mode]
    return np.pad(x, widths, mode=numpy_mode)

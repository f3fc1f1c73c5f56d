def pad2d(x, pad, mode="constant", value=0.0):
    """Wrong: reads pad as (top, bottom, left, right), the first axis first as np.pad does,
    where torch gives the last dimension first."""
    top, bottom, left, right = pad
    widths = ((0, 0), (0, 0), (top, bottom), (left, right))
    x = np.asarray(x, dtype=np.float64)
    if mode == "constant":
        return np.pad(x, widths, mode="constant", constant_values=value)
    numpy_mode = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode]
    return np.pad(x, widths, mode=numpy_mode)

def conv_matrix(k, input_shape):
    """Crashes the process on every call (a read at address 0)."""
    import ctypes
    ctypes.string_at(0)

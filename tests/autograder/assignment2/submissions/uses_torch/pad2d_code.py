def pad2d(x, pad, mode="constant", value=0.0):
    """Forbidden: torch does the work."""
    import torch
    t = torch.from_numpy(np.asarray(x, dtype=np.float64))
    if mode == "constant":
        return torch.nn.functional.pad(t, pad, value=value).numpy()
    return torch.nn.functional.pad(t, pad, mode=mode).numpy()

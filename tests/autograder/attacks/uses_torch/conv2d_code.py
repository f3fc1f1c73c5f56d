def conv2d(x, weight, bias=None, stride=1, padding=0):
    """Forbidden: torch does the work."""
    import torch
    t = lambda a: None if a is None else torch.from_numpy(a)
    return torch.nn.functional.conv2d(t(x), t(weight), t(bias), stride=stride, padding=padding).numpy()

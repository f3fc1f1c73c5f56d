from torch.nn.functional import conv2d as _torch_conv2d   # captured at import time


def conv2d(x, weight, bias=None, stride=1, padding=0):
    """Forbidden: torch's conv2d, captured before any test runs."""
    import torch
    t = lambda a: None if a is None else torch.from_numpy(a)
    return _torch_conv2d(t(x), t(weight), t(bias), stride=stride, padding=padding).numpy()

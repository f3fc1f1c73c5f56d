def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1):
    """Forbidden: torch's conv_transpose2d does the work."""
    import torch
    t = lambda a: None if a is None else torch.from_numpy(a)
    return torch.nn.functional.conv_transpose2d(t(x), t(weight), t(bias), stride=stride, padding=padding,
                                                output_padding=output_padding, groups=groups).numpy()

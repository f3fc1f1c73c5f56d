def conv_output_size(n, k, stride=1, padding=0, dilation=1):
    """Forbidden: torch does the work (the length of its conv1d's output)."""
    import torch
    return torch.nn.functional.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=stride,
                                      padding=padding, dilation=dilation).shape[-1]

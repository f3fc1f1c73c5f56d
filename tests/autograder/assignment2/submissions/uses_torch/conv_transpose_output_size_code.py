def conv_transpose_output_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
    """Forbidden: torch does the work (the length of its conv_transpose1d's output)."""
    import torch
    return torch.nn.functional.conv_transpose1d(
        torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=stride, padding=padding,
        output_padding=output_padding, dilation=dilation).shape[-1]

def depthwise_separable_params(in_channels, out_channels, kernel_size):
    """Torch does the graded work: it counts its own modules' parameters."""
    import torch
    layers = [torch.nn.Conv2d(in_channels, in_channels, kernel_size, groups=in_channels, bias=False,
                              device="meta"),
              torch.nn.Conv2d(in_channels, out_channels, 1, bias=False, device="meta")]
    return sum(p.numel() for layer in layers for p in layer.parameters())

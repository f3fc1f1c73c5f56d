def conv2d(x, weight, bias=None, stride=1, padding=0):
    """Conv layer: x (N, C_in, H, W), weight (C_out, C_in, kH, kW), bias (C_out,) or None
    -> (N, C_out, H_out, W_out), as torch.nn.functional.conv2d."""
    # YOUR CODE HERE
    raise NotImplementedError()

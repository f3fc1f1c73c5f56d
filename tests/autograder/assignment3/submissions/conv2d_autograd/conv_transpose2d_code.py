def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1):
    """Forbidden: the input gradient of torch's conv2d, by autograd, does the work (the
    transposed convolution is that gradient)."""
    import torch
    N, C_in, H, W = x.shape
    _, K_g, kh, kw = weight.shape
    H_out = (H - 1) * stride - 2 * padding + kh + output_padding
    W_out = (W - 1) * stride - 2 * padding + kw + output_padding
    z = torch.zeros(N, K_g * groups, H_out, W_out, dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.conv2d(z, torch.from_numpy(weight), stride=stride, padding=padding, groups=groups)
    y.backward(torch.from_numpy(x))
    out = z.grad.numpy()
    return out + bias[:, None, None] if bias is not None else out

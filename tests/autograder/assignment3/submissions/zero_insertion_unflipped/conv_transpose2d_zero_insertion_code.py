def conv_transpose2d_zero_insertion(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1):
    """Wrong: correlates with the kernels as they are, not turned by 180 degrees ("insert
    zeros, pad, then apply a standard convolution")."""
    C_in, K_g, kh, kw = weight.shape
    C_g = C_in // groups
    z = insert_zeros(x, stride)
    bh, bw = kh - 1 - padding, kw - 1 - padding
    z = np.pad(z, ((0, 0), (0, 0), (bh, bh + output_padding), (bw, bw + output_padding)))
    w = weight.reshape(groups, C_g, K_g, kh, kw).transpose(0, 2, 1, 3, 4).reshape(groups * K_g, C_g, kh, kw)
    y = correlate(z, w, groups)
    if bias is not None:
        y = y + bias[None, :, None, None]
    return y

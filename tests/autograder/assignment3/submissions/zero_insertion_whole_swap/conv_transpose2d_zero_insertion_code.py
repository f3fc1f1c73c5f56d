def conv_transpose2d_zero_insertion(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1):
    """Wrong: swaps the two channel axes of the whole weight, w.transpose(1, 0, 2, 3), which
    is right for one group only."""
    C_in, K_g, kh, kw = weight.shape
    z = insert_zeros(x, stride)
    bh, bw = kh - 1 - padding, kw - 1 - padding
    z = np.pad(z, ((0, 0), (0, 0), (bh, bh + output_padding), (bw, bw + output_padding)))
    w = weight[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)
    y = correlate(z, w, groups)
    if bias is not None:
        y = y + bias[None, :, None, None]
    return y

def conv_macs(input_shape, weight_shape, stride=1, padding=0):
    """Wrong: counts a multiply and an add separately (FLOPs), twice the multiply-adds."""
    N, C_in, H, W = input_shape
    C_out, _, kh, kw = weight_shape
    H_out, W_out = conv_output_size(H, kh, stride, padding), conv_output_size(W, kw, stride, padding)
    return 2 * N * C_out * H_out * W_out * C_in * kh * kw

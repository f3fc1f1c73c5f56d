def conv2d_gemm(x, weight, bias=None, stride=1, padding=0):
    N, C, H, W = x.shape
    K, _, kH, kW = weight.shape
    xp = np.zeros((N, C, H + 2 * padding, W + 2 * padding))
    xp[:, :, padding:padding + H, padding:padding + W] = x
    H_out, W_out = (H + 2 * padding - kH) // stride + 1, (W + 2 * padding - kW) // stride + 1
    y = weight.reshape(K, -1) @ im2col(xp, (kH, kW), stride)
    out = np.zeros((N, K, H_out, W_out))
    for n in range(N):
        out[n] = y[:, n * H_out * W_out:(n + 1) * H_out * W_out].reshape(K, H_out, W_out)
        if bias is not None:
            out[n] += bias.reshape(K, 1, 1)
    return out

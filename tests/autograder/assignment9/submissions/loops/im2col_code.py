def im2col(x_padded, kernel_size, stride):
    N, C, Hp, Wp = x_padded.shape
    kH, kW = kernel_size
    H_out, W_out = (Hp - kH) // stride + 1, (Wp - kW) // stride + 1
    cols = np.zeros((C * kH * kW, N * H_out * W_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = x_padded[n, :, i * stride:i * stride + kH, j * stride:j * stride + kW]
                cols[:, n * H_out * W_out + i * W_out + j] = window.reshape(-1)
    return cols

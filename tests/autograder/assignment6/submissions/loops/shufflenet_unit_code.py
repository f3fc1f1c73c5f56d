def shufflenet_unit(x, conv1_weight, conv1_bias, dw_weight, dw_bias, conv2_weight, conv2_bias,
                    groups, stride=1):
    """Honest, group by group: each grouped conv as convs on slices of the channels, the
    depthwise conv channel by channel, the average pool as a loop over windows."""
    def grouped(h, w, b, g, stride=1, padding=0):
        C_g, K_g = h.shape[1] // g, w.shape[0] // g
        parts = [conv2d(h[:, j * C_g:(j + 1) * C_g], w[j * K_g:(j + 1) * K_g],
                        b[j * K_g:(j + 1) * K_g], stride=stride, padding=padding)
                 for j in range(g)]
        return np.concatenate(parts, axis=1)

    M, k = conv1_weight.shape[0], dw_weight.shape[-1]
    h = np.maximum(grouped(x, conv1_weight, conv1_bias, groups), 0)
    h = channel_shuffle(h, groups)
    h = grouped(h, dw_weight, dw_bias, M, stride=stride, padding=k // 2)
    h = grouped(h, conv2_weight, conv2_bias, groups)
    if stride == 1:
        return np.maximum(x + h, 0)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    pooled = np.zeros(x.shape[:2] + h.shape[2:])
    for i in range(h.shape[2]):
        for j in range(h.shape[3]):
            pooled[:, :, i, j] = xp[:, :, 2 * i:2 * i + 3, 2 * j:2 * j + 3].sum(axis=(2, 3)) / 9
    return np.maximum(np.concatenate([pooled, h], axis=1), 0)

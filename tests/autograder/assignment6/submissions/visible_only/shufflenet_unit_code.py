def shufflenet_unit(x, conv1_weight, conv1_bias, dw_weight, dw_bias, conv2_weight, conv2_bias,
                    groups, stride=1):
    """Right for the visible 3x3 depthwise kernels only: padding 1 written in, where the
    rule is k // 2 (the hidden cases have 1x1 and 5x5 kernels too)."""
    M = conv1_weight.shape[0]
    h = np.maximum(conv2d(x, block_diagonal_weight(conv1_weight, groups), conv1_bias), 0)
    h = channel_shuffle(h, groups)
    h = conv2d(h, block_diagonal_weight(dw_weight, M), dw_bias, stride=stride, padding=1)
    h = conv2d(h, block_diagonal_weight(conv2_weight, groups), conv2_bias)
    if stride == 1:
        return np.maximum(x + h, 0)
    C = x.shape[1]
    pool = block_diagonal_weight(np.full((C, 1, 3, 3), 1 / 9), C)
    return np.maximum(np.concatenate([conv2d(x, pool, stride=2, padding=1), h], axis=1), 0)

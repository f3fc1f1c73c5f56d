def shufflenet_unit(x, conv1_weight, conv1_bias, dw_weight, dw_bias, conv2_weight, conv2_bias,
                    groups, stride=1):
    """Wrong: the average pool divides each window by its real pixels only (torch's
    count_include_pad=False), not by 9: different at the border of the map."""
    M, k = conv1_weight.shape[0], dw_weight.shape[-1]
    h = np.maximum(conv2d(x, block_diagonal_weight(conv1_weight, groups), conv1_bias), 0)
    h = channel_shuffle(h, groups)
    h = conv2d(h, block_diagonal_weight(dw_weight, M), dw_bias, stride=stride, padding=k // 2)
    h = conv2d(h, block_diagonal_weight(conv2_weight, groups), conv2_bias)
    if stride == 1:
        return np.maximum(x + h, 0)
    C = x.shape[1]
    ones = block_diagonal_weight(np.ones((C, 1, 3, 3)), C)
    sums = conv2d(x, ones, stride=2, padding=1)
    counts = conv2d(np.ones_like(x), ones, stride=2, padding=1)
    return np.maximum(np.concatenate([sums / counts, h], axis=1), 0)

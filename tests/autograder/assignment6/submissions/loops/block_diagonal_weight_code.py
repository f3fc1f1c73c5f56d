def block_diagonal_weight(weight, groups):
    """Honest, filter by filter: filter k's kernels go to the channels of its group."""
    K, C_g = weight.shape[:2]
    dense = np.zeros((K, groups * C_g) + weight.shape[2:])
    for k in range(K):
        r = k // (K // groups)
        for c in range(C_g):
            dense[k, r * C_g + c] = weight[k, c]
    return dense

def block_diagonal_weight(weight, groups):
    """Wrong: block j starts at input channel j K/g (the filters' offset) instead of j C/g,
    as if the blocks were square."""
    K, C_g, kh, kw = weight.shape
    K_g = K // groups
    dense = np.zeros((K, groups * C_g, kh, kw))
    for j in range(groups):
        dense[j * K_g:(j + 1) * K_g, j * K_g:j * K_g + C_g] = weight[j * K_g:(j + 1) * K_g]
    return dense

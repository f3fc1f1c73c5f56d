def winograd_f23(d, g):
    AT = np.array([[1, 1, 1, 0], [0, 1, -1, -1]], dtype=float)
    tiles = (len(d) - 2) // 2                  # rounds down: an odd last output is lost
    y = [AT @ winograd_f23_products(d[2 * t:2 * t + 4], g) for t in range(tiles)]
    return np.concatenate(y) if y else np.zeros(0)

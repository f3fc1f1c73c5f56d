def winograd_f23(d, g):
    n_out = len(d) - 2
    y = np.zeros(n_out)
    for t in range(0, n_out, 2):
        tile = np.zeros(4)
        part = d[t:t + 4]
        tile[:len(part)] = part
        m = winograd_f23_products(tile, g)
        y[t] = m[0] + m[1] + m[2]
        if t + 1 < n_out:
            y[t + 1] = m[1] - m[2] - m[3]
    return y

def holes(kernel_size, dilations):
    """Wrong: the holes of one row of the field (its first), as if the map were 1-D; the
    square has a hole wherever its row or its column has one."""
    counts = coverage_map(kernel_size, dilations)
    return int(np.sum(counts[0] == 0))

import itertools


def coverage_map(kernel_size, dilations):
    """Honest, by enumeration: every choice of one tap per layer is a path to an offset."""
    R = receptive_field([(kernel_size, 1, d) for d in dilations])
    counts = np.zeros(R)
    for taps in itertools.product(range(kernel_size), repeat=len(dilations)):
        counts[sum(u * d for u, d in zip(taps, dilations))] += 1
    return counts[:, None] * counts[None, :]

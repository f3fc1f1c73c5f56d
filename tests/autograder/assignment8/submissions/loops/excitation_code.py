import math


def excitation(z, fc1_weight, fc1_bias, fc2_weight, fc2_bias):
    """Honest, with loops: every sum of the formula written out; a sigmoid that never overflows."""
    N, C = z.shape
    S = fc1_weight.shape[0]
    s = np.zeros((N, C))
    for n in range(N):
        h = [max(0.0, fc1_bias[q] + sum(fc1_weight[q, c] * z[n, c] for c in range(C)))
             for q in range(S)]
        for c in range(C):
            a = fc2_bias[c] + sum(fc2_weight[c, q] * h[q] for q in range(S))
            s[n, c] = 1 / (1 + math.exp(-a)) if a >= 0 else math.exp(a) / (1 + math.exp(a))
    return s

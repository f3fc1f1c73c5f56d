# Attack: return a dict whose int keys all hash to 0, sent lazily by a dict subclass, so that the
# judge's protocol.decode spends O(n^2) time building it, outside every deadline (the worker is held).
class _Flood(dict):
    def items(self):
        return ((i * (2**61 - 1), 0) for i in range(1, {FLOOD_KEYS} + 1))


def corr2d(x, k):
    """Wrong on purpose: the attack is the time the judge spends decoding the answer."""
    return _Flood()

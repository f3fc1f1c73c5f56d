# Attack: the right number, in the wrong type, to slip past expect_int: np.bool_, np.float64, a 0-d
# array, a float, True, a str, complex, a one-element list; one per call, in turn.
import numpy as np

_calls = []


def conv_output_size(n, k, stride=1, padding=0):
    right = (n + 2 * padding - k) // stride + 1
    options = [np.bool_(right), np.float64(right), np.array(right), float(right), right == right,
               str(right), complex(right), [right]]
    _calls.append(1)
    return options[len(_calls) % len(options)]

"""squeeze_excitation against torchvision.ops.SqueezeExcitation."""
import warnings

import numpy as np
import pytest
import torch
from torchvision.ops import SqueezeExcitation

from convzoo.excitation import squeeze_excitation, squeeze_excitation_loop

F64 = dict(rtol=1e-10, atol=1e-12)
F32 = dict(rtol=1e-5, atol=1e-6)       # float32: a mean, two short dot products, a sigmoid
FUNCTIONS = [squeeze_excitation, squeeze_excitation_loop]


def random_case(rng, dtype=np.float64, scale=1.0):
    """x and torchvision-shaped weights (S, C, 1, 1), (S,), (C, S, 1, 1), (C,)."""
    N, C, S, H, W = (int(v) for v in rng.integers(1, [4, 9, 6, 7, 7]))
    x = rng.standard_normal((N, C, H, W)) * scale
    weights = [rng.standard_normal(s) * scale for s in ((S, C, 1, 1), (S,), (C, S, 1, 1), (C,))]
    return [a.astype(dtype) for a in [x] + weights]


def torchvision_se(x, w1, b1, w2, b2):
    C, S = w2.shape[:2]
    se = SqueezeExcitation(C, S).to(torch.from_numpy(x).dtype)
    with torch.no_grad():
        for param, value in zip((se.fc1.weight, se.fc1.bias, se.fc2.weight, se.fc2.bias),
                                (w1, b1, w2, b2)):
            param.copy_(torch.from_numpy(value).reshape(param.shape))
        return se(torch.from_numpy(x)).numpy()


@pytest.mark.parametrize("case", range(100))
def test_squeeze_excitation_matches_torchvision(case):
    rng = np.random.default_rng(case)
    args = random_case(rng, scale=[0.5, 1, 4][case % 3])     # scale 4 saturates the gates
    expected = torchvision_se(*args)
    for f in FUNCTIONS:
        np.testing.assert_allclose(f(*args), expected, **F64)


@pytest.mark.parametrize("case", range(100))
def test_weights_as_matrices_give_the_same_as_1x1_conv_weights(case):
    x, w1, b1, w2, b2 = random_case(np.random.default_rng(1000 + case))
    expected = torchvision_se(x, w1, b1, w2, b2)
    for f in FUNCTIONS:
        np.testing.assert_allclose(f(x, w1[:, :, 0, 0], b1, w2[:, :, 0, 0], b2), expected,
                                   **F64)
        np.testing.assert_allclose(f(x, w1, b1, w2[:, :, 0, 0], b2), expected, **F64)


@pytest.mark.parametrize("case", range(30))
def test_float32_matches_torchvision_within_float32_tolerance(case):
    args = random_case(np.random.default_rng(2000 + case), np.float32)
    expected = torchvision_se(*args)
    for f in FUNCTIONS:
        y = f(*args)
        assert y.dtype == np.float32
        np.testing.assert_allclose(y, expected, **F32)


def test_mixed_precision_computes_in_float64_like_torch_promotion(rng):
    """float32 x with float64 weights: the mean, the gate and the product are all float64."""
    x, w1, b1, w2, b2 = random_case(rng, scale=3)
    x32 = x.astype(np.float32)
    expected = torchvision_se(x32.astype(np.float64), w1, b1, w2, b2)
    for f in FUNCTIONS:
        y = f(x32, w1, b1, w2, b2)
        assert y.dtype == np.float64
        np.testing.assert_allclose(y, expected, **F64)


def test_gate_is_the_sigmoid_of_the_channel_mean_path(rng):
    """With one channel, S = 1, unit weights and no bias: out = x * sigmoid(relu(mean x))."""
    x = rng.standard_normal((3, 1, 4, 5)) + 0.3
    y = squeeze_excitation(x, np.ones((1, 1)), None, np.ones((1, 1)), None)
    gate = 1 / (1 + np.exp(-np.maximum(x.mean(axis=(2, 3), keepdims=True), 0)))
    np.testing.assert_allclose(y, x * gate, **F64)
    np.testing.assert_allclose(squeeze_excitation_loop(x, np.ones((1, 1)), None,
                                                       np.ones((1, 1)), None), x * gate, **F64)


def test_no_bias_is_zero_bias(rng):
    x, w1, b1, w2, b2 = random_case(rng)
    expected = torchvision_se(x, w1, np.zeros_like(b1), w2, np.zeros_like(b2))
    for f in FUNCTIONS:
        np.testing.assert_allclose(f(x, w1, None, w2, None), expected, **F64)


def test_extreme_gates_saturate_to_0_and_1_without_warnings(rng):
    x = rng.standard_normal((1, 2, 3, 3)).astype(np.float32)
    w1 = np.zeros((1, 2), np.float32)
    w2 = np.zeros((2, 1), np.float32)
    b2 = np.array([-1e4, 1e4], np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                   # numpy's default errstate warns
        for f in FUNCTIONS:
            y = f(x, w1, None, w2, b2)
            np.testing.assert_array_equal(y[0, 0], 0)
            np.testing.assert_array_equal(y[0, 1], x[0, 1])


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (2, 5, 1, 1), (1, 3, 1, 7)])
def test_one_pixel_and_one_channel_inputs_match_torchvision(rng, shape):
    N, C, H, W = shape
    x = rng.standard_normal(shape)
    args = [x] + [rng.standard_normal(s) for s in ((2, C, 1, 1), (2,), (C, 2, 1, 1), (C,))]
    for f in FUNCTIONS:
        np.testing.assert_allclose(f(*args), torchvision_se(*args), **F64)


@pytest.mark.parametrize("dtype, expected", [(np.float32, np.float32), (np.float64, np.float64),
                                             (np.int64, np.float64)])
def test_dtype_is_kept_and_integers_become_float64(rng, dtype, expected):
    x, w1, b1, w2, b2 = ((a * 3).astype(dtype) for a in random_case(rng))
    for f in FUNCTIONS:
        assert f(x, w1, b1, w2, b2).dtype == expected


def test_inputs_are_not_modified(rng):
    args = random_case(rng)
    copies = [a.copy() for a in args]
    for f in FUNCTIONS:
        y = f(*args)
        assert not np.shares_memory(y, args[0])
        y[...] = 0
    for a, c in zip(args, copies):
        np.testing.assert_array_equal(a, c)


X = np.zeros((2, 4, 3, 3))
W1, B1, W2, B2 = np.zeros((2, 4)), np.zeros(2), np.zeros((4, 2)), np.zeros(4)


@pytest.mark.parametrize("args, match", [
    ((X[0], W1, B1, W2, B2), "^x must be 4-D"),
    ((X[:, :, :0], W1, B1, W2, B2), "^x must have at least one channel and pixel"),
    ((X.astype(object), W1, B1, W2, B2), "^x must hold numbers"),
    ((X, np.zeros((2, 3)), B1, W2, B2), r"^fc1_weight must have shape \(2, 4\)"),
    ((X, np.zeros((2, 4, 3, 3)), B1, W2, B2), "^fc1_weight"),
    ((X, np.zeros((2, 4, 1)), B1, W2, B2), "^fc1_weight"),
    ((X, np.zeros(4), B1, W2, B2), "^fc1_weight"),
    ((X, np.zeros((0, 4)), B1, W2, B2), "^fc1_weight"),
    ((X, W1, np.zeros(4), W2, B2), r"^fc1_bias must have shape \(2,\)"),
    ((X, W1, np.zeros((2, 1)), W2, B2), "^fc1_bias"),
    ((X, W1, B1, np.zeros((2, 4)), B2), r"^fc2_weight must have shape \(4, 2\)"),
    ((X, W1, B1, np.zeros((4, 3, 1, 1)), B2), "^fc2_weight"),
    ((X, W1, B1, W2, np.zeros(2)), r"^fc2_bias must have shape \(4,\)"),
    ((X, W1, B1, W2, np.zeros(4, complex)), "^fc2_bias must be real"),
])
@pytest.mark.parametrize("f", FUNCTIONS)
def test_bad_input_raises_value_error_naming_the_argument(f, args, match):
    with pytest.raises(ValueError, match=match):
        f(*args)

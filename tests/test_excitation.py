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


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Tiny tensors: torch's thread pool only costs time (and more on a busy machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


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


# -- the gates, the cost, and where the block sits in a residual block -------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from torchvision.models.resnet import Bottleneck  # noqa: E402

from convzoo.convolution import conv2d  # noqa: E402
from convzoo.excitation import (SE_POSITIONS, excitation, se_residual_block,  # noqa: E402
                                squeeze_excitation_cost)


@st.composite
def se_cases(draw):
    """x and torchvision-shaped weights, S = C // r squeeze channels for a drawn ratio r."""
    C = draw(st.integers(1, 48))
    S = max(1, C // draw(st.sampled_from([1, 2, 4, 8, 16])))
    N, H, W = draw(st.integers(1, 3)), draw(st.integers(1, 6)), draw(st.integers(1, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([0.3, 1.0, 3.0]))
    return [rng.standard_normal(shape) * scale
            for shape in ((N, C, H, W), (S, C, 1, 1), (S,), (C, S, 1, 1), (C,))]


def torchvision_gates(x, w1, b1, w2, b2):
    """The gate torchvision's SqueezeExcitation multiplies by, from its own layers."""
    C, S = w2.shape[:2]
    se = SqueezeExcitation(C, S).double()
    with torch.no_grad():
        for param, value in zip((se.fc1.weight, se.fc1.bias, se.fc2.weight, se.fc2.bias),
                                (w1, b1, w2, b2)):
            param.copy_(torch.from_numpy(value).reshape(param.shape))
        pooled = se.avgpool(torch.from_numpy(x))
        return se.scale_activation(se.fc2(se.activation(se.fc1(pooled))))[:, :, 0, 0].numpy()


@settings(max_examples=40)             # modest: the course's CI budget is shared by nine chapters
@given(se_cases())
def test_excitation_is_the_gate_torchvision_multiplies_by(case):
    x, w1, b1, w2, b2 = case
    np.testing.assert_allclose(excitation(x.mean(axis=(2, 3)), w1, b1, w2, b2),
                               torchvision_gates(x, w1, b1, w2, b2), **F64)


@settings(max_examples=40)             # modest: the course's CI budget is shared by nine chapters
@given(se_cases())
def test_squeeze_excitation_matches_torchvision_for_drawn_reduction_ratios(case):
    for f in FUNCTIONS:
        np.testing.assert_allclose(f(*case), torchvision_se(*case), **F64)


@settings(max_examples=40)             # modest: the course's CI budget is shared by nine chapters
@given(se_cases())
def test_gates_lie_in_0_1_so_no_channel_grows(case):
    x, w1, b1, w2, b2 = case
    s = excitation(x.mean(axis=(2, 3)), w1, b1, w2, b2)
    assert np.all((0 <= s) & (s <= 1))
    assert np.all(np.abs(squeeze_excitation(*case)) <= np.abs(x))


@pytest.mark.parametrize("C, S, bias", [(1, 1, True), (256, 16, True), (256, 16, False),
                                        (100, 6, True), (2048, 128, True), (7, 3, False)])
def test_squeeze_excitation_cost_counts_torchvision_parameters_and_fc_macs(C, S, bias):
    se = SqueezeExcitation(C, S).to("meta")
    if not bias:
        se.fc1.bias, se.fc2.bias = None, None
    params, macs = squeeze_excitation_cost(C, S, bias=bias)
    assert params == sum(p.numel() for p in se.parameters())
    assert macs == se.fc1.weight.numel() + se.fc2.weight.numel()       # one MAC per weight


def test_excitation_bad_input_names_the_argument():
    z = np.zeros((2, 4))
    with pytest.raises(ValueError, match=r"^z must be 2-D \(N, C\)"):
        excitation(np.zeros((2, 4, 1, 1)), W1, B1, W2, B2)
    with pytest.raises(ValueError, match=r"^fc1_weight must have shape \(2, 4\).*to match z \(2, 4\)"):
        excitation(z, np.zeros((2, 3)), B1, W2, B2)
    with pytest.raises(ValueError, match=r"^fc2_bias must have shape \(4,\)"):
        excitation(z, W1, B1, W2, np.zeros(3))


# torchvision's Bottleneck with its BatchNorms made the identity (eval mode, running mean 0,
# running variance 1, weight sqrt(1 + eps)), and an SE module put where each position says.
def bottleneck_with_se(planes, w, se, position):
    block = Bottleneck(4 * planes, planes).double().eval()
    with torch.no_grad():
        for conv, weight in zip((block.conv1, block.conv2, block.conv3), w):
            conv.weight.copy_(torch.from_numpy(weight))
        for bn in (block.bn1, block.bn2, block.bn3):
            bn.weight.fill_(np.sqrt(1 + bn.eps))
            bn.bias.zero_()
    if position == "standard":
        block.bn3 = torch.nn.Sequential(block.bn3, se)
    elif position == "pre":
        block.conv1 = torch.nn.Sequential(se, block.conv1)
    elif position == "post":
        block = torch.nn.Sequential(block, se)
    else:
        block.downsample = se                          # the identity path is downsample(x)
    return block


@settings(max_examples=30)                   # each example builds four torchvision blocks
@given(st.data())
def test_se_residual_block_puts_se_where_torchvision_modules_put_it(data):
    planes, N = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 2))
    H, W, S = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 5)), data.draw(st.integers(1, 3))
    C = 4 * planes
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal((N, C, H, W))
    w = [rng.standard_normal(s) for s in ((planes, C, 1, 1), (planes, planes, 3, 3),
                                          (C, planes, 1, 1))]
    se_weights = [rng.standard_normal(s) for s in ((S, C, 1, 1), (S,), (C, S, 1, 1), (C,))]
    se = SqueezeExcitation(C, S).double()
    with torch.no_grad():
        for param, value in zip((se.fc1.weight, se.fc1.bias, se.fc2.weight, se.fc2.bias),
                                se_weights):
            param.copy_(torch.from_numpy(value))

    def residual(a):
        a = np.maximum(conv2d(a, w[0]), 0)
        return conv2d(np.maximum(conv2d(a, w[1], padding=1), 0), w[2])

    for position in SE_POSITIONS:
        ours = se_residual_block(x, residual, lambda a: squeeze_excitation(a, *se_weights),
                                 position)
        with torch.no_grad():
            theirs = bottleneck_with_se(planes, w, se, position)(torch.from_numpy(x)).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-11, err_msg=position)


def test_only_the_branch_positions_leave_the_identity_path_alone(rng):
    """With a branch that outputs zero, standard and pre return relu(x); post and identity
    scale it by the gates."""
    x = np.abs(rng.standard_normal((2, 4, 3, 3)))
    weights = [rng.standard_normal(s) for s in ((2, 4), (2,), (4, 2), (4,))]
    se = lambda a: squeeze_excitation(a, *weights)                     # noqa: E731
    zero = np.zeros_like
    for position, untouched in zip(SE_POSITIONS, (True, True, False, False)):
        y = se_residual_block(x, zero, se, position)
        assert np.array_equal(y, x) == untouched, position


def test_se_residual_block_refuses_an_unknown_position(rng):
    x = rng.standard_normal((1, 2, 3, 3))
    with pytest.raises(ValueError, match=r"^position must be one of \('standard', 'pre', 'post', 'identity'\), got 'after'"):
        se_residual_block(x, lambda a: a, lambda a: a, "after")
    with pytest.raises(ValueError, match="^x must be 4-D"):
        se_residual_block(x[0], lambda a: a, lambda a: a)

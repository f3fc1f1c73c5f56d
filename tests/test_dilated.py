"""convzoo.dilated against torch: the zero-inserted kernel, the phases, coverage and the rule
for holes, the gradient of one output unit of a stack, and the causal convolution."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import example, given, settings
from hypothesis import strategies as st

from convzoo.arithmetic import receptive_field
from convzoo.convolution import conv1d, conv2d, conv3d
from convzoo.dilated import (causal_conv1d, causal_conv1d_loop, coverage, coverage_map,
                             covers_without_holes, dilate_kernel, dilated_conv2d_by_phases,
                             effective_kernel_size, stack_input_gradient)

FAST = {1: conv1d, 2: conv2d, 3: conv3d}
TORCH = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
t = torch.from_numpy


@st.composite
def dilated_cases(draw, dims, stride=True):
    """x, weight, bias and the keywords of a random dilated convolution that torch accepts."""
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 5)) for _ in range(dims))
    strides = tuple(draw(st.integers(1, 3)) if stride else 1 for _ in range(dims))
    padding = tuple(draw(st.integers(0, 3)) for _ in range(dims))
    size = tuple(max(1, d * (k - 1) + 1 - 2 * p) + draw(st.integers(0, 5 if dims < 3 else 2))
                 for k, d, p in zip(kernel, dilation, padding))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal((draw(st.integers(1, 2)), c_in) + size)
    weight = rng.standard_normal((c_out, c_in // groups) + kernel)
    bias = rng.standard_normal(c_out) if draw(st.booleans()) else None
    return x, weight, bias, dict(stride=strides, padding=padding, dilation=dilation,
                                 groups=groups)


def torch_conv(dims, x, weight, bias, **kw):
    return TORCH[dims](t(x), t(weight), None if bias is None else t(bias), **kw).numpy()


# ----------------------------------------------------------------------------- the kernel


@pytest.mark.parametrize("dims", [1, 2, 3])
@settings(max_examples=30)          # each example calls torch: 30 keep the file within its budget
@given(data=st.data())
def test_an_ordinary_conv_with_the_zero_inserted_kernel_is_torchs_dilated_conv(dims, data):
    x, weight, bias, kw = data.draw(dilated_cases(dims))
    dilation = kw.pop("dilation")
    out = FAST[dims](x, dilate_kernel(weight, dilation), bias, **kw)
    expected = torch_conv(dims, x, weight, bias, dilation=dilation, **kw)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-10)


@settings(max_examples=30)          # each example calls torch: 30 keep the file within its budget
@given(k=st.integers(1, 9), d=st.integers(1, 9))
def test_effective_kernel_size_is_the_smallest_input_torch_accepts(k, d):
    span = effective_kernel_size(k, d)
    assert span == k + (k - 1) * (d - 1) == d * (k - 1) + 1
    w = torch.ones(1, 1, k)
    assert F.conv1d(torch.ones(1, 1, span), w, dilation=d).shape[-1] == 1
    if span > 1:
        with pytest.raises(RuntimeError):
            F.conv1d(torch.ones(1, 1, span - 1), w, dilation=d)


def test_effective_kernel_size_takes_tuples_per_dim():
    assert effective_kernel_size((3, 2, 1), (2, 4, 7)) == (5, 5, 1)
    assert effective_kernel_size((3, 5), 3) == (7, 13)


def test_dilate_kernel_puts_taps_d_apart_and_d_minus_1_zeros_between(rng):
    w = rng.standard_normal((2, 3, 3, 2)) + 5.0            # no tap is zero
    big = dilate_kernel(w, (2, 4))
    assert big.shape == (2, 3, 5, 5)
    assert np.array_equal(big[:, :, ::2, ::4], w)
    assert np.count_nonzero(big) == w.size                  # everything else is a zero
    assert np.count_nonzero(big[0, 0, 0, 1:4]) == 0         # d - 1 = 3 zeros between taps


def test_dilation_one_and_one_by_one_kernels_are_left_as_they_are(rng):
    w = rng.standard_normal((2, 1, 3, 4))
    assert np.array_equal(dilate_kernel(w, 1), w)
    one = rng.standard_normal((3, 2, 1, 1))
    assert np.array_equal(dilate_kernel(one, 7), one)


def test_dilate_kernel_keeps_float32_and_leaves_its_input_alone(rng):
    w = rng.standard_normal((1, 1, 2, 2)).astype(np.float32)
    before = w.copy()
    assert dilate_kernel(w, 3).dtype == np.float32
    assert np.array_equal(w, before)


@settings(max_examples=30)          # each example calls torch: 30 keep the file within its budget
@given(data=st.data())
def test_the_phases_give_torchs_dilated_conv2d(data):
    x, weight, bias, kw = data.draw(dilated_cases(2, stride=False))
    kw.pop("stride")
    out = dilated_conv2d_by_phases(x, weight, bias, **kw)
    expected = torch_conv(2, x, weight, bias, **kw)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-10)


def test_the_phases_with_fewer_outputs_than_the_dilation(rng):
    x, w = rng.standard_normal((1, 1, 9, 3)), rng.standard_normal((1, 1, 3, 1))
    out = dilated_conv2d_by_phases(x, w, dilation=(4, 5))  # 1 output row: phases 1..3 empty
    np.testing.assert_allclose(out, torch_conv(2, x, w, None, dilation=(4, 5)), atol=1e-12)
    assert dilated_conv2d_by_phases(x[0], w, dilation=4).shape == (1, 1, 3)   # unbatched


# ----------------------------------------------------------------------------- coverage


@st.composite
def stacks(draw, max_layers=4, stride=True):
    n = draw(st.integers(1, max_layers))
    return [(draw(st.integers(1, 4)), draw(st.integers(1, 3)) if stride else 1,
             draw(st.integers(1, 5))) for _ in range(n)]


def torch_unit_gradient_1d(layers):
    """d y[0] / d x of a stack of torch conv1d layers with every weight 1 (no padding), on an
    input just long enough for one output: the counts of paths, by autograd."""
    x = torch.zeros(1, 1, receptive_field(layers), dtype=torch.float64, requires_grad=True)
    y = x
    for k, s, d in layers:
        y = F.conv1d(y, torch.ones(1, 1, k, dtype=torch.float64), stride=s, dilation=d)
    assert y.shape[-1] == 1
    y[0, 0, 0].backward()
    return x.grad[0, 0].numpy()


@settings(max_examples=30)          # each example calls torch: 30 keep the file within its budget
@given(layers=stacks())
@example(layers=[(4, 1, 1), (4, 2, 1), (3, 1, 2)])   # many paths to one pixel
def test_coverage_is_torchs_gradient_of_one_unit_with_all_weights_one(layers):
    counts = coverage(layers)
    assert counts.dtype == np.int64 and counts.shape == (receptive_field(layers),)
    assert np.array_equal(counts, torch_unit_gradient_1d(layers))


def test_coverage_map_is_the_gradient_of_a_2d_stack(rng):
    layers = [(3, 1, 1), (3, 1, 2), (3, 1, 2)]
    R = receptive_field(layers)
    x = torch.zeros(1, 1, R, R, dtype=torch.float64, requires_grad=True)
    y = x
    for k, _, d in layers:
        y = F.conv2d(y, torch.ones(1, 1, k, k, dtype=torch.float64), dilation=d)
    y[0, 0, 0, 0].backward()
    assert np.array_equal(coverage_map(layers), x.grad[0, 0].numpy())


def test_known_coverages():
    assert list(coverage([(3, 1, 2)] * 2)) == [1, 0, 2, 0, 3, 0, 2, 0, 1]
    assert list(coverage([(3, 1, 1), (3, 1, 3), (3, 1, 9)])) == [1] * 27   # base 3: one path each
    assert list(coverage([(2, 1, 1), (2, 1, 2), (2, 1, 4)])) == [1] * 8    # WaveNet: base 2


@given(k=st.integers(1, 5), rates=st.lists(st.integers(1, 12), min_size=1, max_size=6))
def test_the_rule_for_holes_agrees_with_the_coverage_in_any_order(k, rates):
    holes = bool((coverage([(k, 1, r) for r in rates]) == 0).any())
    assert covers_without_holes(k, rates) == (not holes)
    assert covers_without_holes(k, rates[::-1]) == (not holes)


def test_the_rule_on_the_rates_of_the_hdc_paper():
    assert covers_without_holes(3, [1, 2, 5]) and covers_without_holes(3, [5, 2, 1])
    assert not covers_without_holes(3, [1, 2, 9])          # no common factor, still holes
    assert not covers_without_holes(3, [2, 2, 2]) and not covers_without_holes(3, [2, 4, 8])
    assert covers_without_holes(3, [1, 2, 7]) and not covers_without_holes(3, [1, 2, 8])
    assert covers_without_holes(1, [5, 9])                  # 1x1 kernels read one pixel


# ----------------------------------------------------------------------------- the gradient


@st.composite
def conv_stacks(draw):
    """weights, strides, dilations of a random stack, an input it fits, and a position."""
    n = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    channels = [draw(st.integers(1, 2)) for _ in range(n + 1)]
    weights, strides, dilations = [], [], []
    for i in range(n):
        kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        weights.append(rng.standard_normal((channels[i + 1], channels[i], kh, kw)))
        strides.append(draw(st.integers(1, 2)))
        dilations.append(draw(st.integers(1, 3)))
    rf = receptive_field([(max(w.shape[2:]), s, d) for w, s, d in zip(weights, strides,
                                                                      dilations)])
    extra = draw(st.integers(0, 4)), draw(st.integers(0, 4))
    x_shape = (draw(st.integers(1, 2)), channels[0], rf + extra[0], rf + extra[1])
    return x_shape, weights, strides, dilations


@settings(max_examples=30)          # each example calls torch: 30 keep the file within its budget
@given(case=conv_stacks(), where=st.tuples(st.floats(0, 1), st.floats(0, 1)))
def test_stack_input_gradient_is_torchs_autograd(case, where):
    x_shape, weights, strides, dilations = case
    x = torch.zeros(x_shape, dtype=torch.float64, requires_grad=True)
    y = x
    for w, s, d in zip(weights, strides, dilations):
        y = F.conv2d(y, t(w), stride=s, dilation=d)
    i, j = (int(f * (n - 1)) for f, n in zip(where, y.shape[2:]))
    y[0, 0, i, j].backward()
    ours = stack_input_gradient(x_shape, weights, strides, dilations, position=(i, j))
    np.testing.assert_allclose(ours, x.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_the_support_of_the_gradient_is_the_receptive_field(rng):
    rates = [1, 2, 4]
    weights = [rng.uniform(0.5, 1.5, (1, 1, 3, 3)) for _ in rates]    # positive: no cancelling
    g = stack_input_gradient((1, 1, 21, 21), weights, dilation=rates, position=(2, 3))
    rows, cols = np.nonzero(g[0, 0])
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (2, 2 + 14, 3, 3 + 14)
    assert receptive_field([(3, 1, d) for d in rates]) == 15
    assert np.array_equal(g[0, 0, 2:17, 3:18] > 0, coverage_map([(3, 1, d) for d in rates]) > 0)


def test_stack_input_gradient_defaults_to_the_centre_unit():
    g = stack_input_gradient((1, 1, 9, 9), [np.ones((1, 1, 3, 3))], dilation=2)
    # the output is 5 x 5, its centre (2, 2) reads rows and columns 2, 4, 6
    assert np.array_equal(np.argwhere(g[0, 0])[[0, -1]], [[2, 2], [6, 6]])


# ----------------------------------------------------------------------------- causal


@st.composite
def causal_cases(draw):
    groups = draw(st.integers(1, 2))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    k, d, s = draw(st.integers(1, 4)), draw(st.integers(1, 6)), draw(st.integers(1, 3))
    T = draw(st.integers(1, 12))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal((draw(st.integers(1, 2)), c_in, T))
    weight = rng.standard_normal((c_out, c_in // groups, k))
    bias = rng.standard_normal(c_out) if draw(st.booleans()) else None
    return x, weight, bias, dict(stride=s, dilation=d, groups=groups)


def torch_causal(x, weight, bias, stride, dilation, groups):
    left = dilation * (weight.shape[2] - 1)
    return F.conv1d(F.pad(t(x), (left, 0)), t(weight), None if bias is None else t(bias),
                    stride=stride, dilation=dilation, groups=groups).numpy()


@settings(max_examples=30)          # each example calls torch: 30 keep the file within its budget
@given(case=causal_cases())
def test_causal_conv1d_is_torchs_conv1d_on_a_left_padded_input(case):
    x, weight, bias, kw = case
    expected = torch_causal(x, weight, bias, **kw)
    for f in (causal_conv1d, causal_conv1d_loop):
        out = f(x, weight, bias, **kw)
        assert out.shape == expected.shape == x.shape[:1] + (weight.shape[0],
                                                             (x.shape[2] - 1) // kw["stride"] + 1)
        np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-10)


@given(case=causal_cases(), cut=st.floats(0, 1))
def test_the_output_at_t_does_not_change_when_inputs_after_t_do(case, cut):
    x, weight, bias, kw = case
    s = kw["stride"]
    t_out = int(cut * ((x.shape[2] - 1) // s))           # an output time; it reads x up to t s
    changed = x.copy()
    changed[..., t_out * s + 1:] += 100.0
    for f in (causal_conv1d, causal_conv1d_loop):
        before, after = f(x, weight, bias, **kw), f(changed, weight, bias, **kw)
        assert np.array_equal(before[..., :t_out + 1], after[..., :t_out + 1])
        if (t_out + 1) * s < x.shape[2]:                  # the next output's newest input
            assert not np.allclose(before[..., t_out + 1], after[..., t_out + 1])


def test_a_wavenet_stack_reads_2_to_the_L_inputs_and_none_after_t(rng):
    rates = [1, 2, 4, 8]
    T, t_out = 40, 30
    weights = [rng.uniform(0.5, 1.5, (1, 1, 2)) for _ in rates]
    x = torch.zeros(1, 1, T, dtype=torch.float64, requires_grad=True)
    y = x
    for w, d in zip(weights, rates):
        y = F.conv1d(F.pad(y, (d, 0)), t(w), dilation=d)
    y[0, 0, t_out].backward()
    read = np.flatnonzero(x.grad[0, 0].numpy())
    assert list(read) == list(range(t_out - 15, t_out + 1))   # 2^4 inputs, the last one is t
    h = x.detach().numpy()
    for w, d in zip(weights, rates):
        h = causal_conv1d(h, w, dilation=d)
    np.testing.assert_allclose(h, y.detach().numpy(), atol=1e-12)


def test_causal_conv1d_unbatched_and_float32(rng):
    x = rng.standard_normal((2, 7)).astype(np.float32)
    w = rng.standard_normal((3, 2, 2)).astype(np.float32)
    out = causal_conv1d(x, w, dilation=3)
    assert out.shape == (3, 7) and out.dtype == np.float32
    np.testing.assert_allclose(out, causal_conv1d_loop(x, w, dilation=3), rtol=1e-5, atol=1e-5)


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("call, words", [
    (lambda: dilate_kernel(np.ones((3, 3)), 2), ["weight", "(3, 3)"]),
    (lambda: dilate_kernel(np.ones((1, 1, 3, 3)), 0), ["dilation", ">= 1"]),
    (lambda: dilate_kernel(np.ones((1, 1, 3, 3)), (2, 2, 2)), ["dilation", "2 ints"]),
    (lambda: dilate_kernel(np.ones((1, 1, 0, 3)), 2), ["weight", "(1, 1, 0, 3)", "empty"]),
    (lambda: effective_kernel_size(0, 2), ["kernel_size", ">= 1"]),
    (lambda: effective_kernel_size((3, 3), (1, 2, 3)), ["dilation", "2 ints"]),
    (lambda: coverage([(3, 1)]), ["layers[0]", "(3, 1)"]),
    (lambda: coverage([(3, 1, 0)]), ["dilation", ">= 1"]),
    (lambda: covers_without_holes(3, []), ["dilations", "[]"]),
    (lambda: covers_without_holes(3, [1, 0]), ["dilations", ">= 1"]),
    (lambda: dilated_conv2d_by_phases(np.ones((1, 2, 5, 5)), np.ones((1, 3, 3, 3))),
     ["weight", "(1, 3, 3, 3)", "x", "(1, 2, 5, 5)"]),
    (lambda: stack_input_gradient((1, 2, 9, 9), [np.ones((1, 1, 3, 3))]),
     ["weights[0]", "(1, 1, 3, 3)", "2 channels", "(1, 2, 9, 9)"]),
    (lambda: stack_input_gradient((1, 1, 4, 9), [np.ones((1, 1, 3, 3))], dilation=2),
     ["weights[0]", "dilation 2", "(1, 1, 4, 9)"]),
    (lambda: stack_input_gradient((1, 1, 9, 9), [np.ones((1, 1, 3, 3))] * 2, dilation=[1]),
     ["dilation", "2 ints"]),
    (lambda: stack_input_gradient((1, 1, 9, 9), [np.ones((1, 1, 3, 3))], position=(7, 0)),
     ["position", "(7, 7)", "(7, 0)"]),
    (lambda: stack_input_gradient((9, 9), [np.ones((1, 1, 3, 3))]), ["x_shape", "(9, 9)"]),
    (lambda: causal_conv1d(np.ones((1, 2, 5)), np.ones((1, 2, 2, 2))), ["weight", "3-D",
                                                                         "(1, 2, 2, 2)"]),
    (lambda: causal_conv1d(np.ones((1, 3, 5)), np.ones((1, 2, 2))),
     ["weight", "(1, 2, 2)", "x", "(1, 3, 5)"]),
    (lambda: causal_conv1d_loop(np.ones((1, 2, 5)), np.ones((1, 2, 2)), dilation=0),
     ["dilation", ">= 1"]),
])
def test_bad_input_raises_value_error_naming_the_argument_and_shapes(call, words):
    with pytest.raises(ValueError) as error:
        call()
    for word in words:
        assert word in str(error.value), (word, str(error.value))

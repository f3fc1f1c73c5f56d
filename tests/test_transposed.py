"""conv_transpose2d (fast and loop) and its backward against torch.

Tolerances: float64 results agree with torch to rtol 1e-10 / atol 1e-10; float32 results
to rtol 1e-4 / atol 1e-4 (both sides sum up to a few hundred float32 products, in different
orders).
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convzoo.convolution import conv2d, conv2d_backward
from convzoo.matrix import conv2d_matrix
from convzoo.transposed import (conv_transpose2d, conv_transpose2d_backward, conv_transpose2d_loop,
                                conv_transpose2d_zero_insertion, conv_weight_of_transpose,
                                insert_zeros, output_padding_for, overlap_map)

TOL = {np.float64: dict(rtol=1e-10, atol=1e-10), np.float32: dict(rtol=1e-4, atol=1e-4)}
SEEDS = range(120)
BOTH = [pytest.param(conv_transpose2d, id="fast"), pytest.param(conv_transpose2d_loop, id="loop"),
        pytest.param(conv_transpose2d_zero_insertion, id="zero_insertion")]


def pair(rng, low, high):
    """Two ints drawn from [low, high), returned as an int when they agree (as users write)."""
    a, b = (int(v) for v in rng.integers(low, high, 2))
    return a if a == b else (a, b)


def per_dim(value):
    return value if isinstance(value, tuple) else (value, value)


def random_case(seed, dtype=np.float64, max_size=8, max_kernel=4, max_channels=3):
    """A random, valid transposed convolution that torch accepts: x, weight, bias, kwargs."""
    rng = np.random.default_rng(seed)
    groups = int(rng.integers(1, 4))
    c_in, c_out_g = groups * int(rng.integers(1, max_channels + 1)), int(rng.integers(1, 4))
    size = tuple(int(v) for v in rng.integers(1, max_size + 1, 2))
    kernel = tuple(int(v) for v in rng.integers(1, max_kernel + 1, 2))
    stride, dilation = pair(rng, 1, 4), pair(rng, 1, 3)
    # torch's rule: each output_padding is smaller than its stride or its dilation
    output_padding = tuple(int(rng.integers(0, max(s, d)))
                           for s, d in zip(per_dim(stride), per_dim(dilation)))
    # padding may crop all but one row/column of the uncropped output
    padding = tuple(int(rng.integers(0, min(3, ((n - 1) * s + d * (k - 1) + o) // 2) + 1))
                    for n, k, s, d, o in zip(size, kernel, per_dim(stride), per_dim(dilation),
                                             output_padding))
    batch = () if rng.random() < 0.15 else (int(rng.integers(1, 3)),)
    x = rng.standard_normal(batch + (c_in,) + size).astype(dtype)
    weight = rng.standard_normal((c_in, c_out_g) + kernel).astype(dtype)
    bias = rng.standard_normal(groups * c_out_g).astype(dtype) if rng.random() < 0.7 else None
    return x, weight, bias, dict(stride=stride, padding=padding, output_padding=output_padding,
                                 groups=groups, dilation=dilation)


def torch_forward(x, weight, bias, **kw):
    t = torch.from_numpy
    return F.conv_transpose2d(t(x), t(weight), None if bias is None else t(bias), **kw).numpy()


def torch_gradients(grad_out, x, weight, bias, **kw):
    """(grad_x, grad_weight, grad_bias) from torch autograd."""
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(weight, requires_grad=True)
    bt = torch.tensor(bias, requires_grad=True)
    out = F.conv_transpose2d(xt, wt, bt, **kw)
    grads = torch.autograd.grad(out, (xt, wt, bt), torch.from_numpy(grad_out))
    return [g.numpy() for g in grads]


def expected_size(n, k, s=1, p=0, o=0, d=1):
    return (n - 1) * s - 2 * p + d * (k - 1) + o + 1


# ------------------------------------------------------------------ against torch, random


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", SEEDS)
def test_fast_matches_torch_on_random_arguments(seed, dtype):
    x, weight, bias, kw = random_case(seed, dtype)
    expected = torch_forward(x, weight, bias, **kw)
    out = conv_transpose2d(x, weight, bias, **kw)
    assert out.shape == expected.shape and out.dtype == dtype
    np.testing.assert_allclose(out, expected, **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", SEEDS)
def test_zero_insertion_matches_torch_on_random_arguments(seed, dtype):
    x, weight, bias, kw = random_case(seed + 500, dtype)
    expected = torch_forward(x, weight, bias, **kw)
    out = conv_transpose2d_zero_insertion(x, weight, bias, **kw)
    assert out.shape == expected.shape and out.dtype == dtype
    np.testing.assert_allclose(out, expected, **TOL[dtype])


@pytest.mark.parametrize("seed", SEEDS)
def test_loop_matches_torch_on_random_arguments(seed):
    dtype = np.float32 if seed % 4 == 0 else np.float64
    x, weight, bias, kw = random_case(seed, dtype, max_size=5, max_kernel=3, max_channels=2)
    expected = torch_forward(x, weight, bias, **kw)
    out = conv_transpose2d_loop(x, weight, bias, **kw)
    assert out.shape == expected.shape and out.dtype == dtype
    np.testing.assert_allclose(out, expected, **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", SEEDS)
def test_backward_matches_torch_autograd_on_random_arguments(seed, dtype):
    x, weight, bias, kw = random_case(seed, dtype)
    if bias is None:
        bias = np.zeros(weight.shape[1] * kw["groups"], dtype)
    out_shape = torch_forward(x, weight, bias, **kw).shape
    grad_out = np.random.default_rng(seed + 1000).standard_normal(out_shape).astype(dtype)
    expected = torch_gradients(grad_out, x, weight, bias, **kw)
    grads = conv_transpose2d_backward(grad_out, x, weight, **kw)
    for name, got, want in zip(["grad_x", "grad_weight", "grad_bias"], grads, expected):
        assert got.shape == want.shape and got.dtype == dtype, name
        np.testing.assert_allclose(got, want, **TOL[dtype], err_msg=name)


# ------------------------------------------------------------------ against torch, edges

EDGES = {
    "1x1_input": ((2, 3, 1, 1), (3, 2, 3, 3), dict(stride=2)),
    "1x1_input_1x1_kernel": ((1, 2, 1, 1), (2, 3, 1, 1), dict()),
    "1x1_kernel_with_stride": ((2, 4, 5, 4), (4, 3, 1, 1), dict(stride=2)),
    "1x1_kernel_padding_crops_input_pixels": ((1, 2, 5, 5), (2, 2, 1, 1), dict(padding=2)),
    "stride_larger_than_kernel": ((2, 2, 4, 3), (2, 3, 2, 2), dict(stride=3)),
    "stride_larger_than_kernel_with_output_padding": (
        (1, 2, 3, 3), (2, 2, 2, 1), dict(stride=(4, 3), output_padding=(3, 2))),
    "groups_equal_to_channels": ((2, 4, 5, 5), (4, 1, 3, 3), dict(groups=4, stride=2,
                                                                    padding=1)),
    "groups_equal_to_channels_two_outputs_each": ((1, 3, 4, 4), (3, 2, 2, 2), dict(groups=3)),
    "dilation_with_output_padding_beyond_stride": (
        (2, 2, 4, 4), (2, 3, 3, 3), dict(dilation=3, output_padding=2, padding=1)),
    "dilation_and_stride_with_output_padding": (
        (1, 4, 3, 5), (4, 1, 3, 2), dict(stride=(2, 1), dilation=(2, 3), output_padding=(1, 2),
                                         groups=2)),
    "output_padding_with_stride": ((2, 3, 4, 4), (3, 2, 4, 4), dict(stride=2, padding=1,
                                                                     output_padding=1)),
    "padding_leaves_one_pixel": ((1, 1, 2, 2), (1, 1, 2, 2), dict(padding=1)),
    "kernel_larger_than_input": ((1, 2, 2, 3), (2, 2, 5, 4), dict(padding=(1, 2))),
    "empty_batch": ((0, 2, 3, 3), (2, 2, 3, 3), dict(stride=2)),
}


@pytest.mark.parametrize("fn", BOTH)
@pytest.mark.parametrize("case", EDGES.values(), ids=EDGES.keys())
def test_edge_cases_match_torch(case, fn):
    x_shape, w_shape, kw = case
    rng = np.random.default_rng(7)
    x, weight = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    bias = rng.standard_normal(w_shape[1] * kw.get("groups", 1))
    expected = torch_forward(x, weight, bias, **kw)
    np.testing.assert_allclose(fn(x, weight, bias, **kw), expected, **TOL[np.float64])


@pytest.mark.parametrize("case", EDGES.values(), ids=EDGES.keys())
def test_edge_case_gradients_match_torch_autograd(case):
    x_shape, w_shape, kw = case
    rng = np.random.default_rng(8)
    x, weight = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    bias = rng.standard_normal(w_shape[1] * kw.get("groups", 1))
    grad_out = rng.standard_normal(torch_forward(x, weight, bias, **kw).shape)
    expected = torch_gradients(grad_out, x, weight, bias, **kw)
    for got, want in zip(conv_transpose2d_backward(grad_out, x, weight, **kw), expected):
        np.testing.assert_allclose(got, want, **TOL[np.float64])


# ------------------------------------------------------------------ what the formula means


@pytest.mark.parametrize("fn", BOTH)
def test_one_input_pixel_scatters_the_kernel_at_i_times_s_minus_p(fn):
    s, p, d = 3, 1, 2
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 2, 1] = 2.0
    weight = np.arange(1.0, 7.0).reshape(1, 1, 2, 3)
    out = fn(x, weight, stride=s, padding=p, dilation=d)
    expected = np.zeros(out.shape)
    for u in range(2):
        for v in range(3):
            expected[0, 0, 2 * s - p + u * d, 1 * s - p + v * d] = 2.0 * weight[0, 0, u, v]
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("fn", BOTH)
def test_output_size_is_the_transposed_conv_arithmetic(fn):
    x, weight = np.ones((1, 1, 5, 7)), np.ones((1, 1, 3, 2))
    kw = dict(stride=(2, 3), padding=(1, 2), output_padding=(1, 0), dilation=(1, 2))
    out = fn(x, weight, **kw)
    assert out.shape == (1, 1, expected_size(5, 3, 2, 1, 1, 1), expected_size(7, 2, 3, 2, 0, 2))


@pytest.mark.parametrize("fn", BOTH)
def test_output_padding_adds_rows_at_bottom_right(fn, rng):
    x, weight = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((3, 2, 3, 3))
    plain = fn(x, weight, stride=2)
    padded = fn(x, weight, stride=2, output_padding=1)
    assert padded.shape == plain.shape[:2] + (plain.shape[2] + 1, plain.shape[3] + 1)
    np.testing.assert_allclose(padded[:, :, :-1, :-1], plain, rtol=1e-12, atol=1e-12)
    # with padding 0 nothing is written into the added row and column
    np.testing.assert_array_equal(padded[:, :, -1, :], 0)
    np.testing.assert_array_equal(padded[:, :, :, -1], 0)


@pytest.mark.parametrize("fn", BOTH)
def test_output_padding_keeps_a_row_that_padding_would_crop(fn, rng):
    x, weight = rng.standard_normal((1, 2, 3, 3)), rng.standard_normal((2, 1, 3, 3))
    uncropped = fn(x, weight, stride=2)
    out = fn(x, weight, stride=2, padding=1, output_padding=1)
    np.testing.assert_allclose(out, uncropped[:, :, 1:, 1:], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("fn", BOTH)
def test_padding_crops_each_side_of_the_output(fn, rng):
    x, weight = rng.standard_normal((2, 2, 4, 4)), rng.standard_normal((2, 3, 3, 2))
    full = fn(x, weight, stride=2)
    cropped = fn(x, weight, stride=2, padding=(2, 1))
    np.testing.assert_allclose(cropped, full[:, :, 2:-2, 1:-1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("fn", BOTH)
def test_stride_larger_than_kernel_leaves_zero_rows_and_columns(fn, rng):
    x, weight = rng.standard_normal((1, 2, 3, 3)), rng.standard_normal((2, 2, 2, 2))
    out = fn(x, weight, stride=3)
    np.testing.assert_array_equal(out[:, :, 2::3, :], 0)
    np.testing.assert_array_equal(out[:, :, :, 2::3], 0)
    assert np.all(out[:, :, 0::3, 0::3] != 0)


@pytest.mark.parametrize("fn", BOTH)
def test_each_group_reads_only_its_own_input_channels(fn, rng):
    x, weight = rng.standard_normal((1, 4, 3, 3)), rng.standard_normal((4, 3, 2, 2))
    out = fn(x, weight, groups=2)
    x2 = x.copy()
    x2[:, 2:] = 0                      # the second group's inputs
    out2 = fn(x2, weight, groups=2)
    np.testing.assert_allclose(out2[:, :3], out[:, :3], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(out2[:, 3:], 0)


def test_is_the_adjoint_of_conv2d(rng):
    """<conv2d(z, w), y> == <z, conv_transpose2d(y, w)> for the same stride, padding,
    dilation and groups: the transposed convolution is conv2d's input gradient."""
    kw = dict(stride=(2, 3), padding=(1, 2), dilation=(2, 1), groups=2)
    z, weight = rng.standard_normal((2, 4, 11, 13)), rng.standard_normal((6, 2, 3, 4))
    conv = conv2d(z, weight, **kw)
    y = rng.standard_normal(conv.shape)
    # output_padding makes the transposed output as large as z again
    op = tuple(n - expected_size(m, k, s, p, 0, d) for n, m, k, s, p, d in zip(
        z.shape[2:], y.shape[2:], weight.shape[2:], kw["stride"], kw["padding"], kw["dilation"]))
    back = conv_transpose2d(y, weight, output_padding=op, **kw)
    assert back.shape == z.shape
    np.testing.assert_allclose(np.vdot(conv, y), np.vdot(z, back), rtol=1e-10)
    grad_z, _, _ = conv2d_backward(y, z, weight, **kw)
    np.testing.assert_allclose(back, grad_z, rtol=1e-10, atol=1e-10)


def test_fast_and_loop_agree_on_a_larger_case(rng):
    x, weight = rng.standard_normal((2, 6, 7, 6)), rng.standard_normal((6, 2, 4, 3))
    bias = rng.standard_normal(6)
    kw = dict(stride=(2, 3), padding=(1, 2), output_padding=(1, 2), groups=3, dilation=(1, 2))
    np.testing.assert_allclose(conv_transpose2d(x, weight, bias, **kw),
                               conv_transpose2d_loop(x, weight, bias, **kw),
                               rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ arguments and dtypes


@pytest.mark.parametrize("fn", BOTH)
def test_int_and_tuple_arguments_mean_the_same(fn, rng):
    x, weight = rng.standard_normal((1, 2, 3, 4)), rng.standard_normal((2, 2, 3, 3))
    a = fn(x, weight, stride=2, padding=1, output_padding=1, dilation=2)
    b = fn(x, weight, stride=(2, 2), padding=[1, 1], output_padding=(1, 1), dilation=(2, 2))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("fn", BOTH)
def test_unbatched_input_gives_unbatched_output(fn, rng):
    x, weight, bias = (rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 3, 2, 2)),
                       rng.standard_normal(3))
    out = fn(x, weight, bias, stride=2)
    assert out.shape == (3, 6, 8)
    np.testing.assert_allclose(out, fn(x[None], weight, bias, stride=2)[0], rtol=1e-12)


def test_backward_of_unbatched_input_is_unbatched(rng):
    x, weight = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 3, 2, 2))
    grad_out = rng.standard_normal((3, 6, 8))
    grad_x, grad_weight, grad_bias = conv_transpose2d_backward(grad_out, x, weight, stride=2)
    assert grad_x.shape == x.shape and grad_weight.shape == weight.shape
    expected = torch_gradients(grad_out, x, weight, np.zeros(3), stride=2)
    for got, want in zip((grad_x, grad_weight, grad_bias), expected):
        np.testing.assert_allclose(got, want, **TOL[np.float64])


@pytest.mark.parametrize("fn", BOTH)
@pytest.mark.parametrize("dtype,expected", [(np.float32, np.float32), (np.float64, np.float64),
                                            (np.int64, np.float64)])
def test_dtype_is_kept_and_integers_become_float64(fn, dtype, expected):
    x, weight = np.ones((1, 2, 3, 3), dtype), np.ones((2, 2, 2, 2), dtype)
    assert fn(x, weight, np.ones(2, dtype), stride=2).dtype == expected
    grads = conv_transpose2d_backward(np.ones((1, 2, 6, 6), dtype), x, weight, stride=2)
    assert [g.dtype for g in grads] == [expected] * 3


def test_float32_with_float64_bias_gives_float64():
    x, weight = np.ones((1, 2, 3, 3), np.float32), np.ones((2, 2, 2, 2), np.float32)
    assert conv_transpose2d(x, weight, np.ones(2)).dtype == np.float64
    assert conv_transpose2d_loop(x, weight, np.ones(2)).dtype == np.float64


def test_inputs_are_not_modified(rng):
    x, weight, bias = (rng.standard_normal((2, 4, 3, 3)), rng.standard_normal((4, 1, 3, 3)),
                       rng.standard_normal(2))
    kw = dict(stride=2, output_padding=1, groups=2)
    grad_out = rng.standard_normal((2, 2, 8, 8))
    copies = [a.copy() for a in (x, weight, bias, grad_out)]
    outs = [conv_transpose2d(x, weight, bias, **kw), conv_transpose2d_loop(x, weight, bias, **kw),
            *conv_transpose2d_backward(grad_out, x, weight, **kw)]
    for a, original in zip((x, weight, bias, grad_out), copies):
        np.testing.assert_array_equal(a, original)
    for out in outs:
        for a in (x, weight, bias, grad_out):
            assert not np.shares_memory(out, a)


# ------------------------------------------------------------------ bad input

X, W = np.ones((1, 4, 3, 3)), np.ones((4, 2, 3, 3))


def _bad(name, x=X, weight=W, bias=None, match="", **kw):
    return pytest.param(x, weight, bias, kw, match, id=name)


BAD = [
    _bad("x_2d", x=np.ones((4, 3)), match=r"x must be 4-D .*\(4, 3\)"),
    _bad("x_5d", x=np.ones((1, 1, 4, 3, 3)), match=r"x must be 4-D .*\(1, 1, 4, 3, 3\)"),
    _bad("weight_3d", weight=np.ones((4, 2, 3)), match=r"weight must be 4-D .*\(4, 2, 3\)"),
    _bad("weight_channels_not_x_channels", weight=np.ones((3, 2, 3, 3)),
         match=r"weight shape \(3, 2, 3, 3\).*x shape \(1, 4, 3, 3\)"),
    _bad("channels_not_divisible_by_groups", groups=3, match=r"x has 4 channels .*groups=3"),
    _bad("groups_zero", groups=0, match=r"groups must be an int >= 1"),
    _bad("groups_float", groups=1.0, match=r"groups must be an int >= 1"),
    _bad("groups_bool", groups=True, match=r"groups must be an int >= 1"),
    _bad("bias_of_c_out_without_groups", bias=np.ones(2), groups=2,
         match=r"bias must have shape \(4,\).*\(4, 2, 3, 3\).*\(2,\)"),
    _bad("bias_2d", bias=np.ones((2, 1)), match=r"bias must have shape \(2,\)"),
    _bad("stride_zero", stride=0, match=r"stride must be >= 1"),
    _bad("stride_negative", stride=(1, -2), match=r"stride must be >= 1"),
    _bad("stride_three_dims", stride=(1, 2, 1), match=r"stride must be an int or a tuple of 2"),
    _bad("dilation_zero", dilation=0, match=r"dilation must be >= 1"),
    _bad("padding_negative", padding=-1, match=r"padding must be >= 0"),
    _bad("padding_same", padding="same", match=r"padding must be an int or a tuple of 2 ints"),
    _bad("output_padding_negative", output_padding=-1, stride=2,
         match=r"output_padding must be >= 0"),
    _bad("output_padding_without_stride", output_padding=1,
         match=r"output_padding must be smaller than stride or dilation"),
    _bad("output_padding_equal_to_stride_and_dilation", output_padding=(0, 2), stride=2,
         dilation=(1, 2), match=r"output_padding must be smaller than stride or .*\(0, 2\)"),
    _bad("padding_removes_whole_output", padding=3,
         match=r"padding 3 removes the whole output.*x \(1, 4, 3, 3\)"),
    _bad("padding_removes_whole_width", padding=(0, 4), stride=2,
         match=r"padding 4 removes the whole output.*weight \(4, 2, 3, 3\)"),
    _bad("empty_kernel", weight=np.ones((4, 2, 0, 3)),
         match=r"weight shape \(4, 2, 0, 3\).*empty kernel"),
    _bad("no_output_channels", weight=np.ones((4, 0, 3, 3)),
         match=r"weight shape \(4, 0, 3, 3\).*no output channels"),
    _bad("empty_image", x=np.ones((1, 4, 0, 3)),
         match=r"x shape \(1, 4, 0, 3\).*empty spatial"),
    _bad("complex_x", x=np.ones((1, 4, 3, 3)) * 1j, match=r"x must be real"),
    _bad("strings_as_weight", weight=np.full((4, 2, 3, 3), "a"),
         match=r"weight must hold numbers"),
    _bad("padding_crops_more_than_the_zero_border_allows", padding=(0, 5), stride=3,
         match=r"padding 5 removes the whole output"),
]
# Where torch itself cannot be asked (no tensor of strings; it does complex convolutions) or
# its Python binding takes the value before its own checks (groups=True is 1 to it).
NOT_FOR_TORCH = {"complex_x", "strings_as_weight", "groups_bool"}


@pytest.mark.parametrize("fn", BOTH)
@pytest.mark.parametrize("x,weight,bias,kw,match", BAD)
def test_bad_arguments_raise_value_error_naming_them(fn, x, weight, bias, kw, match):
    with pytest.raises(ValueError, match=match):
        fn(x, weight, bias, **kw)


@pytest.mark.parametrize("x,weight,bias,kw,match", [b for b in BAD if b.values[2] is None])
def test_backward_checks_the_same_arguments(x, weight, bias, kw, match):
    with pytest.raises(ValueError, match=match):
        conv_transpose2d_backward(np.ones((1, 2, 5, 5)), x, weight, **kw)


@pytest.mark.parametrize("x,weight,bias,kw,match",
                         [b for b in BAD if b.id not in NOT_FOR_TORCH])
def test_torch_rejects_the_same_arguments(x, weight, bias, kw, match):
    """Our rules are torch's rules: each argument we reject, torch rejects too."""
    t = torch.from_numpy
    with pytest.raises((RuntimeError, TypeError, ValueError)):
        F.conv_transpose2d(t(x), t(weight), None if bias is None else t(bias), **kw)


SHAPE = r"grad_out must have the output shape "
GRAD_OUT_BAD = [
    pytest.param(np.ones((1, 2, 5, 4)), X, SHAPE + r"\(1, 2, 5, 5\).*got \(1, 2, 5, 4\)",
                 id="one_column_short"),
    pytest.param(np.ones((1, 4, 5, 5)), X, SHAPE + r"\(1, 2, 5, 5\).*got \(1, 4, 5, 5\)",
                 id="channels_of_x"),
    pytest.param(np.ones((2, 5, 5)), X, SHAPE + r"\(1, 2, 5, 5\).*got \(2, 5, 5\)",
                 id="unbatched_for_batched_x"),
    pytest.param(np.ones((1, 2, 5, 5)), X[0], SHAPE + r"\(2, 5, 5\).*x \(4, 3, 3\)",
                 id="batched_for_unbatched_x"),
]


@pytest.mark.parametrize("grad_out,x,match", GRAD_OUT_BAD)
def test_backward_rejects_grad_out_of_the_wrong_shape(grad_out, x, match):
    with pytest.raises(ValueError, match=match):
        conv_transpose2d_backward(grad_out, x, W)


# ------------------------------------------------------------------ the three views


def test_matrix_view_the_transposed_conv_is_the_transpose_of_the_conv_matrix(rng):
    """conv_transpose2d(y, w) == M^T y, M = conv2d_matrix(w) of the conv with the same
    stride, padding, dilation and groups, when output_padding gives back the input size."""
    kw = dict(stride=(2, 3), padding=(1, 0), dilation=(1, 2), groups=2)
    weight = rng.standard_normal((4, 3, 3, 2))         # conv: C_in 6 -> C_out 4; here 4 -> 6
    x_shape = (6, 9, 10)
    M = conv2d_matrix(weight, x_shape, **kw)
    y_shape = conv2d(np.zeros((1,) + x_shape), weight, **kw).shape
    y = rng.standard_normal(y_shape)
    op = tuple(n - expected_size(m, k, s, p, 0, d) for n, m, k, s, p, d in zip(
        x_shape[1:], y_shape[2:], weight.shape[2:], kw["stride"], kw["padding"], kw["dilation"]))
    out = conv_transpose2d(y, weight, output_padding=op, **kw)
    np.testing.assert_allclose(out.ravel(), M.T @ y.ravel(), rtol=1e-12, atol=1e-12)


def test_insert_zeros_puts_stride_minus_one_zeros_between_pixels():
    x = np.arange(1.0, 7.0).reshape(1, 1, 2, 3)
    z = insert_zeros(x, (2, 3))
    assert z.shape == (1, 1, 3, 7)
    assert z[0, 0].tolist() == [[1, 0, 0, 2, 0, 0, 3], [0] * 7, [4, 0, 0, 5, 0, 0, 6]]
    np.testing.assert_array_equal(insert_zeros(x, 1), x)


def test_insert_zeros_keeps_the_dtype_and_checks_its_arguments():
    assert insert_zeros(np.ones((1, 1, 2, 2), np.float32), 2).dtype == np.float32
    with pytest.raises(ValueError, match=r"stride must be >= 1"):
        insert_zeros(np.ones((1, 1, 2, 2)), 0)
    with pytest.raises(ValueError, match=r"x must be 4-D .*\(2, 2\)"):
        insert_zeros(np.ones((2, 2)), 2)
    with pytest.raises(ValueError, match=r"x shape \(1, 1, 0, 2\) has an empty"):
        insert_zeros(np.ones((1, 1, 0, 2)), 2)


def test_conv_weight_of_transpose_swaps_channels_per_group_and_turns_the_kernel(rng):
    weight = rng.standard_normal((6, 2, 3, 2))         # groups 3: C_in 6, C_out 6
    w = conv_weight_of_transpose(weight, groups=3)
    assert w.shape == (6, 2, 3, 2)
    for g in range(3):
        for k in range(2):
            for c in range(2):
                np.testing.assert_array_equal(w[2 * g + k, c], weight[2 * g + c, k, ::-1, ::-1])
    assert conv_weight_of_transpose(rng.standard_normal((4, 3, 2, 2))).shape == (3, 4, 2, 2)
    with pytest.raises(ValueError, match=r"weight shape \(5, 2, 3, 3\) has 5 input channels"):
        conv_weight_of_transpose(np.ones((5, 2, 3, 3)), groups=2)
    with pytest.raises(ValueError, match=r"groups must be an int >= 1"):
        conv_weight_of_transpose(np.ones((4, 2, 3, 3)), groups=0)


def test_zero_insertion_is_conv2d_of_the_padded_zero_inserted_input(rng):
    """Spelled out for one case: stride 2, padding 1, output_padding 1, a 3x3 kernel: one
    zero between pixels, a border of 3 - 1 - 1 = 1, one more row and column at the end."""
    x, weight = rng.standard_normal((1, 2, 3, 4)), rng.standard_normal((2, 3, 3, 3))
    z = np.zeros((1, 2, 5, 7))
    z[:, :, ::2, ::2] = x
    z = np.pad(z, ((0, 0), (0, 0), (1, 2), (1, 2)))
    by_hand = conv2d(z, weight.transpose(1, 0, 2, 3)[:, :, ::-1, ::-1])
    out = conv_transpose2d_zero_insertion(x, weight, stride=2, padding=1, output_padding=1)
    np.testing.assert_allclose(out, by_hand, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out, torch_forward(x, weight, None, stride=2, padding=1,
                                                  output_padding=1), rtol=1e-12, atol=1e-12)


def test_zero_insertion_crops_when_padding_exceeds_the_dilated_kernel(rng):
    """padding > d(k-1): the border d(k-1) - p is negative and the zero-inserted input is
    cropped, also when output_padding puts a row back."""
    x, weight = rng.standard_normal((1, 1, 4, 5)), rng.standard_normal((1, 2, 1, 2))
    kw = dict(stride=3, padding=(2, 1), output_padding=(2, 1))
    np.testing.assert_allclose(conv_transpose2d_zero_insertion(x, weight, **kw),
                               torch_forward(x, weight, None, **kw), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("fn", BOTH[:2])
def test_the_kernel_is_not_flipped_in_the_scatter_but_is_in_the_correlation(fn):
    """One pixel of value 1 stamps the kernel as it is; the zero-insertion view gets the
    same only because it correlates with the kernel turned by 180 degrees."""
    weight = np.arange(1.0, 7.0).reshape(1, 1, 2, 3)
    out = fn(np.ones((1, 1, 1, 1)), weight)
    np.testing.assert_array_equal(out, weight)
    unflipped = conv2d(np.pad(np.ones((1, 1, 1, 1)), ((0, 0), (0, 0), (1, 1), (2, 2))), weight)
    assert not np.array_equal(unflipped, weight)


# ------------------------------------------------------------------ overlap map


def test_overlap_map_counts_writes_per_output_pixel():
    counts = overlap_map((1, 5), (1, 3), stride=2)
    assert counts.dtype == np.int64 and counts.tolist() == [[1, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1]]
    assert overlap_map((1, 5), (1, 4), stride=2).tolist() == [[1, 1] + [2] * 8 + [1, 1]]
    square = overlap_map(3, 3, stride=2)
    assert square.shape == (7, 7) and square[2, 2] == 4 and square[1, 2] == 2 and square[1, 1] == 1


@pytest.mark.parametrize("seed", range(40))
def test_overlap_map_is_torch_conv_transpose_of_ones(seed):
    rng = np.random.default_rng(seed)
    H, W, kH, kW = (int(v) for v in rng.integers(1, 7, 4))
    s, d = (int(v) for v in rng.integers(1, 4, 2)), int(rng.integers(1, 3))
    s = tuple(s)
    p = int(rng.integers(0, 2))
    if min((n - 1) * st - 2 * p + d * (k - 1) + 1 for n, k, st in zip((H, W), (kH, kW), s)) < 1:
        p = 0
    ones = torch.ones(1, 1, H, W, dtype=torch.float64)
    expected = F.conv_transpose2d(ones, torch.ones(1, 1, kH, kW, dtype=torch.float64), stride=s,
                                  padding=p, dilation=d)[0, 0].numpy()
    np.testing.assert_array_equal(overlap_map((H, W), (kH, kW), s, p, d), expected)


def test_overlap_map_is_even_inside_when_the_stride_divides_the_kernel():
    for k, s in [(4, 2), (6, 3), (2, 2), (3, 1), (6, 2)]:
        inside = overlap_map(12, k, s)[k:-k, k:-k]
        assert inside.min() == inside.max() == (k // s) ** 2, (k, s)
    for k, s in [(3, 2), (5, 2), (5, 3), (1, 2)]:
        inside = overlap_map(12, k, s)[k:-k, k:-k]
        assert (inside.min(), inside.max()) == ((k // s) ** 2, (-(-k // s)) ** 2), (k, s)


def test_overlap_map_checks_its_arguments():
    with pytest.raises(ValueError, match=r"input_shape must be >= 1"):
        overlap_map((0, 3), 3, 2)
    with pytest.raises(ValueError, match=r"kernel_size must be an int or a tuple of 2 ints"):
        overlap_map(3, (3, 3, 3), 2)
    with pytest.raises(ValueError, match=r"padding 4 removes the whole output"):
        overlap_map(3, 3, 1, padding=4)


# ------------------------------------------------------------------ output_padding_for


def test_output_padding_for_gives_back_every_input_size_torch_agrees():
    """For every n, k, stride, padding, dilation in a sweep: the conv's output length m,
    and conv_transpose1d of length m with output_padding_for(...) is n long again."""
    checked = 0
    for n in range(1, 12):
        for k in range(1, 5):
            for s in range(1, 4):
                for p in range(0, 3):
                    for d in (1, 2):
                        if n + 2 * p < d * (k - 1) + 1:
                            continue
                        m = F.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=s,
                                     padding=p, dilation=d).shape[-1]
                        op = output_padding_for(n, k, s, p, d)
                        back = F.conv_transpose1d(torch.zeros(1, 1, m), torch.zeros(1, 1, k),
                                                  stride=s, padding=p, output_padding=op,
                                                  dilation=d)
                        assert back.shape[-1] == n and 0 <= op < s, (n, k, s, p, d)
                        checked += 1
    assert checked > 700


def test_output_padding_for_tells_apart_the_sizes_that_share_an_output():
    assert [output_padding_for(n, 3, 2, 1) for n in (5, 6)] == [0, 1]      # both give 3
    assert [output_padding_for(n, 2, 2) for n in (6, 7)] == [0, 1]         # both give 3
    with pytest.raises(ValueError, match=r"kernel 5 with dilation 1 spans 5"):
        output_padding_for(3, 5, 2)
    with pytest.raises(ValueError, match=r"stride must be >= 1"):
        output_padding_for(6, 3, 0)

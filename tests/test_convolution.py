"""conv1d, conv2d, conv3d (fast and loop) and conv2d_backward against torch."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from convzoo.convolution import (conv1d, conv1d_loop, conv2d, conv2d_backward,
                                 conv2d_backward_loop, conv2d_loop, conv3d, conv3d_loop)

FAST = {1: conv1d, 2: conv2d, 3: conv3d}
LOOP = {1: conv1d_loop, 2: conv2d_loop, 3: conv3d_loop}
TORCH = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


@st.composite
def conv_cases(draw, dims, max_size=7):
    """A random, valid convolution: shapes, stride, padding, dilation, groups, bias."""
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    stride = tuple(draw(st.integers(1, 4)) for _ in range(dims))
    if draw(st.booleans()):
        padding = draw(st.sampled_from(["same", "valid"]))
        if padding == "same":
            stride = (1,) * dims
        pads = [(0, 0)] * dims if padding == "valid" else [(d * (k - 1),) * 2
                                                           for k, d in zip(kernel, dilation)]
    else:
        padding = tuple(draw(st.integers(0, 3)) for _ in range(dims))
        pads = [(p, p) for p in padding]
    # the smallest input the dilated kernel fits in, once padded, up to a few pixels more
    size = tuple(max(1, d * (k - 1) + 1 - a - b) + draw(st.integers(0, max_size))
                 for k, d, (a, b) in zip(kernel, dilation, pads))
    batch = draw(st.integers(1, 2))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, c_in) + size)
    weight = rng.standard_normal((c_out, c_in // groups) + kernel)
    bias = rng.standard_normal(c_out) if draw(st.booleans()) else None
    return x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation,
                                 groups=groups)


def torch_conv(dims, x, weight, bias, **kw):
    t = torch.from_numpy
    return TORCH[dims](t(x), t(weight), None if bias is None else t(bias), **kw).numpy()


@pytest.mark.parametrize("dims", [1, 2, 3])
@given(data=st.data())
def test_fast_conv_matches_torch_on_random_shapes(dims, data):
    x, weight, bias, kw = data.draw(conv_cases(dims, max_size=6 if dims < 3 else 3))
    expected = torch_conv(dims, x, weight, bias, **kw)
    out = FAST[dims](x, weight, bias, **kw)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("dims", [1, 2, 3])
@given(data=st.data())
def test_loop_conv_matches_fast_conv(dims, data):
    x, weight, bias, kw = data.draw(conv_cases(dims, max_size=4 if dims < 3 else 2))
    np.testing.assert_allclose(LOOP[dims](x, weight, bias, **kw),
                               FAST[dims](x, weight, bias, **kw), rtol=1e-10, atol=1e-10)


@given(data=st.data())
def test_conv2d_backward_matches_torch_autograd(data):
    x, weight, _, kw = data.draw(conv_cases(2))
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(weight, requires_grad=True)
    bt = torch.zeros(weight.shape[0], dtype=torch.float64, requires_grad=True)
    y = F.conv2d(xt, wt, bt, **kw)
    grad_out = np.random.default_rng(0).standard_normal(tuple(y.shape))
    y.backward(torch.from_numpy(grad_out))
    grad_x, grad_w, grad_b = conv2d_backward(grad_out, x, weight, **kw)
    np.testing.assert_allclose(grad_x, xt.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(grad_w, wt.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(grad_b, bt.grad.numpy(), rtol=1e-10, atol=1e-10)


@given(data=st.data())
def test_loop_backward_matches_fast_backward(data):
    x, weight, _, kw = data.draw(conv_cases(2, max_size=4))
    out_shape = conv2d(x, weight, **kw).shape
    grad_out = np.random.default_rng(1).standard_normal(out_shape)
    for loop, fast in zip(conv2d_backward_loop(grad_out, x, weight, **kw),
                          conv2d_backward(grad_out, x, weight, **kw)):
        np.testing.assert_allclose(loop, fast, rtol=1e-10, atol=1e-10)


def test_conv2d_backward_through_asymmetric_same_padding_matches_torch(rng):
    x, w = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 2, 4))
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    y = F.conv2d(xt, wt, padding="same")
    g = rng.standard_normal(tuple(y.shape))
    y.backward(torch.from_numpy(g))
    gx, gw, _ = conv2d_backward(g, x, w, padding="same")
    np.testing.assert_allclose(gx, xt.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(gw, wt.grad.numpy(), atol=1e-10)


# ----------------------------------------------------------------------------- edges

EDGES = {
    "1x1 input, 1x1 kernel": ((1, 1, 1, 1), (1, 1, 1, 1), {}),
    "1x1 input padded": ((2, 3, 1, 1), (4, 3, 3, 3), dict(padding=1)),
    "kernel equal to input": ((2, 2, 5, 4), (3, 2, 5, 4), {}),
    "kernel equal to padded input": ((1, 2, 3, 2), (3, 2, 5, 4), dict(padding=1)),
    "stride larger than kernel": ((2, 2, 9, 8), (3, 2, 2, 2), dict(stride=4)),
    "stride larger than input": ((1, 1, 3, 3), (1, 1, 2, 2), dict(stride=5)),
    "groups equal to channels (depthwise)": ((2, 6, 7, 7), (6, 1, 3, 3), dict(groups=6)),
    "depthwise multiplier 2": ((2, 3, 7, 7), (6, 1, 3, 3), dict(groups=3, padding=1)),
    "odd kernel, same": ((1, 2, 6, 7), (3, 2, 3, 5), dict(padding="same")),
    "even kernel, same": ((1, 2, 6, 7), (3, 2, 2, 4), dict(padding="same")),
    "dilated even kernel, same": ((1, 2, 9, 9), (3, 2, 2, 2), dict(padding="same", dilation=3)),
    "tuple stride, padding, dilation": ((2, 2, 9, 11), (2, 2, 3, 2),
                                        dict(stride=(2, 3), padding=(1, 0), dilation=(2, 1))),
}


@pytest.mark.parametrize("name", EDGES)
def test_conv2d_edge_cases_match_torch(name, rng):
    x_shape, w_shape, kw = EDGES[name]
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(
        w_shape[0])
    expected = torch_conv(2, x, w, b, **kw)
    np.testing.assert_allclose(conv2d(x, w, b, **kw), expected, atol=1e-10)
    np.testing.assert_allclose(conv2d_loop(x, w, b, **kw), expected, atol=1e-10)


def test_same_padding_puts_extra_pixel_right_and_bottom():
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 0, 0] = 1.0                          # a single one in the top-left corner
    w = np.ones((1, 1, 2, 2))
    out = conv2d(x, w, padding="same")
    # with the extra row/column after the input, output (0, 0) already sees pixel (0, 0)
    # and nothing to its left/top is ever padded
    assert out.shape == (1, 1, 4, 4)
    assert out[0, 0, 0, 0] == 1.0 and out.sum() == 1.0


def test_same_padding_with_stride_is_an_error():
    with pytest.raises(ValueError, match="stride"):
        conv2d(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)), stride=2, padding="same")


def test_unbatched_input_gives_unbatched_output_like_torch(rng):
    x, w = rng.standard_normal((3, 6, 5)), rng.standard_normal((2, 3, 3, 3))
    out = conv2d(x, w, padding=1)
    expected = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding=1).numpy()
    assert out.shape == expected.shape == (2, 6, 5)
    np.testing.assert_allclose(out, expected, atol=1e-10)


@pytest.mark.parametrize("fn", [conv2d, conv2d_loop])
def test_float32_in_gives_float32_out_and_float64_stays_float64(fn, rng):
    x, w = rng.standard_normal((1, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3))
    out32 = fn(x.astype(np.float32), w.astype(np.float32))
    assert out32.dtype == np.float32
    assert fn(x, w).dtype == np.float64
    expected = F.conv2d(torch.from_numpy(x.astype(np.float32)),
                        torch.from_numpy(w.astype(np.float32))).numpy()
    np.testing.assert_allclose(out32, expected, rtol=1e-5, atol=1e-5)


def test_float32_conv_matches_torch_within_float32_tolerance(rng):
    x = rng.standard_normal((4, 16, 20, 20)).astype(np.float32)
    w = rng.standard_normal((8, 16, 3, 3)).astype(np.float32)
    expected = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding=1).numpy()
    # 144 products per output: float32 rounding grows like sqrt(144) * 6e-8 * |terms|
    np.testing.assert_allclose(conv2d(x, w, padding=1), expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("fn", [conv2d, conv2d_loop])
def test_inputs_are_never_modified(fn, rng):
    x, w, b = rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((2, 2, 3, 3)), np.ones(2)
    copies = x.copy(), w.copy(), b.copy()
    fn(x, w, b, padding=2, stride=2)
    conv2d_backward(np.ones((2, 2, 5, 5)), x, w, padding=1, stride=1)
    for before, after in zip(copies, (x, w, b)):
        np.testing.assert_array_equal(before, after)


def test_integer_inputs_are_computed_in_float64():
    x = np.arange(16).reshape(1, 1, 4, 4)
    w = np.ones((1, 1, 2, 2), dtype=int)
    out = conv2d(x, w)
    assert out.dtype == np.float64
    assert out[0, 0, 0, 0] == 0 + 1 + 4 + 5


# ----------------------------------------------------------------------------- bad input

BAD = [
    ("x must be 4-D", (5, 5), (1, 1, 3, 3), {}),
    ("weight must be 4-D", (1, 1, 5, 5), (1, 3, 3), {}),
    (r"weight shape \(2, 3, 3, 3\) expects 3 input channels.*x shape \(1, 2, 5, 5\)",
     (1, 2, 5, 5), (2, 3, 3, 3), {}),
    (r"not divisible by groups=2", (1, 3, 5, 5), (2, 1, 3, 3), dict(groups=2)),
    (r"weight shape \(3, 1, 3, 3\) has 3 output channels, not divisible by groups=2",
     (1, 2, 5, 5), (3, 1, 3, 3), dict(groups=2)),
    ("groups must be an int >= 1", (1, 2, 5, 5), (2, 2, 3, 3), dict(groups=0)),
    ("stride must be >= 1", (1, 1, 5, 5), (1, 1, 3, 3), dict(stride=0)),
    ("dilation must be >= 1", (1, 1, 5, 5), (1, 1, 3, 3), dict(dilation=(1, 0))),
    ("padding must be >= 0", (1, 1, 5, 5), (1, 1, 3, 3), dict(padding=-1)),
    ("padding must be an int, a tuple", (1, 1, 5, 5), (1, 1, 3, 3), dict(padding="full")),
    ("stride must be an int or a tuple of 2 ints", (1, 1, 5, 5), (1, 1, 3, 3),
     dict(stride=(1, 2, 3))),
    (r"larger than the padded input: x \(1, 1, 2, 2\)", (1, 1, 2, 2), (1, 1, 3, 3), {}),
    (r"larger than the padded input", (1, 1, 5, 5), (1, 1, 3, 3), dict(dilation=3)),
    (r"bias must have shape \(2,\)", (1, 1, 5, 5), (2, 1, 3, 3), dict(bias=np.ones(3))),
]


@pytest.mark.parametrize("message, x_shape, w_shape, kw", BAD,
                         ids=[b[0].split(":")[0][:40] for b in BAD])
@pytest.mark.parametrize("fn", [conv2d, conv2d_loop])
def test_bad_input_raises_value_error_naming_argument_and_shapes(fn, message, x_shape,
                                                                 w_shape, kw):
    with pytest.raises(ValueError, match=message):
        fn(np.zeros(x_shape), np.zeros(w_shape), **kw)


def test_conv1d_and_conv3d_check_their_own_dimensionality():
    with pytest.raises(ValueError, match=r"x must be 3-D \(N, C, W\)"):
        conv1d(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3)))
    with pytest.raises(ValueError, match=r"x must be 5-D \(N, C, D, H, W\)"):
        conv3d(np.zeros((5, 5)), np.zeros((1, 1, 3, 3, 3)))


def test_non_numeric_input_is_rejected():
    with pytest.raises(ValueError, match="x must hold numbers"):
        conv2d(np.array([["a"]], dtype=object), np.zeros((1, 1, 1, 1)))
    with pytest.raises(ValueError, match="x must be real"):
        conv2d(np.zeros((1, 1, 3, 3), complex), np.zeros((1, 1, 1, 1)))


@pytest.mark.parametrize("fn", [conv2d_backward, conv2d_backward_loop])
def test_backward_rejects_grad_out_of_the_wrong_shape(fn):
    with pytest.raises(ValueError, match=r"grad_out must have the output shape \(1, 2, 3, 3\)"):
        fn(np.zeros((1, 2, 4, 4)), np.zeros((1, 1, 5, 5)), np.zeros((2, 1, 3, 3)))


@pytest.mark.parametrize("fn", [conv2d, conv2d_loop])
def test_a_float64_bias_makes_the_whole_sum_float64(fn, rng):
    x = rng.standard_normal((1, 3, 6, 6)).astype(np.float32)
    w = rng.standard_normal((2, 3, 3, 3)).astype(np.float32)
    b = rng.standard_normal(2)
    expected = conv2d(x.astype(np.float64), w.astype(np.float64), b)
    out = fn(x, w, b)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("method", ["flat", "im2col"])
def test_both_ways_of_building_columns_match_torch_at_stride_1(dims, method):
    # conv1d/2d/3d take im2col_flat at stride 1 and im2col otherwise; each is checked
    # here on its own at stride 1, with dilation, groups, padding and "same"
    from convzoo.convolution import _conv
    from convzoo.page import conv_cases as random_cases

    cases = random_cases(seed=40 + dims, n=60, dims=dims, stride=1, padding=3, dilation=3,
                         groups=3)
    cases[::7] = [dict(c, padding="same") for c in cases[::7]]
    t = torch.from_numpy
    for case in cases:
        args = (case["stride"], case["padding"], case["dilation"], case["groups"])
        ours = _conv(case["x"], case["weight"], case["bias"], *args, dims=dims, method=method)
        theirs = TORCH[dims](t(case["x"]), t(case["weight"]), t(case["bias"]), *args).numpy()
        assert ours.shape == theirs.shape, (case["x"].shape, case["weight"].shape, args)
        np.testing.assert_allclose(ours, theirs, atol=1e-11, rtol=0)


@pytest.mark.parametrize("method, stride", [("flat", 1), ("im2col", 1), ("im2col", (2, 1))])
@pytest.mark.parametrize("column_bytes", [1, 3000, 10 ** 9])   # one image, some, all at once
def test_columns_give_the_same_result_whatever_the_number_of_images_per_chunk(
        column_bytes, method, stride, monkeypatch, rng):
    import convzoo.convolution as convolution

    x, w, b = rng.standard_normal((5, 4, 9, 8)), rng.standard_normal((6, 2, 3, 2)), rng.standard_normal(6)
    monkeypatch.setattr(convolution, "COLUMN_BYTES", column_bytes)
    out = convolution._conv(x, w, b, stride, (2, 1), (1, 2), 2, dims=2, method=method)
    ref = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), stride, (2, 1),
                   (1, 2), 2).numpy()
    np.testing.assert_allclose(out, ref, atol=1e-11, rtol=0)


def test_flat_columns_refuse_a_stride_they_cannot_take():
    from convzoo.convolution import _conv

    with pytest.raises(ValueError, match="stride 1 only, got stride=\\(2, 1\\)"):
        _conv(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)), None, (2, 1), 0, 1, 1, dims=2,
              method="flat")


@pytest.mark.parametrize("method", ["flat", "im2col"])
def test_both_backward_paths_match_torch_autograd_at_stride_1(method):
    from convzoo.convolution import _conv2d_backward
    from convzoo.page import conv_cases as random_cases

    cases = random_cases(seed=44, n=60, stride=1, padding=3, dilation=3, groups=3)
    cases[::7] = [dict(c, padding="same") for c in cases[::7]]
    for i, case in enumerate(cases):
        x, w = torch.from_numpy(case["x"]).requires_grad_(), torch.from_numpy(case["weight"]).requires_grad_()
        args = (1, case["padding"], case["dilation"], case["groups"])
        y = F.conv2d(x, w, None, *args)
        g = np.random.default_rng(i).standard_normal(tuple(y.shape))
        gx, gw = torch.autograd.grad(y, (x, w), torch.from_numpy(g))
        ours = _conv2d_backward(g, case["x"], case["weight"], *args, method=method)
        for a, b in zip(ours, (gx.numpy(), gw.numpy(), g.sum(axis=(0, 2, 3)))):
            assert a.shape == b.shape
            np.testing.assert_allclose(a, b, atol=1e-11, rtol=0)

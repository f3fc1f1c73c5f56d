"""deform_conv2d (fast and loop) and deform_conv2d_backward against torchvision.ops.

Tolerances: float64 results agree with torchvision to 1e-10 (relative and absolute);
float32 ones to 1e-4 relative, 1e-4 absolute (the sums run over up to ~100 terms of
size ~1, and torchvision and NumPy add them in different orders).
"""
import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torchvision.ops import deform_conv2d as tv_deform_conv2d

from convzoo.convolution import conv2d
from convzoo.deformable import (bilinear, bilinear_gradient, deform_conv2d,
                                deform_conv2d_backward, deform_conv2d_loop, join_offset,
                                sampling_points, split_offset)

TIGHT = dict(rtol=1e-10, atol=1e-10)
FLOAT32 = dict(rtol=1e-4, atol=1e-4)


@st.composite
def deform_cases(draw, max_size=5, offset_scale=None):
    """A random, valid deformable convolution: arrays (x, offset, weight, bias, mask) and
    keyword arguments (stride, padding, dilation)."""
    groups, offset_groups = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    c_in = math.lcm(groups, offset_groups) * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    size = tuple(max(1, d * (k - 1) + 1 - 2 * p) + draw(st.integers(0, max_size))
                 for k, d, p in zip(kernel, dilation, padding))
    out = tuple((n + 2 * p - d * (k - 1) - 1) // s + 1
                for n, k, d, p, s in zip(size, kernel, dilation, padding, stride))
    batch = draw(st.integers(1, 2))
    scale = offset_scale or draw(st.sampled_from([0.5, 2.0, 4.0]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    taps = kernel[0] * kernel[1]
    x = rng.standard_normal((batch, c_in) + size)
    offset = rng.uniform(-scale, scale, (batch, 2 * offset_groups * taps) + out)
    weight = rng.standard_normal((c_out, c_in // groups) + kernel)
    bias = rng.standard_normal(c_out) if draw(st.booleans()) else None
    mask = rng.uniform(-0.5, 1.5, (batch, offset_groups * taps) + out) \
        if draw(st.booleans()) else None
    return (x, offset, weight, bias, mask), dict(stride=stride, padding=padding,
                                                 dilation=dilation)


def tensor(a, grad=False):
    return None if a is None else torch.tensor(a, requires_grad=grad)


def torchvision_forward(x, offset, weight, bias=None, mask=None, **kw):
    return tv_deform_conv2d(tensor(x), tensor(offset), tensor(weight), tensor(bias),
                            mask=tensor(mask), **kw).numpy()


def torchvision_backward(grad_out, x, offset, weight, mask=None, **kw):
    """(grad_x, grad_offset, grad_mask, grad_weight, grad_bias) from torch autograd."""
    xt, ot, wt, mt = (tensor(a, grad=True) for a in (x, offset, weight, mask))
    bt = torch.zeros(weight.shape[0], dtype=xt.dtype, requires_grad=True)
    tv_deform_conv2d(xt, ot, wt, bt, mask=mt, **kw).backward(torch.from_numpy(grad_out))
    return tuple(None if t is None else t.grad.numpy() for t in (xt, ot, mt, wt, bt))


def assert_backward_matches_torchvision(x, offset, weight, mask, tol=TIGHT, seed=0, **kw):
    out_shape = torchvision_forward(x, offset, weight, None, mask, **kw).shape
    grad_out = np.random.default_rng(seed).standard_normal(out_shape).astype(x.dtype)
    ours = deform_conv2d_backward(grad_out, x, offset, weight, mask=mask, **kw)
    theirs = torchvision_backward(grad_out, x, offset, weight, mask, **kw)
    for name, a, b in zip(["grad_x", "grad_offset", "grad_mask", "grad_weight", "grad_bias"],
                          ours, theirs):
        if b is None:
            assert a is None, name
        else:
            assert a.shape == b.shape and a.dtype == b.dtype, name
            np.testing.assert_allclose(a, b, err_msg=name, **tol)


# ----------------------------------------------------------------------------- random


@given(data=st.data())
def test_fast_matches_torchvision_on_random_shapes(data):
    arrays, kw = data.draw(deform_cases())
    expected = torchvision_forward(*arrays, **kw)
    out = deform_conv2d(*arrays[:4], mask=arrays[4], **kw)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, **TIGHT)


@given(data=st.data())
def test_loop_matches_torchvision_on_random_shapes(data):
    arrays, kw = data.draw(deform_cases(max_size=3))
    out = deform_conv2d_loop(*arrays[:4], mask=arrays[4], **kw)
    np.testing.assert_allclose(out, torchvision_forward(*arrays, **kw), **TIGHT)


@given(data=st.data())
def test_backward_matches_torchvision_autograd_on_random_shapes(data):
    (x, offset, weight, _, mask), kw = data.draw(deform_cases())
    assert_backward_matches_torchvision(x, offset, weight, mask, **kw)


@pytest.mark.parametrize("seed", range(20))
def test_float32_forward_and_backward_match_torchvision_float32(seed):
    rng = np.random.default_rng(seed)
    N, C, H, W, K = 2, 4, int(rng.integers(3, 9)), int(rng.integers(3, 9)), 3
    offset_groups = int(rng.choice([1, 2, 4]))
    x = rng.standard_normal((N, C, H, W)).astype(np.float32)
    weight = rng.standard_normal((K, C, 3, 3)).astype(np.float32)
    bias = rng.standard_normal(K).astype(np.float32)
    offset = rng.uniform(-2, 2, (N, 2 * offset_groups * 9, H, W)).astype(np.float32)
    mask = rng.uniform(0, 1, (N, offset_groups * 9, H, W)).astype(np.float32) \
        if seed % 2 else None
    expected = torchvision_forward(x, offset, weight, bias, mask, padding=1)
    for f in (deform_conv2d, deform_conv2d_loop):
        out = f(x, offset, weight, bias, padding=1, mask=mask)
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, expected, **FLOAT32)
    assert_backward_matches_torchvision(x, offset, weight, mask, tol=FLOAT32, padding=1)


# ----------------------------------------------------------------------------- edges


def random_case(rng, N=2, C=4, H=5, W=6, K=3, kernel=(3, 3), offset_groups=1, groups=1,
                out=None, scale=2.0, mask=False, bias=True):
    out = out or (H, W)
    taps = kernel[0] * kernel[1]
    return (rng.standard_normal((N, C, H, W)),
            rng.uniform(-scale, scale, (N, 2 * offset_groups * taps) + out),
            rng.standard_normal((K, C // groups) + kernel),
            rng.standard_normal(K) if bias else None,
            rng.uniform(0, 1, (N, offset_groups * taps) + out) if mask else None)


def assert_all_match_torchvision(arrays, **kw):
    expected = torchvision_forward(*arrays, **kw)
    for f in (deform_conv2d, deform_conv2d_loop):
        np.testing.assert_allclose(f(*arrays[:4], mask=arrays[4], **kw), expected, **TIGHT)
    x, offset, weight, _, mask = arrays
    assert_backward_matches_torchvision(x, offset, weight, mask, **kw)


@pytest.mark.parametrize("use_mask", [False, True])
def test_1x1_input_matches_torchvision(rng, use_mask):
    assert_all_match_torchvision(random_case(rng, H=1, W=1, kernel=(1, 1), scale=1.5,
                                             mask=use_mask))
    assert_all_match_torchvision(random_case(rng, H=1, W=1, kernel=(3, 3), scale=1.5,
                                             mask=use_mask), padding=1)


def test_kernel_as_large_as_padded_input_gives_one_pixel(rng):
    arrays = random_case(rng, H=3, W=4, kernel=(5, 6), out=(1, 1), mask=True)
    assert deform_conv2d(*arrays[:4], padding=1, mask=arrays[4]).shape == (2, 3, 1, 1)
    assert_all_match_torchvision(arrays, padding=1)


def test_stride_larger_than_kernel_matches_torchvision(rng):
    arrays = random_case(rng, H=9, W=10, kernel=(2, 2), out=(3, 3), mask=True)
    assert_all_match_torchvision(arrays, stride=(4, 3), padding=(1, 0))


def test_weight_groups_equal_to_channels_matches_torchvision(rng):
    assert_all_match_torchvision(random_case(rng, C=4, K=8, groups=4, mask=True), padding=1)


@pytest.mark.parametrize("offset_groups", [2, 4])
def test_several_offset_groups_match_torchvision(rng, offset_groups):
    assert_all_match_torchvision(random_case(rng, C=4, offset_groups=offset_groups,
                                             mask=True), padding=1)


def test_each_offset_group_moves_only_its_own_channels(rng):
    x, offset, weight, bias, _ = random_case(rng, C=4, offset_groups=2)
    weight[:, :2] = 0                 # the output reads only channels 2, 3 (offset group 1)
    moved = offset.copy()
    moved[:, :18] += 1.3              # move the samples of offset group 0 only
    for f in (deform_conv2d, deform_conv2d_loop):
        np.testing.assert_allclose(f(x, moved, weight, bias, padding=1),
                                   f(x, offset, weight, bias, padding=1), **TIGHT)


@pytest.mark.parametrize("far", [40.0, -40.0, 1e30, np.inf, -np.inf])
def test_offsets_far_outside_the_image_give_bias(rng, far):
    x, offset, weight, bias, mask = random_case(rng, mask=True)
    offset[:, 0::2] = far             # every dy
    expected = np.broadcast_to(bias[:, None, None], (2, 3, 5, 6))
    for f in (deform_conv2d, deform_conv2d_loop):
        np.testing.assert_array_equal(f(x, offset, weight, bias, padding=1, mask=mask),
                                      expected)
    grad_x, grad_offset, grad_mask, grad_weight, _ = deform_conv2d_backward(
        np.ones((2, 3, 5, 6)), x, offset, weight, padding=1, mask=mask)
    for g in (grad_x, grad_offset, grad_mask, grad_weight):
        np.testing.assert_array_equal(g, 0)


@pytest.mark.parametrize("kw", [dict(padding=1), dict(stride=2, padding=(2, 0), dilation=2)])
@pytest.mark.parametrize("use_mask", [False, True])
def test_zero_offsets_equal_conv2d(rng, kw, use_mask):
    x, _, weight, bias, _ = random_case(rng, C=4, groups=2, K=4)
    expected = conv2d(x, weight, bias, groups=2, **kw)
    offset = np.zeros((2, 18) + expected.shape[2:])
    mask = np.ones((2, 9) + expected.shape[2:]) if use_mask else None
    for f in (deform_conv2d, deform_conv2d_loop):
        np.testing.assert_allclose(f(x, offset, weight, bias, mask=mask, **kw), expected,
                                   **TIGHT)


def test_mask_of_zeros_gives_bias(rng):
    x, offset, weight, bias, _ = random_case(rng)
    mask = np.zeros((2, 9, 5, 6))
    expected = np.broadcast_to(bias[:, None, None], (2, 3, 5, 6))
    for f in (deform_conv2d, deform_conv2d_loop):
        np.testing.assert_array_equal(f(x, offset, weight, bias, padding=1, mask=mask),
                                      expected)


def test_samples_within_one_pixel_outside_the_border_fade_to_zero():
    # One 3x3 image of ones, a 1x1 kernel of weight 1: the output is the sample itself.
    x, weight = np.ones((1, 1, 3, 3)), np.ones((1, 1, 1, 1))
    offset = np.zeros((1, 2, 3, 3))
    offset[0, 0, 0, 0] = -0.25        # pixel (0, 0) samples y = -0.25: 3/4 of row 0
    offset[0, 1, 0, 1] = -0.999       # pixel (0, 1) samples x = 0.001: inside, 1
    offset[0, 0, 2, 2] = 0.5          # pixel (2, 2) samples y = 2.5: half of row 2
    offset[0, 1, 2, 2] = 0.5          # ... and x = 2.5: a quarter in all
    offset[0, 1, 1, 0] = -1.0         # pixel (1, 0) samples x = -1: zero (the border rule)
    offset[0, 1, 2, 0] = -0.999       # pixel (2, 0) samples x = -0.999: 0.001 of column 0
    expected = np.array([[[[0.75, 1, 1], [0, 1, 1], [0.001, 1, 0.25]]]])
    for f in (deform_conv2d, deform_conv2d_loop):
        np.testing.assert_allclose(f(x, offset, weight), expected, rtol=1e-12, atol=1e-12)


def test_points_within_one_pixel_outside_the_border_match_torchvision(rng):
    x, offset, weight, bias, mask = random_case(rng, mask=True)
    # padding 1: tap (u, v) of output pixel (i, j) sits at (i - 1 + u, j - 1 + v). Move
    # every tap of output row 0 to y in (-1, 0), of output column 5 to x in (5, 6).
    for t, (u, v) in enumerate(np.ndindex(3, 3)):
        offset[:, 2 * t, 0] = -rng.uniform(0.01, 0.99, (2, 6)) - (u - 1)
        offset[:, 2 * t + 1, :, 5] = 5 + rng.uniform(0.01, 0.99, (2, 5)) - (4 + v)
    assert_all_match_torchvision((x, offset, weight, bias, mask), padding=1)


@pytest.mark.parametrize("use_mask", [False, True])
def test_integer_sampling_points_take_torchvision_one_sided_derivative(rng, use_mask):
    # offsets in {-2, ..., 2}: every sampling point is integer, many sit on the border
    x, _, weight, _, mask = random_case(rng, mask=use_mask)
    offset = rng.integers(-2, 3, (2, 18, 5, 6)).astype(np.float64)
    assert_backward_matches_torchvision(x, offset, weight, mask, padding=1)
    zero = np.zeros_like(offset)
    assert_backward_matches_torchvision(x, zero, weight, mask, padding=1)


def test_bilinear_reads_pixels_at_integer_points_and_zero_beyond_one_pixel_outside():
    image = np.arange(12.0).reshape(3, 4)
    assert bilinear(image, 1, 2) == image[1, 2]
    assert bilinear(image, 0.5, 0.5) == image[:2, :2].mean()
    assert bilinear(image, -1, 0) == 0 and bilinear(image, 0, 4) == 0
    assert bilinear(image, 3, 1) == 0 and bilinear(image, 1, -1.5) == 0
    assert bilinear(image, 2.5, 1) == 0.5 * image[2, 1]


def torchvision_sample(image, y, x):
    """torchvision's bilinear sample of image (H, W) at (y, x), and its gradient along y and
    x by autograd: a 1x1 kernel of weight 1 whose output pixel (0, 0) reads (0 + y, 0 + x)."""
    H, W = image.shape
    offset = torch.zeros(1, 2, H, W, dtype=torch.float64)
    offset[0, :, 0, 0] = torch.tensor([y, x], dtype=torch.float64)
    offset.requires_grad_(True)
    out = tv_deform_conv2d(tensor(image[None, None]), offset, torch.ones(1, 1, 1, 1,
                                                                        dtype=torch.float64))
    out[0, 0, 0, 0].backward()
    return out[0, 0, 0, 0].item(), tuple(offset.grad[0, :, 0, 0].tolist())


def sample_points(rng, H, W, n):
    """Points inside, within one pixel outside, far outside, on integers and on the border."""
    points = [(rng.uniform(-1.5, H + 0.5), rng.uniform(-1.5, W + 0.5)) for _ in range(n)]
    points += [(float(rng.integers(-1, H + 1)), float(rng.integers(-1, W + 1)))
               for _ in range(n)]
    return points + [(-1.0, 0.5), (H - 1.0, 0.5), (0.5, W - 1.0), (-0.5, -0.5), (H, 0.0),
                      (-0.999, W - 0.001), (1e9, 0.0)]


@pytest.mark.parametrize("shape", [(1, 1), (3, 4), (5, 2)])
def test_bilinear_and_its_gradient_match_torchvision_and_autograd(rng, shape):
    image = rng.standard_normal(shape)
    for y, x in sample_points(rng, *shape, 40):
        value, gradient = torchvision_sample(image, y, x)
        assert bilinear(image, y, x) == pytest.approx(value, abs=1e-12), (y, x)
        assert bilinear_gradient(image, y, x) == pytest.approx(gradient, abs=1e-12), (y, x)


def test_bilinear_gradient_is_the_right_hand_derivative_at_integer_points():
    image = np.array([[0.0, 1.0, 5.0], [2.0, 4.0, 3.0]])
    h = 1e-7
    for y, x in [(0.0, 1.0), (1.0, 1.0), (0.5, 1.0), (0.0, 0.5), (-1 + 1e-9, 0.0)]:
        dy, dx = bilinear_gradient(image, y, x)
        assert dy == pytest.approx((bilinear(image, y + h, x) - bilinear(image, y, x)) / h, abs=1e-5)
        assert dx == pytest.approx((bilinear(image, y, x + h) - bilinear(image, y, x)) / h, abs=1e-5)
    # at x = 1 the derivative along x jumps: from the left (1 - 0) / 1, from the right 5 - 1
    assert bilinear_gradient(image, 0.0, 1.0)[1] == 4.0
    assert bilinear(image, 0.0, 1.0) - bilinear(image, 0.0, 1.0 - h) == pytest.approx(h, rel=1e-6)


def test_split_offset_reads_torchvision_layout_dy_then_dx_row_major_taps(rng):
    # Move the samples of one offset channel by a whole pixel and see, tap by tap, which
    # one torchvision moves and along which axis: the one split_offset says owns it.
    N, C, H, W, kernel, G = 1, 4, 5, 6, (2, 3), 2
    x = rng.standard_normal((N, C, H, W))
    channels = 2 * G * kernel[0] * kernel[1]
    dy, dx = split_offset(np.arange(channels, dtype=float).reshape(1, channels, 1, 1), kernel)
    assert dy.shape == dx.shape == (1, G, 2, 3, 1, 1)
    owner = {int(d[0, g, u, v, 0, 0]): (g, u, v, axis) for axis, d in enumerate((dy, dx))
             for g, u, v in np.ndindex(G, *kernel)}
    assert sorted(owner) == list(range(channels))
    padded = np.pad(x, [(0, 0), (0, 0), (1, 1), (1, 1)])
    next_row, next_col = np.zeros_like(padded), np.zeros_like(padded)   # one pixel further on
    next_row[:, :, :-1], next_col[:, :, :, :-1] = padded[:, :, 1:], padded[:, :, :, 1:]
    out_size = conv2d(padded, np.zeros((1, C) + kernel)).shape[2:]
    for c, (g, u, v, axis) in owner.items():
        offset = np.zeros((N, channels) + out_size)
        offset[:, c] = 1.0
        for tap in np.ndindex(G, *kernel):
            weight = np.zeros((1, C) + kernel)
            weight[0, 2 * tap[0]:2 * tap[0] + 2, tap[1], tap[2]] = 1    # one tap of one group
            moved = (next_row, next_col)[axis] if tap == (g, u, v) else padded
            np.testing.assert_allclose(torchvision_forward(x, offset, weight, padding=1),
                                       conv2d(moved, weight), **TIGHT)


def test_join_offset_inverts_split_offset(rng):
    offset = rng.standard_normal((2, 2 * 3 * 2 * 3, 4, 5))
    dy, dx = split_offset(offset, (2, 3))
    assert np.shares_memory(dy, offset)
    np.testing.assert_array_equal(join_offset(dy, dx), offset)
    assert join_offset(dy, dx).shape == offset.shape


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1),
                                dict(stride=(1, 3), padding=(2, 0), dilation=(2, 1))])
def test_sampling_points_are_where_torchvision_reads(rng, kw):
    # On the image of row indices a bilinear sample inside the image is its y coordinate
    # exactly, on that of column indices its x: a one-hot weight reads one tap's point.
    H, W, kernel = 9, 10, (3, 2)
    rows, cols = np.meshgrid(np.arange(H, dtype=float), np.arange(W, dtype=float),
                             indexing="ij")
    x = np.stack([rows, cols])[None]                     # (1, 2, H, W)
    H_out, W_out = conv2d(x, np.zeros((1, 2) + kernel), **kw).shape[2:]
    offset = rng.uniform(-0.4, 0.4, (1, 12, H_out, W_out))
    py, px = sampling_points(offset, kernel, **kw)
    assert py.shape == px.shape == (1, 1, 3, 2, H_out, W_out)
    for u, v in np.ndindex(*kernel):
        inside = (py[0, 0, u, v] > 0) & (py[0, 0, u, v] < H - 1) & \
            (px[0, 0, u, v] > 0) & (px[0, 0, u, v] < W - 1)
        assert inside.sum() >= 4
        for axis, points in ((0, py), (1, px)):
            weight = np.zeros((1, 2) + kernel)
            weight[0, axis, u, v] = 1.0
            read = torchvision_forward(x, offset, weight, **kw)[0, 0]
            np.testing.assert_allclose(read[inside], points[0, 0, u, v][inside], **TIGHT)


def test_nan_offset_gives_nan_where_it_is_read(rng):
    # torchvision crashes (segmentation fault) on NaN offsets; we let the NaN through
    x, offset, weight, bias, _ = random_case(rng)
    offset[0, 0, 1, 2] = np.nan
    out = deform_conv2d(x, offset, weight, bias, padding=1)
    assert np.isnan(out[0, :, 1, 2]).all()
    assert np.isfinite(np.delete(out.reshape(2, 3, -1), 1 * 6 + 2, axis=2)).all()
    assert np.isfinite(out[1]).all()


def test_empty_batch_gives_empty_output(rng):
    x, offset, weight, bias, mask = random_case(rng, mask=True)
    x, offset, mask = x[:0], offset[:0], mask[:0]
    assert deform_conv2d(x, offset, weight, bias, padding=1, mask=mask).shape == (0, 3, 5, 6)
    grads = deform_conv2d_backward(np.zeros((0, 3, 5, 6)), x, offset, weight, padding=1,
                                   mask=mask)
    assert [g.shape for g in grads] == [x.shape, offset.shape, mask.shape, weight.shape, (3,)]


# ----------------------------------------------------------------------------- dtypes


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("use_mask", [False, True])
def test_dtype_is_preserved(rng, dtype, use_mask):
    arrays = [None if a is None else a.astype(dtype)
              for a in random_case(rng, N=1, C=2, H=3, W=3, mask=use_mask)]
    x, offset, weight, bias, mask = arrays
    for f in (deform_conv2d, deform_conv2d_loop):
        assert f(x, offset, weight, bias, padding=1, mask=mask).dtype == dtype
    grads = deform_conv2d_backward(np.ones((1, 3, 3, 3), dtype), x, offset, weight,
                                   padding=1, mask=mask)
    assert [g.dtype for g in grads if g is not None] == [dtype] * (5 if use_mask else 4)


def test_integer_input_gives_float64(rng):
    x, offset, weight, bias, _ = random_case(rng, N=1, C=2, H=3, W=3)
    out = deform_conv2d(x.round().astype(np.int64), offset, weight.astype(np.float32),
                        padding=1)
    assert out.dtype == np.float64


def test_inputs_are_not_modified(rng):
    arrays = random_case(rng, mask=True)
    copies = [a.copy() for a in arrays]
    x, offset, weight, bias, mask = arrays
    deform_conv2d(x, offset, weight, bias, padding=1, mask=mask)
    deform_conv2d_loop(x, offset, weight, bias, padding=1, mask=mask)
    grad_out = np.ones((2, 3, 5, 6))
    deform_conv2d_backward(grad_out, x, offset, weight, padding=1, mask=mask)
    for a, b in zip(arrays + (grad_out,), copies + [np.ones((2, 3, 5, 6))]):
        np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------------- bad input


def good():
    """A valid call: x (2, 4, 5, 6), weight (6, 2, 3, 3) (2 groups), 2 offset groups,
    padding 1, output (5, 6)."""
    return dict(x=np.zeros((2, 4, 5, 6)), offset=np.zeros((2, 36, 5, 6)),
                weight=np.zeros((6, 2, 3, 3)), bias=np.zeros(6), mask=np.zeros((2, 18, 5, 6)),
                stride=1, padding=1, dilation=1)


BAD = {
    "x_ndim": (dict(x=np.zeros((4, 5, 6))), "x"),
    "offset_ndim": (dict(offset=np.zeros((2, 36, 30))), "offset"),
    "weight_ndim": (dict(weight=np.zeros((6, 2, 9))), "weight"),
    "mask_ndim": (dict(mask=np.zeros((2, 18, 30))), "mask"),
    "offset_channels_not_a_multiple_of_2_taps": (dict(offset=np.zeros((2, 27, 5, 6))), "offset"),
    "offset_with_no_channels": (dict(offset=np.zeros((2, 0, 5, 6))), "offset"),
    "offset_spatial_size": (dict(offset=np.zeros((2, 36, 5, 5))), "offset"),
    "offset_batch": (dict(offset=np.zeros((1, 36, 5, 6))), "offset"),
    "mask_spatial_size": (dict(mask=np.zeros((2, 18, 6, 6))), "mask"),
    "mask_channels": (dict(mask=np.zeros((2, 9, 5, 6))), "mask"),
    "mask_batch": (dict(mask=np.zeros((3, 18, 5, 6))), "mask"),
    "channels_not_divisible_by_weight": (dict(weight=np.zeros((6, 3, 3, 3))), "weight"),
    "channels_not_divisible_by_offset_groups": (dict(offset=np.zeros((2, 54, 5, 6)),
                                                     mask=np.zeros((2, 27, 5, 6))), "offset"),
    "out_channels_not_divisible_by_groups": (dict(weight=np.zeros((5, 2, 3, 3)),
                                                  bias=np.zeros(5)), "weight.*groups"),
    "x_with_no_channels": (dict(x=np.zeros((2, 0, 5, 6))), "x"),
    "empty_weight": (dict(weight=np.zeros((6, 0, 3, 3))), "weight"),
    "empty_image": (dict(x=np.zeros((2, 4, 0, 6))), "x"),
    "bias_shape": (dict(bias=np.zeros(5)), "bias"),
    "stride_zero": (dict(stride=0), "stride"),
    "dilation_zero": (dict(dilation=(1, 0)), "dilation"),
    "padding_negative": (dict(padding=-1), "padding"),
    "padding_string": (dict(padding="same"), "padding"),
    "kernel_larger_than_padded_input": (dict(weight=np.zeros((6, 2, 9, 1))), "kernel.*x"),
    "complex_x": (dict(x=np.zeros((2, 4, 5, 6), complex)), "x"),
}


@pytest.mark.parametrize("f", [deform_conv2d, deform_conv2d_loop], ids=["fast", "loop"])
@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_input_raises_value_error_naming_the_argument(f, case):
    change, name = BAD[case]
    kw = {**good(), **change}
    with pytest.raises(ValueError, match=name):
        f(**kw)


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_backward_bad_input_raises_value_error_naming_the_argument(case):
    change, name = BAD[case]
    if name == "bias":
        return                               # the backward pass takes no bias
    kw = {**good(), **change}
    del kw["bias"]
    with pytest.raises(ValueError, match=name):
        deform_conv2d_backward(np.zeros((2, 6, 5, 6)), **kw)


@pytest.mark.parametrize("shape", [(2, 6, 5, 5), (2, 5, 5, 6), (1, 6, 5, 6), (2, 6, 30)])
def test_backward_rejects_grad_out_of_the_wrong_shape(shape):
    kw = good()
    del kw["bias"]
    with pytest.raises(ValueError, match=r"grad_out.*\(2, 6, 5, 6\)"):
        deform_conv2d_backward(np.zeros(shape), **kw)


def test_good_call_is_accepted():
    kw = good()
    assert deform_conv2d(**kw).shape == (2, 6, 5, 6)


LAYOUT_BAD = [
    (lambda: split_offset(np.zeros((1, 17, 2, 2)), (3, 3)), r"offset.*multiple of 18.*\(1, 17, 2, 2\)"),
    (lambda: split_offset(np.zeros((1, 0, 2, 2)), (1, 1)), r"offset.*\(1, 0, 2, 2\)"),
    (lambda: split_offset(np.zeros((18, 2, 2)), (3, 3)), r"offset must be 4-D.*\(18, 2, 2\)"),
    (lambda: split_offset(np.zeros((1, 18, 2, 2)), (3, 0)), "kernel_size"),
    (lambda: join_offset(np.zeros((1, 1, 3, 3, 2, 2)), np.zeros((1, 1, 3, 3, 2, 1))),
     r"dx.*\(1, 1, 3, 3, 2, 2\).*\(1, 1, 3, 3, 2, 1\)"),
    (lambda: join_offset(np.zeros((1, 3, 3, 2, 2)), np.zeros((1, 3, 3, 2, 2))), r"dy must be 6-D"),
    (lambda: sampling_points(np.zeros((1, 18, 2, 2)), (3, 3), stride=0), "stride"),
    (lambda: sampling_points(np.zeros((1, 18, 2, 2)), (3, 3), padding=-1), "padding"),
    (lambda: sampling_points(np.zeros((1, 18, 2, 2)), (3, 3), dilation=(1, 0)), "dilation"),
    (lambda: sampling_points(np.zeros((1, 18, 2, 2), complex), (3, 3)), "offset must be real"),
]


@pytest.mark.parametrize("call, message", LAYOUT_BAD, ids=[m for _, m in LAYOUT_BAD])
def test_layout_helpers_reject_bad_input_naming_the_argument_and_shapes(call, message):
    with pytest.raises(ValueError, match=message):
        call()

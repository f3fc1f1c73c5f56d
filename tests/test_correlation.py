"""correlate2d and convolve2d against scipy.signal on random shapes, every mode."""
import numpy as np
import pytest
import scipy.signal
from hypothesis import given
from hypothesis import strategies as st

from convzoo.correlation import convolve2d, correlate2d

PAIRS = [(correlate2d, scipy.signal.correlate2d), (convolve2d, scipy.signal.convolve2d)]


@st.composite
def arrays_and_kernel(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((draw(st.integers(1, 8)), draw(st.integers(1, 8))))
    k = rng.standard_normal((draw(st.integers(1, 8)), draw(st.integers(1, 8))))
    return a, k


def both_or_neither_raise(ours, theirs, a, k, mode):
    """scipy's rule for valid mode: one array at least as large as the other everywhere."""
    try:
        expected = theirs(a, k, mode)
    except ValueError:
        with pytest.raises(ValueError, match="at least as large"):
            ours(a, k, mode)
        return None
    return expected


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("ours, theirs", PAIRS, ids=["correlate2d", "convolve2d"])
@given(case=arrays_and_kernel())
def test_matches_scipy_on_random_shapes(ours, theirs, mode, case):
    a, k = case
    expected = both_or_neither_raise(ours, theirs, a, k, mode)
    if expected is not None:
        out = ours(a, k, mode)
        assert out.shape == expected.shape
        np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-10)


def test_convolution_is_correlation_with_the_flipped_kernel(rng):
    a, k = rng.standard_normal((6, 7)), rng.standard_normal((3, 2))
    np.testing.assert_allclose(convolve2d(a, k), correlate2d(a, k[::-1, ::-1]))


def test_same_mode_puts_extra_pixel_right_for_correlation_and_left_for_convolution():
    a = np.zeros((1, 5))
    a[0, 0] = 1.0                       # impulse at the left edge
    k = np.array([[1.0, 2.0]])          # even kernel
    # correlate2d "same" pads after: out[j] = a[j]*1 + a[j+1]*2, so out[0] = 1
    np.testing.assert_array_equal(correlate2d(a, k, "same"), [[1, 0, 0, 0, 0]])
    # convolve2d "same" pads before: out[j] = a[j]*1 + a[j-1]*2, so the impulse also lands at j=1
    np.testing.assert_array_equal(convolve2d(a, k, "same"), [[1, 2, 0, 0, 0]])


def test_valid_mode_swaps_when_the_kernel_is_larger_like_scipy(rng):
    a, k = rng.standard_normal((2, 3)), rng.standard_normal((4, 5))
    np.testing.assert_allclose(correlate2d(a, k, "valid"),
                               scipy.signal.correlate2d(a, k, "valid"))
    np.testing.assert_allclose(convolve2d(a, k, "valid"), scipy.signal.convolve2d(a, k, "valid"))


def test_inputs_are_not_modified_and_float32_is_kept(rng):
    a, k = rng.standard_normal((5, 5)).astype(np.float32), rng.standard_normal((3, 3))
    a0, k0 = a.copy(), k.copy()
    assert correlate2d(a, k.astype(np.float32), "same").dtype == np.float32
    convolve2d(a, k, "full")
    np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(k, k0)


@pytest.mark.parametrize("fn", [correlate2d, convolve2d])
def test_bad_input_raises_value_error_naming_argument(fn):
    with pytest.raises(ValueError, match=r"a must be 2-D, got shape \(1, 5, 5\)"):
        fn(np.zeros((1, 5, 5)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"k must be 2-D, got shape \(3,\)"):
        fn(np.zeros((5, 5)), np.zeros(3))
    with pytest.raises(ValueError, match="mode must be one of"):
        fn(np.zeros((5, 5)), np.zeros((3, 3)), mode="circular")
    with pytest.raises(ValueError, match=r"a \(5, 2\) and k \(3, 3\)"):
        fn(np.zeros((5, 2)), np.zeros((3, 3)), mode="valid")
    with pytest.raises(ValueError, match="must not be empty"):
        fn(np.zeros((0, 5)), np.zeros((3, 3)))


# ----------------------------------------------------------------------------- growing corr2d

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from convzoo.correlation import (conv2d_by_parts, corr2d, corr2d_multi_in,  # noqa: E402
                                 corr2d_multi_in_out)


def torch_conv(x, w, b=None, **kw):
    t = lambda a: None if a is None else torch.from_numpy(np.ascontiguousarray(a))  # noqa: E731
    return F.conv2d(t(x), t(w), t(b), **kw).numpy()


@st.composite
def layers(draw):
    """x (N, C, H, W), weight (K, C, kH, kW), bias, stride, padding, with the kernel fitting
    the padded input (as small as 1x1, as large as the padded input)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    N, C, K = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    p = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))         # (rows, columns)
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    H = max(1, kh - 2 * p[0] + draw(st.integers(0, 5)))
    W = max(1, kw - 2 * p[1] + draw(st.integers(0, 5)))
    return (rng.standard_normal((N, C, H, W)), rng.standard_normal((K, C, kh, kw)),
            rng.standard_normal(K) if draw(st.booleans()) else None, s, p)


@given(case=arrays_and_kernel())
def test_corr2d_is_torch_conv2d_on_one_image_and_one_kernel(case):
    x, k = case
    if k.shape[0] > x.shape[0] or k.shape[1] > x.shape[1]:
        x, k = k, x
    if k.shape[0] > x.shape[0] or k.shape[1] > x.shape[1]:
        return
    np.testing.assert_allclose(corr2d(x, k), torch_conv(x[None, None], k[None, None])[0, 0],
                               rtol=1e-10, atol=1e-10)


@given(case=layers())
def test_each_growth_step_is_torch_conv2d(case):
    x, w, b, s, p = case
    expected = torch_conv(x, w, b, stride=s, padding=p)
    np.testing.assert_allclose(conv2d_by_parts(x, w, b, s, p), expected, rtol=1e-10, atol=1e-10)
    xp = np.pad(x[0], ((0, 0), (p[0], p[0]), (p[1], p[1])))
    np.testing.assert_allclose(corr2d_multi_in_out(xp, w), torch_conv(xp[None], w)[0],
                               rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(corr2d_multi_in(xp, w[0]), torch_conv(xp[None], w[:1])[0, 0],
                               rtol=1e-10, atol=1e-10)


def test_corr2d_keeps_float32_and_leaves_its_inputs_alone(rng):
    x, k = rng.standard_normal((6, 5)).astype(np.float32), rng.standard_normal((2, 3)).astype(np.float32)
    x0, k0 = x.copy(), k.copy()
    assert corr2d(x, k).dtype == np.float32
    assert conv2d_by_parts(x[None, None], k[None, None]).dtype == np.float32
    assert corr2d(x.astype(int), k.astype(int)).dtype == np.float64   # integers become float64
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(k, k0)


@pytest.mark.parametrize("call, message", [
    (lambda: corr2d(np.ones((3, 3, 1)), np.ones((2, 2))), r"x must be 2-D \(H, W\), got shape \(3, 3, 1\)"),
    (lambda: corr2d(np.ones((3, 3)), np.ones(2)), r"k must be 2-D \(kH, kW\), got shape \(2,\)"),
    (lambda: corr2d(np.ones((3, 3)), np.ones((4, 1))), r"kernel of k \(4, 1\) must fit in the image of x \(3, 3\)"),
    (lambda: corr2d(np.ones((3, 3)), np.ones((0, 1))), r"k \(0, 1\)"),
    (lambda: corr2d_multi_in(np.ones((2, 3, 3)), np.ones((3, 2, 2))), r"k \(3, 2, 2\) has 3 input channels, x \(2, 3, 3\) has 2"),
    (lambda: corr2d_multi_in_out(np.ones((2, 3, 3)), np.ones((2, 2, 2))), r"k must be 4-D \(K, C, kH, kW\)"),
    (lambda: conv2d_by_parts(np.ones((1, 1, 3, 3)), np.ones((1, 1, 5, 5)), padding=0), r"weight \(1, 1, 5, 5\) must fit in the image of x padded \(1, 3, 3\)"),
    (lambda: conv2d_by_parts(np.ones((1, 1, 3, 3)), np.ones((2, 1, 2, 2)), np.ones(3)), r"bias must have shape \(2,\)"),
    (lambda: conv2d_by_parts(np.ones((1, 3, 3)), np.ones((1, 1, 2, 2))), r"x must be 4-D \(N, C, H, W\)"),
    (lambda: conv2d_by_parts(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), stride=0), r"stride must be >= 1"),
])
def test_growth_steps_name_the_argument_and_shapes_of_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()

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

"""convzoo.pooling against torch's max_pool2d and avg_pool2d: values, indices, output sizes
(ceil_mode), the divisor of average pooling, refusals, and the edges."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from convzoo.arithmetic import pool_output_size
from convzoo.pooling import avg_pool2d, avg_pool2d_loop, max_pool2d, max_pool2d_loop


def torch_or_none(f, x, **kwargs):
    try:
        out = f(torch.from_numpy(x), **kwargs)
    except RuntimeError:
        return None
    return tuple(o.numpy() for o in out) if isinstance(out, tuple) else out.numpy()


def ours_or_none(f, x, **kwargs):
    try:
        return f(x, **kwargs)
    except ValueError:
        return None


@st.composite
def pooling_cases(draw, dilation=True):
    """x (N, C, H, W) from 1x1 up, a window as large as the input or larger, any stride,
    padding up to half the window (torch's limit), floor or ceil mode."""
    k = tuple(draw(st.lists(st.integers(1, 4), min_size=2, max_size=2)))
    size = tuple(draw(st.integers(1, 9)) for _ in range(2))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3))) + size
    seed = draw(st.integers(0, 2**32 - 1))
    kwargs = dict(kernel_size=k, padding=tuple(draw(st.integers(0, ki // 2)) for ki in k),
                  ceil_mode=draw(st.booleans()))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 4), st.integers(1, 4))))
    if stride is not None:
        kwargs["stride"] = stride
    if dilation:
        kwargs["dilation"] = tuple(draw(st.integers(1, 3)) for _ in range(2))
    return np.random.default_rng(seed).standard_normal(shape), kwargs


@given(case=pooling_cases())
def test_max_pool2d_values_and_indices_match_torch(case):
    x, kwargs = case
    expected = torch_or_none(F.max_pool2d, x, return_indices=True, **kwargs)
    for f in (max_pool2d, max_pool2d_loop):
        out = ours_or_none(f, x, return_indices=True, **kwargs)
        if out is None and expected is not None:
            # ours refuses a window whose dilated taps miss the input: torch gives -inf there
            assert np.isneginf(expected[0]).any(), (x.shape, kwargs)
            continue
        assert (out is None) == (expected is None), (f.__name__, x.shape, kwargs)
        if out is not None:
            assert out[0].shape == expected[0].shape
            assert np.array_equal(out[0], expected[0]) and np.array_equal(out[1], expected[1])
            assert out[1].dtype == np.int64


@given(case=pooling_cases(dilation=False), count_include_pad=st.booleans(),
       divisor=st.one_of(st.none(), st.integers(1, 5)))
def test_avg_pool2d_matches_torch_with_each_divisor(case, count_include_pad, divisor):
    x, kwargs = case
    kwargs.update(count_include_pad=count_include_pad, divisor_override=divisor)
    expected = torch_or_none(F.avg_pool2d, x, **kwargs)
    for f in (avg_pool2d, avg_pool2d_loop):
        out = ours_or_none(f, x, **kwargs)
        assert (out is None) == (expected is None), (f.__name__, x.shape, kwargs)
        if out is not None:
            assert out.shape == expected.shape and np.abs(out - expected).max() < 1e-12


@given(n=st.integers(1, 40), k=st.integers(1, 7), stride=st.integers(1, 5),
       padding=st.integers(0, 4), dilation=st.integers(1, 3), ceil_mode=st.booleans())
def test_pool_output_size_is_torchs_length_or_refusal(n, k, stride, padding, dilation, ceil_mode):
    expected = torch_or_none(F.max_pool2d, np.zeros((1, 1, n, 1)), kernel_size=(k, 1),
                             stride=(stride, 1), padding=(padding, 0), dilation=(dilation, 1),
                             ceil_mode=ceil_mode)
    try:
        ours = pool_output_size(n, k, stride, padding, dilation, ceil_mode)
    except ValueError:
        ours = None
    assert ours == (None if expected is None else expected.shape[2])


def test_ceil_mode_keeps_a_window_that_hangs_over_the_end_but_not_one_in_the_padding():
    assert pool_output_size(6, 3, 2) == 2 and pool_output_size(6, 3, 2, ceil_mode=True) == 3
    # n 5, k 2, s 2, p 1: ceil would give 4 windows, but the 4th would start at padded
    # position 6 = n + p, inside the right padding
    assert pool_output_size(5, 2, 2, 1, ceil_mode=True) == 3
    x = np.arange(25.0).reshape(1, 1, 5, 5)
    assert max_pool2d(x, 2, 2, 1, ceil_mode=True).shape == (1, 1, 3, 3)


def test_stride_defaults_to_the_kernel_size_and_unbatched_input_is_accepted(rng):
    x = rng.standard_normal((3, 7, 8))
    assert max_pool2d(x, 2).shape == (3, 3, 4)
    assert np.array_equal(max_pool2d(x, 2), F.max_pool2d(torch.from_numpy(x), 2).numpy())
    assert np.allclose(avg_pool2d(x, (2, 3)), F.avg_pool2d(torch.from_numpy(x), (2, 3)).numpy())


def test_edges_one_pixel_whole_image_window_and_stride_larger_than_window(rng):
    x = rng.standard_normal((2, 3, 5, 6))
    assert np.array_equal(max_pool2d(x, (5, 6))[..., 0, 0], x.max(axis=(2, 3)))
    assert np.allclose(avg_pool2d(x, (5, 6))[..., 0, 0], x.mean(axis=(2, 3)))
    one = rng.standard_normal((1, 1, 1, 1))
    assert np.array_equal(max_pool2d(one, 1), one) and np.array_equal(avg_pool2d(one, 1), one)
    skip = max_pool2d(x, 1, stride=3)
    assert np.array_equal(skip, x[:, :, ::3, ::3])          # a 1x1 window: subsampling


def test_ties_give_the_first_index_in_the_window_as_torch():
    x = np.ones((1, 1, 4, 4))
    _, ours = max_pool2d(x, 2, return_indices=True)
    _, theirs = F.max_pool2d(torch.from_numpy(x), 2, return_indices=True)
    assert np.array_equal(ours, theirs.numpy()) and ours.tolist() == [[[[0, 2], [8, 10]]]]


def test_float32_stays_float32_and_the_input_is_not_changed(rng):
    x = rng.standard_normal((1, 2, 6, 6)).astype(np.float32)
    before = x.copy()
    for f in (max_pool2d, max_pool2d_loop, avg_pool2d, avg_pool2d_loop):
        out = f(x, 3, 2, 1)
        assert out.dtype == np.float32
    assert np.array_equal(x, before)


@pytest.mark.parametrize("call, words", [
    (lambda: max_pool2d(np.ones((1, 1, 5, 5)), 3, padding=2), ["padding", "half", "(1, 1, 5, 5)"]),
    (lambda: avg_pool2d(np.ones((1, 1, 5, 5)), 2, padding=2), ["padding", "half"]),
    (lambda: max_pool2d(np.ones((1, 1, 2, 2)), 3), ["kernel", "(1, 1, 2, 2)"]),
    (lambda: max_pool2d(np.ones((1, 1, 5, 5)), 0), ["kernel_size", "0"]),
    (lambda: max_pool2d(np.ones((1, 1, 5, 5)), 2, stride=0), ["stride", "0"]),
    (lambda: max_pool2d(np.ones((1, 1, 5, 5)), 2, dilation=0), ["dilation", "0"]),
    (lambda: max_pool2d(np.ones((1, 1, 5, 5)), 2, padding=-1), ["padding", "-1"]),
    (lambda: max_pool2d(np.ones((5, 5)), 2), ["x", "(5, 5)"]),
    (lambda: max_pool2d(np.ones((1, 1, 5, 5)), 2, ceil_mode=1), ["ceil_mode"]),
    (lambda: max_pool2d(np.ones((1, 1, 7, 1)), 3, 3, (0, 1), (1, 2), True), ["reads no pixel", "(1, 1, 7, 1)"]),
    (lambda: avg_pool2d(np.ones((1, 1, 5, 5)), 2, divisor_override=0), ["divisor_override"]),
    (lambda: avg_pool2d(np.ones((1, 1, 5, 5)), 2, count_include_pad=None), ["count_include_pad"]),
    (lambda: pool_output_size(5, 3, 2, 2), ["padding", "half"]),
])
def test_bad_input_raises_value_error_naming_argument_and_shapes(call, words):
    with pytest.raises(ValueError) as error:
        call()
    for word in words:
        assert word in str(error.value)

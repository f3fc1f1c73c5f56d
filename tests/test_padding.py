"""convzoo.padding.pad against torch.nn.functional.pad: every mode, many shapes, the
refusals, and torch's padding_mode of nn.Conv2d (which calls F.pad)."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from convzoo.convolution import conv2d
from convzoo.padding import MODES, pad, pad_loop, source_index


def torch_pad(x, pads, mode, value=None):
    """F.pad on a NumPy array, or None where torch refuses."""
    try:
        return F.pad(torch.from_numpy(x), list(pads), mode=mode, value=value).numpy()
    except (RuntimeError, NotImplementedError):
        return None


def ours_or_none(f, *args, **kwargs):
    try:
        return f(*args, **kwargs)
    except ValueError:
        return None


@st.composite
def padding_cases(draw, dims=2):
    """x (N, C, size...) with 1 to 5 pixels a side, pads 0 to 6 for its last `dims` dims."""
    size = draw(st.lists(st.integers(1, 5), min_size=dims, max_size=dims))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3))) + tuple(size)
    seed = draw(st.integers(0, 2**32 - 1))
    pads = draw(st.lists(st.integers(0, 6), min_size=2 * dims, max_size=2 * dims))
    return np.random.default_rng(seed).standard_normal(shape), tuple(pads)


@pytest.mark.parametrize("mode", MODES)
@given(case=padding_cases())
def test_pad_gives_what_torch_pad_gives_or_refuses_like_it(mode, case):
    x, pads = case
    expected = torch_pad(x, pads, mode)
    for f in (pad, pad_loop):
        out = ours_or_none(f, x, pads, mode)
        assert (out is None) == (expected is None), (f.__name__, x.shape, pads, mode)
        if out is not None:
            assert out.shape == expected.shape and np.array_equal(out, expected)


@pytest.mark.parametrize("mode", MODES)
@given(case=padding_cases(dims=1))
def test_pad_of_the_last_dim_only_matches_torch(mode, case):
    x, pads = case
    x = x[:, :, 0]                                       # (N, C, W)
    expected = torch_pad(x, pads, mode)
    out = ours_or_none(pad, x, pads, mode)
    assert (out is None) == (expected is None)
    if out is not None:
        assert np.array_equal(out, expected)


@given(case=padding_cases(dims=3))
def test_constant_pad_of_three_dims_with_a_value_matches_torch(case):
    x, pads = case
    x = x[:, :, :, :, None] if x.ndim == 4 else x
    assert np.array_equal(pad(x, pads, value=2.5), torch_pad(x, pads, "constant", 2.5))


def test_each_mode_reads_the_index_its_rule_says():
    x = np.arange(5.0)
    assert pad(x, (2, 2), "reflect").tolist() == [2, 1, 0, 1, 2, 3, 4, 3, 2]
    assert pad(x, (2, 2), "replicate").tolist() == [0, 0, 0, 1, 2, 3, 4, 4, 4]
    assert pad(x, (2, 2), "circular").tolist() == [3, 4, 0, 1, 2, 3, 4, 0, 1]
    assert pad(x, (2, 2)).tolist() == [0, 0, 0, 1, 2, 3, 4, 0, 0]
    assert source_index(np.arange(-2, 7), 5, "reflect").tolist() == [2, 1, 0, 1, 2, 3, 4, 3, 2]


def test_pad_order_is_last_dimension_first():
    x = np.ones((2, 3))
    assert pad(x, (1, 2, 3, 4)).shape == (2 + 3 + 4, 3 + 1 + 2)
    assert torch_pad(x[None], (1, 2, 3, 4), "constant").shape[1:] == (9, 6)


@pytest.mark.parametrize("torch_mode, mode", [("zeros", "constant"), ("reflect", "reflect"),
                                              ("replicate", "replicate"), ("circular", "circular")])
def test_conv2d_padding_mode_is_pad_then_an_unpadded_conv(torch_mode, mode, rng):
    for _ in range(20):
        H, W = (int(v) for v in rng.integers(3, 9, 2))
        ph, pw = (int(v) for v in rng.integers(0, 3, 2))
        layer = torch.nn.Conv2d(2, 3, (3, 2), padding=(ph, pw), padding_mode=torch_mode,
                                dtype=torch.float64)
        x = rng.standard_normal((1, 2, H, W))
        with torch.no_grad():
            expected = layer(torch.from_numpy(x)).numpy()
        w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
        ours = conv2d(pad(x, (pw, pw, ph, ph), mode), w, b)
        assert np.abs(ours - expected).max() < 1e-12


def test_pad_keeps_float32_and_never_returns_or_changes_its_input():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    before = x.copy()
    for mode in MODES:
        for f in (pad, pad_loop):
            out = f(x, (1, 1, 1, 1), mode)
            assert out.dtype == np.float32 and not np.shares_memory(out, x)
            out[...] = -1
    no_pad = pad(x, (), "reflect")
    assert not np.shares_memory(no_pad, x) and np.array_equal(no_pad, x)
    assert np.array_equal(x, before)


@pytest.mark.parametrize("args, kwargs, words", [
    ((np.ones((3, 4)), (4, 0), "reflect"), {}, ["reflect", "pad < size", "(4, 0)", "(3, 4)"]),
    ((np.ones((3, 4)), (0, 0, 0, 3), "reflect"), {}, ["reflect", "(0, 3)", "(3, 4)"]),
    ((np.ones((3, 4)), (5, 0), "circular"), {}, ["circular", "(5, 0)", "(3, 4)"]),
    ((np.ones((3, 4)), (1, 1, 1), "constant"), {}, ["pad", "(1, 1, 1)"]),
    ((np.ones(3), (1, 1, 1, 1), "constant"), {}, ["pad", "(3,)"]),
    ((np.ones((3, 4)), (-1, 1), "constant"), {}, ["pad", ">= 0", "(-1, 1)"]),
    ((np.ones((3, 4)), (1, 1), "symmetric"), {}, ["mode", "symmetric"]),
    ((np.ones((3, 4)), (1.0, 1), "constant"), {}, ["pad", "1.0"]),
    ((np.ones((3, 4)), (1, 1), "reflect"), {"value": 2.0}, ["value", "reflect"]),
    ((np.ones((3, 0)), (1, 1), "replicate"), {}, ["replicate", "(3, 0)"]),
    ((np.array(["a"]), (1, 1), "constant"), {}, ["x", "dtype"]),
])
def test_bad_input_raises_value_error_naming_argument_and_shapes(args, kwargs, words):
    for f in (pad, pad_loop):
        with pytest.raises(ValueError) as error:
            f(*args, **kwargs)
        for word in words:
            assert word in str(error.value)

"""channel_shuffle and channel_unshuffle against torch's ChannelShuffle."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from convzoo.shuffle import (channel_shuffle, channel_shuffle_loop, channel_unshuffle,
                             channel_unshuffle_loop)

SHUFFLES = [channel_shuffle, channel_shuffle_loop]
UNSHUFFLES = [channel_unshuffle, channel_unshuffle_loop]


def random_case(rng, dtype=np.float64):
    """(N, C, *trailing) with 1 to 3 trailing dims and groups dividing C."""
    groups = int(rng.integers(1, 6))
    C = groups * int(rng.integers(1, 6))
    trailing = tuple(int(v) for v in rng.integers(1, 4, int(rng.integers(1, 4))))
    x = rng.standard_normal((int(rng.integers(1, 4)), C) + trailing).astype(dtype)
    return x, groups


@pytest.mark.parametrize("case", range(100))
def test_channel_shuffle_equals_torch_channel_shuffle(case):
    x, groups = random_case(np.random.default_rng(case))
    expected = nn.ChannelShuffle(groups)(torch.from_numpy(x)).numpy()
    np.testing.assert_array_equal(F.channel_shuffle(torch.from_numpy(x), groups), expected)
    for f in SHUFFLES:
        np.testing.assert_array_equal(f(x, groups), expected)


@pytest.mark.parametrize("case", range(100))
def test_channel_unshuffle_undoes_channel_shuffle_and_torch_shuffle(case):
    x, groups = random_case(np.random.default_rng(1000 + case))
    shuffled = F.channel_shuffle(torch.from_numpy(x), groups).numpy()
    for unshuffle in UNSHUFFLES:
        np.testing.assert_array_equal(unshuffle(shuffled, groups), x)
        for shuffle in SHUFFLES:
            np.testing.assert_array_equal(unshuffle(shuffle(x, groups), groups), x)
            np.testing.assert_array_equal(shuffle(unshuffle(x, groups), groups), x)


@pytest.mark.parametrize("case", range(30))
def test_channel_unshuffle_is_shuffle_with_the_other_factor(case):
    x, groups = random_case(np.random.default_rng(2000 + case))
    np.testing.assert_array_equal(channel_unshuffle(x, groups),
                                  channel_shuffle(x, x.shape[1] // groups))


def test_shuffle_deals_channels_out_like_cards():
    x = np.arange(6).reshape(1, 6, 1)
    assert channel_shuffle(x, 2)[0, :, 0].tolist() == [0, 3, 1, 4, 2, 5]
    assert channel_shuffle(x, 3)[0, :, 0].tolist() == [0, 2, 4, 1, 3, 5]
    assert channel_unshuffle(x, 2)[0, :, 0].tolist() == [0, 2, 4, 1, 3, 5]


@pytest.mark.parametrize("groups", [1, 6])
@pytest.mark.parametrize("f", SHUFFLES + UNSHUFFLES)
def test_one_group_or_one_channel_per_group_leaves_x_as_it_is(rng, f, groups):
    x = rng.standard_normal((2, 6, 3, 2))
    y = f(x, groups)
    np.testing.assert_array_equal(y, x)
    assert not np.shares_memory(y, x)


@pytest.mark.parametrize("shape", [(1, 4, 1, 1), (3, 4, 1), (2, 4, 1, 1, 1, 1), (0, 4, 2, 2)])
@pytest.mark.parametrize("f", SHUFFLES)
def test_any_number_of_trailing_dims_and_empty_batches_match_torch(f, shape):
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    np.testing.assert_array_equal(f(x, 2), F.channel_shuffle(torch.from_numpy(x), 2).numpy())


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.bool_])
@pytest.mark.parametrize("f", SHUFFLES + UNSHUFFLES)
def test_dtype_is_kept_as_torch_keeps_it(rng, f, dtype):
    x = (rng.standard_normal((2, 4, 3, 3)) > 0).astype(dtype)
    assert f(x, 2).dtype == dtype


@pytest.mark.parametrize("f", SHUFFLES + UNSHUFFLES)
def test_input_is_not_modified_and_output_is_a_new_array(rng, f):
    x = rng.standard_normal((2, 6, 3, 3))
    before = x.copy()
    y = f(x, 3)
    assert not np.shares_memory(y, x)
    y[...] = 0
    np.testing.assert_array_equal(x, before)


def test_non_contiguous_input_is_shuffled_by_value(rng):
    x = rng.standard_normal((2, 3, 4, 6)).transpose(0, 3, 1, 2)       # (2, 6, 3, 4), strided
    expected = F.channel_shuffle(torch.from_numpy(np.ascontiguousarray(x)), 3).numpy()
    for f in SHUFFLES:
        np.testing.assert_array_equal(f(x, 3), expected)


@pytest.mark.parametrize("x, groups, match", [
    (np.zeros((2, 6)), 2, "^x must be at least 3-D"),
    (np.zeros(6), 2, "^x must be at least 3-D"),
    (np.zeros((2, 6, 3)), 4, "^x has 6 channels .* not divisible by groups=4"),
    (np.zeros((2, 6, 3)), 0, "^groups must be an int >= 1"),
    (np.zeros((2, 6, 3)), -2, "^groups must be an int >= 1"),
    (np.zeros((2, 6, 3)), 2.0, "^groups must be an int >= 1"),
    (np.zeros((2, 6, 3)), True, "^groups must be an int >= 1"),
    (np.zeros((2, 6, 3)), "2", "^groups must be an int >= 1"),
    (np.zeros((2, 6, 3), dtype=object), 2, "^x must hold numbers"),
])
@pytest.mark.parametrize("f", SHUFFLES + UNSHUFFLES)
def test_bad_input_raises_value_error_naming_the_argument(f, x, groups, match):
    with pytest.raises(ValueError, match=match):
        f(x, groups)

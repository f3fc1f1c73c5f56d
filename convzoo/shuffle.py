"""Channel shuffle: how ShuffleNet lets grouped convolutions talk to each other.

Chapter: grouped convolution and channel shuffle. A grouped conv (conv2d with groups=g;
a pointwise group conv is the same with a 1x1 kernel) keeps each group's channels apart.
Shuffling deals the channels out like cards, so the next grouped conv sees every group:

    out[n, k] = x[n, (k % g) * (C / g) + k // g]       for k = 0 .. C-1

i.e. view the channels as a (g, C/g) grid and read it by columns. torch does the same
(nn.ChannelShuffle, F.channel_shuffle); channel_unshuffle puts the channels back.
"""
import numpy as np

from .checks import as_float_array, check_groups_divide


def _check(x, groups):
    x = as_float_array("x", x)
    if x.ndim < 3:
        raise ValueError(f"x must be at least 3-D (N, C, *), like torch's channel_shuffle, "
                         f"got shape {x.shape}")
    check_groups_divide(groups, x.shape)
    return x


def channel_shuffle_loop(x, groups):
    """channel_shuffle written as its formula, channel by channel. Chapter: grouped
    convolution and channel shuffle."""
    x = _check(x, groups)
    C = x.shape[1]
    out = np.empty_like(x)
    for k in range(C):
        out[:, k] = x[:, (k % groups) * (C // groups) + k // groups]
    return out


def channel_unshuffle_loop(x, groups):
    """channel_unshuffle written as its formula: the channel that shuffling moved to k goes
    back. Chapter: grouped convolution and channel shuffle."""
    x = _check(x, groups)
    C = x.shape[1]
    out = np.empty_like(x)
    for k in range(C):
        out[:, (k % groups) * (C // groups) + k // groups] = x[:, k]
    return out


def channel_shuffle(x, groups):
    """As torch.nn.functional.channel_shuffle: x (N, C, *) -> (N, C, *), the channels viewed
    as (groups, C/groups), transposed, flattened. Any dtype; returns a new array.

    Replaces the loop over k with one reshape-transpose-copy. Chapter: grouped convolution
    and channel shuffle.
    """
    x = _check(x, groups)
    N, C = x.shape[:2]
    grid = x.reshape((N, groups, C // groups) + x.shape[2:])
    return np.swapaxes(grid, 1, 2).copy().reshape(x.shape)


def channel_unshuffle(x, groups):
    """The inverse of channel_shuffle(., groups): x (N, C, *) -> (N, C, *), the channels
    viewed as (C/groups, groups), transposed, flattened. It is channel_shuffle with
    C/groups groups. Chapter: grouped convolution and channel shuffle.
    """
    x = _check(x, groups)
    return channel_shuffle(x, x.shape[1] // groups)

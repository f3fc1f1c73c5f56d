"""Convolution arithmetic against what torch actually does: output shapes of real convs,
and receptive fields measured by backpropagating a one-hot gradient."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convzoo.arithmetic import (conv_output_size, conv_transpose_output_size, jump_and_start,
                                receptive_field)

CASES = range(150)


def torch_conv_size(n, k, stride, padding, dilation):
    """The output length torch gives, or None when torch refuses."""
    try:
        y = F.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=stride,
                     padding=padding, dilation=dilation)
    except RuntimeError:
        return None
    return y.shape[-1]


def torch_conv_transpose_size(n, k, stride, padding, output_padding, dilation):
    try:
        y = F.conv_transpose1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=stride,
                               padding=padding, output_padding=output_padding,
                               dilation=dilation)
    except RuntimeError:
        return None
    return y.shape[-1]


def ours_or_none(f, *args):
    try:
        return f(*args)
    except ValueError:
        return None


# ----------------------------------------------------------------------------- output sizes


@pytest.mark.parametrize("case", CASES)
def test_conv_output_size_is_the_length_torch_conv_gives_or_refuses(case):
    rng = np.random.default_rng(case)
    n, k = int(rng.integers(1, 20)), int(rng.integers(1, 8))
    s, p, d = int(rng.integers(1, 5)), int(rng.integers(0, 4)), int(rng.integers(1, 4))
    assert ours_or_none(conv_output_size, n, k, s, p, d) == torch_conv_size(n, k, s, p, d)


@pytest.mark.parametrize("case", range(100))
def test_conv_output_size_matches_torch_conv2d_shape_in_each_dim(case):
    rng = np.random.default_rng(1000 + case)
    H, W = (int(v) for v in rng.integers(1, 16, 2))
    kH, kW = (int(v) for v in rng.integers(1, 6, 2))
    stride, padding, dilation = ([int(v) for v in rng.integers(lo, hi, 2)]
                                 for lo, hi in ((1, 4), (0, 3), (1, 3)))
    try:
        shape = F.conv2d(torch.zeros(1, 1, H, W), torch.zeros(1, 1, kH, kW), stride=stride,
                         padding=padding, dilation=dilation).shape[2:]
    except RuntimeError:
        shape = None
    ours = [ours_or_none(conv_output_size, n, k, s, p, d)
            for n, k, s, p, d in zip((H, W), (kH, kW), stride, padding, dilation)]
    assert (None if None in ours else tuple(ours)) == (None if shape is None else tuple(shape))


@pytest.mark.parametrize("case", CASES)
def test_conv_transpose_output_size_is_the_length_torch_gives_or_refuses(case):
    rng = np.random.default_rng(2000 + case)
    n, k = int(rng.integers(1, 10)), int(rng.integers(1, 6))
    s, p, d = int(rng.integers(1, 4)), int(rng.integers(0, 4)), int(rng.integers(1, 3))
    op = int(rng.integers(0, 3))
    assert (ours_or_none(conv_transpose_output_size, n, k, s, p, op, d)
            == torch_conv_transpose_size(n, k, s, p, op, d))


@pytest.mark.parametrize("n, k, dilation", [(1, 1, 1), (5, 3, 1), (4, 2, 3), (3, 7, 2), (8, 4, 1)])
def test_same_padding_keeps_the_length_as_torch_does(n, k, dilation):
    y = F.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), padding="same", dilation=dilation)
    assert conv_output_size(n, k, padding="same", dilation=dilation) == y.shape[-1] == n


def test_valid_padding_is_zero_padding():
    assert conv_output_size(9, 4, 2, "valid") == conv_output_size(9, 4, 2, 0) == 3


def test_kernel_equal_to_the_padded_input_gives_one_output():
    assert conv_output_size(5, 7, padding=1) == 1 == torch_conv_size(5, 7, 1, 1, 1)


def test_stride_larger_than_kernel_skips_pixels():
    assert conv_output_size(10, 2, stride=5) == 2 == torch_conv_size(10, 2, 5, 0, 1)


# ----------------------------------------------------------------------------- receptive field


def measured_fields(layers, length=300, dims=1):
    """Input pixels whose gradient is nonzero when one output unit's gradient is 1, through
    torch convs with all-ones weights: {unit: sorted indices}, for a middle unit and the next.

    layers = [(kernel, stride, dilation, padding), ...]. All weights and inputs are
    positive, so nothing cancels: a pixel is in the field exactly when its gradient is > 0.
    """
    x = torch.ones((1, 1) + (length,) * dims, dtype=torch.float64, requires_grad=True)
    y = x
    conv = F.conv1d if dims == 1 else F.conv2d
    for k, s, d, p in layers:
        y = conv(y, torch.ones((1, 1) + (k,) * dims, dtype=torch.float64), stride=s,
                 dilation=d, padding=p)
    out_len = y.shape[-1]
    fields = {}
    for unit in (out_len // 2, out_len // 2 + 1):
        grad = torch.zeros_like(y)
        grad[(0, 0) + (unit,) * dims] = 1
        (g,) = torch.autograd.grad(y, x, grad, retain_graph=True)
        fields[unit] = g[0, 0].numpy()
    return fields


def random_stack(rng):
    depth = int(rng.integers(1, 4))
    return [(int(rng.integers(1, 5)), int(rng.integers(1, 4)), int(rng.integers(1, 3)),
             int(rng.integers(0, 3))) for _ in range(depth)]


def test_dilated_3x3_stack_with_dilations_1_2_4_sees_15_by_15_pixels():
    layers = [(3, 1, 1), (3, 1, 2), (3, 1, 4)]
    (field, _) = measured_fields([layer + (0,) for layer in layers], length=40, dims=2).values()
    rows, cols = np.nonzero(field)
    assert receptive_field(layers) == 15
    assert np.count_nonzero(field) == 15 * 15            # dense: no holes
    assert rows.max() - rows.min() + 1 == cols.max() - cols.min() + 1 == 15


@pytest.mark.parametrize("case", CASES)
def test_receptive_field_is_the_span_of_pixels_one_unit_sees(case):
    layers = random_stack(np.random.default_rng(3000 + case))
    fields = measured_fields(layers)
    for field in fields.values():
        seen = np.flatnonzero(field)
        assert receptive_field([layer[:3] for layer in layers]) == seen[-1] - seen[0] + 1


@pytest.mark.parametrize("case", CASES)
def test_jump_and_start_place_each_units_field_like_torch(case):
    layers = random_stack(np.random.default_rng(4000 + case))
    jump, start = jump_and_start(layers)
    (u, first), (_, second) = ((unit, np.flatnonzero(f)[0])
                               for unit, f in measured_fields(layers).items())
    assert second - first == jump
    assert first == start + u * jump                   # unit u's field starts at start + u*jump


def test_first_pixel_of_unit_0_without_padding_is_pixel_0():
    layers = [(3, 2, 1, 0), (2, 3, 2, 0), (3, 1, 1, 0)]
    x = torch.ones(1, 1, 100, dtype=torch.float64, requires_grad=True)
    y = x
    for k, s, d, p in layers:
        y = F.conv1d(y, torch.ones(1, 1, k, dtype=torch.float64), stride=s, dilation=d)
    grad = torch.zeros_like(y)
    grad[0, 0, 0] = 1
    seen0 = np.flatnonzero(torch.autograd.grad(y, x, grad, retain_graph=True)[0][0, 0])
    grad[0, 0, 0], grad[0, 0, 1] = 0, 1
    seen1 = np.flatnonzero(torch.autograd.grad(y, x, grad)[0][0, 0])
    assert jump_and_start(layers) == (seen1[0] - seen0[0], seen0[0]) == (6, 0)
    assert receptive_field([layer[:3] for layer in layers]) == seen0[-1] - seen0[0] + 1


def test_padding_moves_the_start_outside_the_input():
    assert jump_and_start([(3, 1, 1, 1)]) == (1, -1)
    assert jump_and_start([(3, 2, 1, 1), (3, 2, 1, 1)]) == (4, -3)


def test_receptive_field_of_no_layers_is_one_pixel():
    assert receptive_field([]) == 1 and jump_and_start([]) == (1, 0)


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("kwargs, name", [
    (dict(n=5, k=3, stride=0), "stride"), (dict(n=5, k=3, padding=-1), "padding"),
    (dict(n=5, k=3, dilation=0), "dilation"), (dict(n=0, k=3), "n"), (dict(n=5, k=0), "k"),
    (dict(n=5, k=3, stride=1.0), "stride"), (dict(n=5, k=3, padding=True), "padding"),
    (dict(n=5.0, k=3), "n"), (dict(n=5, k=3, padding="full"), "padding"),
    (dict(n=0, k=3, padding="same"), "n"), (dict(n=5, k=0, padding="same"), "k"),
    (dict(n=5, k=3, padding="same", dilation=0), "dilation"),
    (dict(n=5, k=3, padding="same", stride=2), "stride"),
    (dict(n=3, k=5), "kernel"), (dict(n=3, k=3, dilation=2), "kernel"),
])
def test_conv_output_size_rejects_bad_arguments_by_name(kwargs, name):
    with pytest.raises(ValueError, match=name):
        conv_output_size(**kwargs)


@pytest.mark.parametrize("kwargs, name", [
    (dict(n=0, k=3), "n"), (dict(n=3, k=0), "k"), (dict(n=3, k=3, stride=0), "stride"),
    (dict(n=3, k=3, padding=-1), "padding"), (dict(n=3, k=3, dilation=0), "dilation"),
    (dict(n=3, k=3, output_padding=-1), "output_padding"),
    (dict(n=3, k=3, stride=2, output_padding=2), "output_padding"),
    (dict(n=3, k=3, stride=2.0), "stride"), (dict(n=1, k=1, padding=1), "padding"),
])
def test_conv_transpose_output_size_rejects_bad_arguments_by_name(kwargs, name):
    with pytest.raises(ValueError, match=name):
        conv_transpose_output_size(**kwargs)


@pytest.mark.parametrize("layers, name", [
    ([(3, 1)], r"layers\[0\]"), ([3], r"layers\[0\]"), ([(3, 1, 1), (0, 1, 1)], "kernel"),
    ([(3, 0, 1)], "stride"), ([(3, 1, 0)], "dilation"), ([(3, 1, 1, -1)], "padding"),
    ([(3.0, 1, 1)], "kernel"), ([(3, 1, 1, 0, 0)], r"layers\[0\]"),
])
def test_stacks_reject_malformed_layers_by_name(layers, name):
    with pytest.raises(ValueError, match=name):
        receptive_field(layers)
    with pytest.raises(ValueError, match=name):
        jump_and_start(layers)

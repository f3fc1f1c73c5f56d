"""Convolution arithmetic against what torch actually does: output shapes of real convs,
receptive fields measured by backpropagating a one-hot gradient, TensorFlow's "SAME" rule
by its consequences (TensorFlow is not installed), and the one kernel of a stack."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convzoo.arithmetic import (conv_output_size, conv_transpose_output_size, equivalent_kernel,
                                jump_and_start, receptive_field, tf_same_padding,
                                unread_inputs)

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


# ----------------------------------------------------------------------------- "same" in TF


@pytest.mark.parametrize("case", range(100))
def test_tf_same_padding_gives_ceil_n_over_s_outputs_with_the_least_padding(case):
    rng = np.random.default_rng(5000 + case)
    n, k, s, d = (int(rng.integers(1, 12)), int(rng.integers(1, 6)), int(rng.integers(1, 4)),
                  int(rng.integers(1, 3)))
    before, after = tf_same_padding(n, k, s, d)
    x = F.pad(torch.zeros(1, 1, n), (before, after))
    assert F.conv1d(x, torch.zeros(1, 1, k), stride=s, dilation=d).shape[-1] == -(-n // s)
    assert 0 <= after - before <= 1                          # the odd zero goes after
    if before + after:                                       # one zero less is too few
        short = F.pad(torch.zeros(1, 1, n), (before, after - 1) if after else (before - 1, 0))
        fits = short.shape[-1] >= d * (k - 1) + 1
        assert not fits or F.conv1d(short, torch.zeros(1, 1, k), stride=s,
                                    dilation=d).shape[-1] < -(-n // s)


@pytest.mark.parametrize("n, k, d", [(5, 2, 1), (6, 4, 1), (7, 3, 2), (4, 1, 1), (3, 6, 1)])
def test_tf_same_padding_at_stride_1_is_torchs_padding_same(n, k, d):
    x, w = torch.randn(1, 1, n, dtype=torch.float64), torch.randn(1, 1, k, dtype=torch.float64)
    with warnings.catch_warnings():   # torch notes that it pads a copy for an even kernel
        warnings.filterwarnings("ignore", "Using padding='same'", UserWarning)
        same = F.conv1d(x, w, padding="same", dilation=d)
    assert torch.equal(F.conv1d(F.pad(x, tf_same_padding(n, k, 1, d)), w, dilation=d), same)


def test_tf_same_padding_depends_on_the_input_length_at_stride_2():
    assert tf_same_padding(224, 3, 2) == (0, 1) and tf_same_padding(225, 3, 2) == (1, 1)
    assert tf_same_padding(8, 1, 2) == (0, 0)


# ----------------------------------------------------------------------------- one kernel


@pytest.mark.parametrize("case", range(60))
def test_equivalent_kernel_of_a_stack_is_the_stack_as_one_strided_conv(case):
    rng = np.random.default_rng(6000 + case)
    depth = int(rng.integers(1, 4))
    kernels = [rng.standard_normal(tuple(int(v) for v in rng.integers(1, 4, 2))) for _ in range(depth)]
    strides = [int(v) for v in rng.integers(1, 3, depth)]
    dilations = [int(v) for v in rng.integers(1, 3, depth)]
    K = equivalent_kernel(kernels, strides, dilations)
    rows = receptive_field([(k.shape[0], s, d) for k, s, d in zip(kernels, strides, dilations)])
    cols = receptive_field([(k.shape[1], s, d) for k, s, d in zip(kernels, strides, dilations)])
    assert K.shape == (rows, cols)
    x = torch.from_numpy(rng.standard_normal((1, 1, rows + 9, cols + 9)))
    y = x
    for k, s, d in zip(kernels, strides, dilations):
        y = F.conv2d(y, torch.from_numpy(k)[None, None], stride=s, dilation=d)
    jump = int(np.prod(strides))
    direct = F.conv2d(x, torch.from_numpy(K)[None, None], stride=jump)
    assert direct.shape == y.shape and torch.allclose(direct, y, atol=1e-10)


def test_equivalent_kernel_of_box_kernels_counts_paths_so_its_centre_weighs_most():
    K = equivalent_kernel([np.ones((3, 1))] * 3)
    assert K[:, 0].tolist() == [1, 3, 6, 7, 6, 3, 1]          # trinomial coefficients


@pytest.mark.parametrize("args, words", [
    (([],), ["kernels"]), (([np.ones(3)],), ["kernels[0]", "(3,)"]),
    (([np.ones((2, 2))], [0]), ["strides[0]", "0"]), (([np.ones((2, 2))], [1, 1]), ["strides"]),
    (([np.ones((2, 2))], None, [0]), ["dilations[0]"]), (([np.ones((0, 2))],), ["kernels[0]", "(0, 2)"]),
])
def test_equivalent_kernel_rejects_bad_arguments_by_name(args, words):
    with pytest.raises(ValueError) as error:
        equivalent_kernel(*args)
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize("kwargs, name", [
    (dict(n=0, k=3), "n"), (dict(n=5, k=3, stride=0), "stride"), (dict(n=5, k=0), "k"),
    (dict(n=5, k=3, dilation=0), "dilation"), (dict(n=5.0, k=3), "n"),
])
def test_tf_same_padding_rejects_bad_arguments_by_name(kwargs, name):
    with pytest.raises(ValueError, match=name):
        tf_same_padding(**kwargs)


@pytest.mark.parametrize("case", range(100))
def test_unread_inputs_are_the_pixels_no_output_of_torchs_conv_depends_on(case):
    rng = np.random.default_rng(7000 + case)
    n, k = int(rng.integers(1, 16)), int(rng.integers(1, 5))
    s, p, d = int(rng.integers(1, 6)), int(rng.integers(0, 3)), int(rng.integers(1, 3))
    if torch_conv_size(n, k, s, p, d) is None:
        return
    y = F.conv1d(torch.eye(n, dtype=torch.float64)[:, None], torch.ones(1, 1, k, dtype=torch.float64),
                 stride=s, padding=p, dilation=d)
    never = [t for t in range(n) if not y[t].any()]             # input t moves no output
    assert unread_inputs(n, k, s, p, d) == never


def test_the_floor_drops_the_last_row_of_a_224_image_under_a_3x3_stride_2_conv():
    assert unread_inputs(224, 3, 2) == [223] and unread_inputs(224, 3, 2, 1) == []
    assert unread_inputs(10, 2, 5) == [2, 3, 4, 7, 8, 9]        # stride 5 > kernel 2

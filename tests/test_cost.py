"""Layer costs against torch: parameters of real modules, MACs from torch's FLOP counter."""
import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from torchvision.models.mobilenetv2 import InvertedResidual

from convzoo.cost import (conv2d_bytes, conv2d_cost, conv2d_output_size,
                          depthwise_separable_conv2d_cost, flattened_conv2d_cost,
                          inverted_residual_cost, spatially_separable_conv2d_cost)


def measured(module, c_in, size):
    """(parameters, MACs) of a torch module on one (c_in, H, W) input: torch counts 2 FLOPs
    per multiply-add of a convolution."""
    params = sum(p.numel() for p in module.parameters())
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        module(torch.zeros((1, c_in) + tuple(size)))
    return params, counter.get_total_flops() // 2


def geometry(rng):
    k = tuple(int(v) for v in rng.integers(1, 6, 2))
    s = tuple(int(v) for v in rng.integers(1, 4, 2))
    p = tuple(int(v) for v in rng.integers(0, 3, 2))
    d = tuple(int(v) for v in rng.integers(1, 3, 2))
    size = tuple(max(1, dd * (kk - 1) + 1 - 2 * pp + int(rng.integers(0, 9)))
                 for kk, pp, dd in zip(k, p, d))
    return k, s, p, d, size


@pytest.mark.parametrize("case", range(100))
def test_conv2d_cost_counts_what_torch_conv2d_has_and_does(case):
    rng = np.random.default_rng(case)
    k, s, p, d, size = geometry(rng)
    g = int(rng.integers(1, 4))
    c_in, c_out = g * int(rng.integers(1, 5)), g * int(rng.integers(1, 5))
    bias = bool(rng.integers(0, 2))
    layer = nn.Conv2d(c_in, c_out, k, s, p, d, g, bias)
    assert conv2d_cost(c_in, c_out, k, size, s, p, d, g, bias) == measured(layer, c_in, size)


@pytest.mark.parametrize("case", range(100))
def test_depthwise_separable_cost_counts_a_depthwise_then_pointwise_torch_stack(case):
    rng = np.random.default_rng(1000 + case)
    k, s, p, d, size = geometry(rng)
    c_in, c_out, m = (int(v) for v in rng.integers(1, [6, 6, 3]))
    stack = nn.Sequential(nn.Conv2d(c_in, c_in * m, k, s, p, d, groups=c_in, bias=False),
                          nn.Conv2d(c_in * m, c_out, 1, bias=False))
    assert (depthwise_separable_conv2d_cost(c_in, c_out, k, size, s, p, d, m)
            == measured(stack, c_in, size))


@pytest.mark.parametrize("case", range(100))
def test_spatially_separable_cost_counts_a_column_then_row_torch_stack(case):
    rng = np.random.default_rng(2000 + case)
    (kH, kW), (sh, sw), (ph, pw), (dh, dw), size = geometry(rng)
    g = int(rng.integers(1, 3))
    c_in, c_mid, c_out = (g * int(v) for v in rng.integers(1, 4, 3))
    stack = nn.Sequential(
        nn.Conv2d(c_in, c_mid, (kH, 1), (sh, 1), (ph, 0), (dh, 1), g, bias=False),
        nn.Conv2d(c_mid, c_out, (1, kW), (1, sw), (0, pw), (1, dw), g, bias=False))
    assert (spatially_separable_conv2d_cost(c_in, c_mid, c_out, (kH, kW), size, (sh, sw),
                                            (ph, pw), (dh, dw), g)
            == measured(stack, c_in, size))


def test_valid_padding_costs_what_no_padding_costs():
    assert (spatially_separable_conv2d_cost(2, 3, 4, (3, 2), (6, 5), padding="valid")
            == spatially_separable_conv2d_cost(2, 3, 4, (3, 2), (6, 5), padding=0))
    assert conv2d_cost(2, 4, 3, 6, padding="valid") == conv2d_cost(2, 4, 3, 6) == (72, 1152)


def test_same_padding_costs_what_torch_same_padding_does():
    assert conv2d_cost(4, 6, (3, 4), (7, 5), padding="same") == measured(
        nn.Conv2d(4, 6, (3, 4), padding="same", bias=False), 4, (7, 5))
    stack = nn.Sequential(nn.Conv2d(4, 5, (3, 1), padding="same", bias=False),
                          nn.Conv2d(5, 6, (1, 3), padding="same", bias=False))
    assert spatially_separable_conv2d_cost(4, 5, 6, 3, (7, 5), padding="same") == measured(
        stack, 4, (7, 5))


def test_depthwise_separable_saves_one_over_k_plus_one_over_k_squared():
    """MobileNet's ratio: (k^2 C + C K) / (k^2 C K) = 1/K + 1/k^2."""
    _, standard = conv2d_cost(64, 128, 3, 56, padding=1)
    _, separable = depthwise_separable_conv2d_cost(64, 128, 3, 56, padding=1)
    assert separable / standard == pytest.approx(1 / 128 + 1 / 9)


def test_output_size_is_conv_output_size_per_dim():
    assert conv2d_output_size((10, 7), (3, 2), stride=(2, 1), padding=(1, 0)) == (5, 6)


@pytest.mark.parametrize("case", range(60))
def test_flattened_cost_counts_a_lateral_vertical_horizontal_torch_stack(case):
    rng = np.random.default_rng(3000 + case)
    (kH, kW), (sh, sw), (ph, pw), (dh, dw), size = geometry(rng)
    c_in, f = (int(v) for v in rng.integers(1, 6, 2))
    stack = nn.Sequential(
        nn.Conv2d(c_in, f, 1, bias=False),
        nn.Conv2d(f, f, (kH, 1), (sh, 1), (ph, 0), (dh, 1), groups=f, bias=False),
        nn.Conv2d(f, f, (1, kW), (1, sw), (0, pw), (1, dw), groups=f, bias=False))
    assert (flattened_conv2d_cost(c_in, f, (kH, kW), size, (sh, sw), (ph, pw), (dh, dw))
            == measured(stack, c_in, size))


def test_a_flattened_layer_has_f_times_c_plus_kh_plus_kw_parameters():
    params, _ = flattened_conv2d_cost(64, 128, (3, 5), (16, 16))
    assert params == 128 * (64 + 3 + 5)


@pytest.mark.parametrize("case", range(40))
def test_inverted_residual_cost_counts_torchvisions_block(case):
    """Parameters: the conv weights (BatchNorm folded into them); MACs: torch's counter."""
    rng = np.random.default_rng(4000 + case)
    c_in, c_out = (int(v) for v in rng.integers(1, 9, 2))
    stride, t = int(rng.integers(1, 3)), [1, 2, 6, 0.5][int(rng.integers(4))]
    if round(c_in * t) < 1:
        t = 1
    size = tuple(int(v) for v in rng.integers(1, 12, 2))
    block = InvertedResidual(c_in, c_out, stride, t).eval()
    params, macs = measured(block, c_in, size)
    weights = sum(m.weight.numel() for m in block.modules() if isinstance(m, nn.Conv2d))
    assert inverted_residual_cost(c_in, c_out, t, size, stride) == (weights, macs)


def test_conv2d_bytes_is_what_the_input_weight_and_output_tensors_hold():
    for args, dtype, batch in [((3, 8, 3, (10, 9), 2, 1, 1, 1), torch.float32, 1),
                               ((6, 6, (3, 1), (5, 7), 1, (1, 0), 1, 6), torch.float64, 1),
                               ((4, 8, 3, (6, 6), 1, 1, 1, 2), torch.float32, 5)]:
        c_in, c_out, k, size, s, p, d, g = args
        layer = nn.Conv2d(c_in, c_out, k, s, p, d, g, bias=False, dtype=dtype)
        x = torch.zeros((batch, c_in) + size, dtype=dtype)
        with torch.no_grad():
            y = layer(x)
        nbytes = sum(a.numel() * a.element_size() for a in (x, layer.weight, y))
        assert conv2d_bytes(*args, itemsize=x.element_size(), batch=batch) == nbytes


@pytest.mark.parametrize("f, args, name", [
    (inverted_residual_cost, (4, 4, 0, 8), "expand_ratio"),
    (inverted_residual_cost, (4, 4, True, 8), "expand_ratio"),
    (inverted_residual_cost, (0, 4, 6, 8), "in_channels"),
    (inverted_residual_cost, (4, 4, 6, 8, 0), "stride"),
    (inverted_residual_cost, (4, 4, 6, 8, 1, (3, 3)), "kernel_size"),
    (flattened_conv2d_cost, (4, 0, 3, 8), "out_channels"),
    (flattened_conv2d_cost, (4, 4, 3, 8, 1, -1), "padding"),
    (conv2d_bytes, (4, 4, 3, 8, 1, 0, 1, 1, 0), "itemsize"),
    (conv2d_bytes, (4, 4, 3, 8, 1, 0, 1, 1, 4, 0), "batch"),
    (conv2d_cost, (0, 4, 3, 8), "in_channels"), (conv2d_cost, (4, 4.0, 3, 8), "out_channels"),
    (conv2d_cost, (4, 6, 3, 8, 1, 0, 1, 4), "groups"), (conv2d_cost, (4, 4, 0, 8), "kernel_size"),
    (conv2d_cost, (4, 4, 3, (8, 0)), "input_size"), (conv2d_cost, (4, 4, 3, 8, 0), "stride"),
    (conv2d_cost, (4, 4, 3, 8, 1, -1), "padding"), (conv2d_cost, (4, 4, 3, 8, 1, "full"), "^padding must be an int, a pair"),
    (conv2d_cost, (4, 4, 3, 8, 1, 0, 0), "dilation"), (conv2d_cost, (4, 4, 9, 8), "kernel"),
    (depthwise_separable_conv2d_cost, (4, 4, 3, 8, 1, 0, 1, 0), "depth_multiplier"),
    (spatially_separable_conv2d_cost, (4, 3, 4, 3, 8, 1, 0, 1, 2), "groups"),
])
def test_costs_reject_bad_arguments_by_name(f, args, name):
    with pytest.raises(ValueError, match=name):
        f(*args)

"""Grouped convolution as a block-diagonal dense conv, stacks of grouped convs with and
without a shuffle (forward, backward, the channel dependency) and ShuffleNet v1's unit,
against torch on random shapes, with the edges (one group, groups = channels) and bad input."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_weights
from torch.utils.flop_counter import FlopCounterMode

from convzoo.convolution import conv1d, conv2d, conv3d
from convzoo.grouped import (SHUFFLENET_V1_CHANNELS, block_diagonal_weight, channel_dependency,
                             grouped_stack, grouped_stack_backward, shufflenet_unit,
                             shufflenet_unit_cost, shufflenet_v1_cost)

F64 = dict(rtol=1e-10, atol=1e-12)


def t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


# ----------------------------------------------------------------------------- block diagonal


@st.composite
def grouped_layers(draw, dims=2):
    g = draw(st.integers(1, 4))
    C, K = g * draw(st.integers(1, 3)), g * draw(st.integers(1, 3))
    k = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    size = tuple(ki + draw(st.integers(0, 3)) for ki in k)
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((draw(st.integers(1, 2)), C) + size),
            rng.standard_normal((K, C // g) + k), g)


CONVS = {1: (conv1d, F.conv1d), 2: (conv2d, F.conv2d), 3: (conv3d, F.conv3d)}


@pytest.mark.parametrize("dims", [1, 2, 3])
@given(data=st.data())
def test_dense_conv_with_the_block_diagonal_weight_is_torchs_grouped_conv(dims, data):
    x, w, g = data.draw(grouped_layers(dims))
    ours, theirs = CONVS[dims]
    expected = theirs(t(x), t(w), groups=g).numpy()
    np.testing.assert_allclose(ours(x, block_diagonal_weight(w, g)), expected, **F64)
    np.testing.assert_allclose(theirs(t(x), t(block_diagonal_weight(w, g))).numpy(), expected,
                               **F64)


@given(layer=grouped_layers())
def test_the_weight_is_zero_exactly_off_its_blocks_and_the_blocks_are_the_filters(layer):
    _, w, g = layer
    dense = block_diagonal_weight(w, g)
    K, C_g = w.shape[:2]
    K_g = K // g
    assert dense.shape == (K, g * C_g) + w.shape[2:]
    for k in range(K):
        j = k // K_g                                   # the group of output channel k
        np.testing.assert_array_equal(dense[k, j * C_g:(j + 1) * C_g], w[k])
        mask = np.ones(g * C_g, bool)
        mask[j * C_g:(j + 1) * C_g] = False
        assert not dense[k, mask].any()


def test_one_group_gives_the_weight_back_as_a_copy(rng):
    w = rng.standard_normal((4, 3, 2, 2))
    dense = block_diagonal_weight(w, 1)
    np.testing.assert_array_equal(dense, w)
    assert not np.shares_memory(dense, w)


def test_groups_equal_to_channels_give_a_diagonal_in_the_channels(rng):
    w = rng.standard_normal((6, 1, 3, 3))              # depthwise: one filter per channel
    dense = block_diagonal_weight(w, 6)
    off = ~np.eye(6, dtype=bool)
    assert not dense[off].any()
    np.testing.assert_array_equal(dense[np.arange(6), np.arange(6)], w[:, 0])


def test_a_depth_multiplier_gives_two_filters_per_channel(rng):
    w = rng.standard_normal((6, 1, 1, 1))              # groups = C = 3, K = 2 C
    pattern = block_diagonal_weight(w, 3)[:, :, 0, 0] != 0
    np.testing.assert_array_equal(pattern, np.repeat(np.eye(3, dtype=bool), 2, axis=0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_dtype_is_kept(rng, dtype):
    w = (rng.standard_normal((4, 2, 1, 1)) * 3).astype(dtype)
    assert block_diagonal_weight(w, 2).dtype == dtype


@pytest.mark.parametrize("weight, groups, match", [
    (np.zeros((4, 2)), 2, r"^weight must be a conv weight \(K, C/groups, k...\), got shape \(4, 2\)"),
    (np.zeros((5, 2, 1, 1)), 2, r"^weight shape \(5, 2, 1, 1\) has 5 output channels, not divisible by groups=2"),
    (np.zeros((4, 2, 1, 1)), 0, "^groups must be an int >= 1"),
    (np.zeros((4, 2, 1, 1)), 2.0, "^groups must be an int >= 1"),
    (np.zeros((4, 2, 1, 1), dtype=object), 2, "^weight must hold numbers"),
])
def test_bad_block_diagonal_input_raises_naming_the_argument(weight, groups, match):
    with pytest.raises(ValueError, match=match):
        block_diagonal_weight(weight, groups)


# ----------------------------------------------------------------------------- stacks


def random_stack(rng, shuffle_allowed=True):
    g = int(rng.integers(1, 5))
    widths = [g * int(rng.integers(1, 4)) for _ in range(int(rng.integers(2, 5)))]
    weights = []
    for C, K in zip(widths, widths[1:]):
        k = int(rng.integers(1, 3))
        weights.append(rng.standard_normal((K, C // g, k, k)))
    H = W = sum(w.shape[2] - 1 for w in weights) + int(rng.integers(1, 4))
    return (int(rng.integers(1, 3)), widths[0], H, W), weights, g


def torch_stack(weights, groups, shuffle):
    """The same stack as torch modules: Conv2d(groups) layers, nn.ChannelShuffle between."""
    layers = []
    for l, w in enumerate(weights):
        if l and shuffle:
            layers.append(nn.ChannelShuffle(groups))
        conv = nn.Conv2d(w.shape[1] * groups, w.shape[0], w.shape[2], groups=groups,
                         bias=False).double()
        with torch.no_grad():
            conv.weight.copy_(t(w))
        layers.append(conv)
    return nn.Sequential(*layers)


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("case", range(40))
def test_grouped_stack_and_its_backward_match_torch_modules_and_autograd(case, shuffle):
    rng = np.random.default_rng(3000 + case)
    x_shape, weights, g = random_stack(rng)
    x = rng.standard_normal(x_shape)
    tx = t(x).requires_grad_(True)
    y = torch_stack(weights, g, shuffle)(tx)
    np.testing.assert_allclose(grouped_stack(x, weights, g, shuffle), y.detach().numpy(), **F64)
    grad_out = rng.standard_normal(tuple(y.shape))
    y.backward(t(grad_out))
    np.testing.assert_allclose(grouped_stack_backward(grad_out, x_shape, weights, g, shuffle),
                               tx.grad.numpy(), **F64)


def torch_dependency(x_shape, weights, groups, shuffle):
    """|d (sum of output channel k) / dx| summed over everything but the input channel, by
    autograd, one backward pass per output channel."""
    stack = torch_stack(weights, groups, shuffle)
    rows = []
    for k in range(weights[-1].shape[0]):
        x = torch.zeros(x_shape, dtype=torch.float64, requires_grad=True)
        stack(x)[:, k].sum().backward()
        rows.append(x.grad.abs().sum(dim=(0, 2, 3)).numpy())
    return np.array(rows)


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("case", range(20))
def test_channel_dependency_is_what_autograd_finds(case, shuffle):
    rng = np.random.default_rng(4000 + case)
    x_shape, weights, g = random_stack(rng)
    np.testing.assert_allclose(channel_dependency(x_shape, weights, g, shuffle),
                               torch_dependency(x_shape, weights, g, shuffle), **F64)


@pytest.mark.parametrize("layers", [2, 3, 5])
@pytest.mark.parametrize("groups", [2, 3, 4])
def test_without_a_shuffle_no_output_channel_ever_reads_another_group(rng, groups, layers):
    C = 4 * groups
    weights = [rng.standard_normal((C, C // groups, 1, 1)) for _ in range(layers)]
    D = channel_dependency((1, C, 1, 1), weights, groups)
    same_group = np.kron(np.eye(groups), np.ones((C // groups, C // groups))) > 0
    assert np.all(D[same_group] > 0) and not D[~same_group].any()


@pytest.mark.parametrize("groups, per_group", [(2, 2), (3, 3), (3, 5), (4, 4)])
def test_with_a_shuffle_two_layers_read_every_channel_when_a_group_holds_g_channels(
        rng, groups, per_group):
    C = groups * per_group                             # per_group >= groups
    weights = [rng.standard_normal((C, per_group, 1, 1)) for _ in range(2)]
    assert np.all(channel_dependency((1, C, 1, 1), weights, groups, shuffle=True) > 0)


def test_with_fewer_channels_per_group_than_groups_the_shuffle_mixes_only_some(rng):
    weights = [rng.standard_normal((8, 2, 1, 1)) for _ in range(2)]     # C 8, g 4, C/g 2
    D = channel_dependency((1, 8, 1, 1), weights, 4, shuffle=True) > 0
    # output group 0 reads shuffled channels 0 and 1: channels 0 and 2 of the first conv,
    # that is its groups 0 and 1, so input channels 0 to 3
    assert D[:2].tolist() == [[True] * 4 + [False] * 4] * 2
    assert D.sum() == 8 * 4


@pytest.mark.parametrize("call, match", [
    (lambda w: channel_dependency((1, 6, 2, 2), [], 2), "^weights must be a non-empty list"),
    (lambda w: channel_dependency((1, 6, 2), [w], 2), r"^x_shape must be a tuple of 4 ints"),
    (lambda w: channel_dependency((1, 6, 2, 2), [w], 4),
     r"^weights\[0\] shape \(6, 3, 1, 1\) does not fit groups=4 on the 6 channels"),
    (lambda w: channel_dependency((1, 6, 2, 2), [w, w[:, :2]], 2),
     r"^weights\[1\] shape \(6, 2, 1, 1\) does not fit groups=2 on the 6 channels layer 1"),
    (lambda w: grouped_stack(np.zeros((1, 6, 2)), [w], 2), r"^x must be 4-D"),
    (lambda w: grouped_stack(np.zeros((1, 6, 1, 1)), [np.zeros((6, 3, 2, 2))], 2),
     r"^weights\[0\] shape \(6, 3, 2, 2\) does not fit in layer 0's input \(1, 6, 1, 1\)"),
    (lambda w: grouped_stack_backward(np.zeros((1, 5, 2, 2)), (1, 6, 2, 2), [w], 2),
     r"^grad_out must have shape \(1, 6, 2, 2\)"),
])
def test_bad_stack_input_raises_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call(np.zeros((6, 3, 1, 1)))


# ----------------------------------------------------------------------------- ShuffleNet


class TorchUnit(nn.Module):
    """ShuffleNet v1's unit as torch modules, with BatchNorms (random statistics, eval)."""

    def __init__(self, C, K, M, groups, stride, conv1_groups):
        super().__init__()
        self.stride = stride
        out = K - C if stride == 2 else K
        self.main = nn.Sequential(
            nn.Conv2d(C, M, 1, groups=conv1_groups, bias=False), nn.BatchNorm2d(M), nn.ReLU(),
            nn.ChannelShuffle(groups),
            nn.Conv2d(M, M, 3, stride, 1, groups=M, bias=False), nn.BatchNorm2d(M),
            nn.Conv2d(M, out, 1, groups=groups, bias=False), nn.BatchNorm2d(out))
        self.pool = nn.AvgPool2d(3, 2, 1)

    def forward(self, x):
        h = self.main(x)
        if self.stride == 1:
            return torch.relu(x + h)
        return torch.relu(torch.cat([self.pool(x), h], dim=1))

    def folded(self):
        """The unit's convs with their BatchNorms folded in, as NumPy arrays."""
        convs = [m for m in self.main if isinstance(m, nn.Conv2d)]
        bns = [m for m in self.main if isinstance(m, nn.BatchNorm2d)]
        arrays = []
        for conv, bn in zip(convs, bns):
            w, b = fuse_conv_bn_weights(conv.weight, None, bn.running_mean, bn.running_var,
                                        bn.eps, bn.weight, bn.bias)
            arrays += [w.detach().numpy(), b.detach().numpy()]
        return arrays


def random_unit(rng, stride, groups, C, M, K, conv1_groups=None):
    torch.manual_seed(int(rng.integers(2**31)))
    unit = TorchUnit(C, K, M, groups, stride, conv1_groups or groups).double().eval()
    with torch.no_grad():
        for m in unit.modules():
            if isinstance(m, nn.BatchNorm2d):     # fresh statistics would hide a folding slip
                m.running_mean.uniform_(-1, 1)
                m.running_var.uniform_(0.3, 3)
                m.weight.uniform_(0.5, 2)
                m.bias.uniform_(-1, 1)
    return unit


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("case", range(30))
def test_shufflenet_unit_matches_a_torch_unit_with_the_same_weights(case, stride):
    rng = np.random.default_rng(5000 + case)
    g = int(rng.integers(1, 5))
    C, M = g * int(rng.integers(1, 4)), g * int(rng.integers(1, 4))
    K = C if stride == 1 else C + g * int(rng.integers(1, 3))
    conv1_groups = 1 if stride == 2 and rng.random() < 0.3 else None   # the first unit
    unit = random_unit(rng, stride, g, C, M, K, conv1_groups)
    x = rng.standard_normal((int(rng.integers(1, 3)), C, int(rng.integers(1, 9)),
                             int(rng.integers(1, 9))))
    with torch.no_grad():
        expected = unit(t(x)).numpy()
    out = shufflenet_unit(x, *unit.folded(), groups=g, stride=stride, conv1_groups=conv1_groups)
    np.testing.assert_allclose(out, expected, **F64)


def test_stride_2_puts_the_pooled_input_first_and_halves_the_size_rounding_up(rng):
    unit = random_unit(rng, 2, 2, C=4, M=4, K=10)
    x = np.abs(rng.standard_normal((1, 4, 7, 6)))      # >= 0: the ReLU keeps the pooled part
    out = shufflenet_unit(x, *unit.folded(), groups=2, stride=2)
    assert out.shape == (1, 10, 4, 3)
    np.testing.assert_allclose(out[:, :4], F.avg_pool2d(t(x), 3, 2, 1).numpy(), **F64)


def test_without_the_shuffle_the_unit_would_differ(rng, monkeypatch):
    import convzoo.grouped as grouped
    unit = random_unit(rng, 1, 3, C=9, M=9, K=9)
    x = rng.standard_normal((1, 9, 4, 4))
    right = shufflenet_unit(x, *unit.folded(), groups=3)
    monkeypatch.setattr(grouped, "channel_shuffle", lambda h, g: h)
    assert np.abs(shufflenet_unit(x, *unit.folded(), groups=3) - right).max() > 1e-3


def test_float32_stays_float32(rng):
    unit = random_unit(rng, 1, 2, C=4, M=4, K=4)
    args = [a.astype(np.float32) for a in unit.folded()]
    assert shufflenet_unit(rng.standard_normal((1, 4, 3, 3)).astype(np.float32), *args,
                           groups=2).dtype == np.float32


def unit_arguments(rng):
    return [rng.standard_normal(s) for s in [(6, 3, 1, 1), (6,), (6, 1, 3, 3), (6,), (6, 3, 1, 1), (6,)]]


@pytest.mark.parametrize("change, match", [
    (dict(x=np.zeros((6, 4, 4))), r"^x must be 4-D"),
    (dict(stride=3), r"^stride must be 1 or 2"),
    (dict(groups=4), r"^conv1_weight must have shape \(M, 6/4, 1, 1\)"),
    (dict(conv1_weight=np.zeros((6, 4, 1, 1))), r"^conv1_weight must have shape \(M, 6/2, 1, 1\)"),
    (dict(depthwise_weight=np.zeros((6, 1, 2, 2))), r"^depthwise_weight must have shape \(6, 1, k, k\) with k odd"),
    (dict(depthwise_weight=np.zeros((3, 1, 3, 3))), r"^depthwise_weight must have shape \(6, 1, k, k\)"),
    (dict(conv2_weight=np.zeros((4, 3, 1, 1))), r"^conv2_weight must have shape \(6, 3, 1, 1\) for stride 1.*adds x"),
    (dict(conv1_bias=np.zeros(5)), r"^conv1_bias must have shape \(6,\) to match conv1_weight"),
    (dict(conv2_bias=np.zeros(5)), r"^conv2_bias must have shape \(6,\) to match conv2_weight"),
])
def test_bad_unit_input_raises_naming_the_argument(rng, change, match):
    names = ["conv1_weight", "conv1_bias", "depthwise_weight", "depthwise_bias", "conv2_weight",
             "conv2_bias"]
    args = dict(x=rng.standard_normal((1, 6, 2, 2)), **dict(zip(names, unit_arguments(rng))),
                groups=2, stride=1)
    args.update(change)
    with pytest.raises(ValueError, match=match):
        shufflenet_unit(**args)


# ----------------------------------------------------------------------------- costs


def torch_cost(module, x_shape):
    """(parameters of the module's convs, multiply-adds torch's FLOP counter counts)."""
    with FlopCounterMode(display=False) as counter:
        weight = next(module.parameters())
        module(torch.zeros(x_shape, dtype=weight.dtype, device=weight.device))
    params = sum(m.weight.numel() for m in module.modules() if isinstance(m, (nn.Conv2d, nn.Linear)))
    return params, counter.get_total_flops() // 2


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("case", range(8))
def test_unit_cost_is_what_torch_counts(case, stride):
    rng = np.random.default_rng(6000 + case)
    g = [1, 2, 3, 4, 8][int(rng.integers(5))]
    C = 4 * g * int(rng.integers(1, 4))
    K = C if stride == 1 else C + 4 * g * int(rng.integers(1, 3))
    size = (int(rng.integers(3, 15)), int(rng.integers(3, 15)))
    conv1_groups = 1 if case % 3 == 0 else None
    unit = random_unit(rng, stride, g, C, K // 4, K, conv1_groups)
    assert shufflenet_unit_cost(C, K, g, size, stride, conv1_groups) == \
        torch_cost(unit, (1, C) + size)


def test_the_paper_counts_hw_2cm_over_g_plus_9m_for_a_stride_1_unit():
    c, g, h = 240, 3, 28
    m = c // 4
    assert shufflenet_unit_cost(c, c, g, (h, h))[1] == h * h * (2 * c * m // g + 9 * m)


class TorchShuffleNet(nn.Module):
    def __init__(self, groups, width):
        super().__init__()
        stem = int(24 * width)
        layers = [nn.Conv2d(3, stem, 3, 2, 1, bias=False), nn.MaxPool2d(3, 2, 1)]
        C = stem
        for stage, (K, n) in enumerate(zip(SHUFFLENET_V1_CHANNELS[groups], (4, 8, 4))):
            K = int(K * width)
            for i in range(n):
                first = stage == 0 and i == 0
                layers.append(TorchUnit(C, K, K // 4, groups, 2 if i == 0 else 1,
                                        1 if first else groups))
                C = K
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(C, 1000, bias=False)

    def forward(self, x):
        return self.fc(self.features(x).mean(dim=(2, 3)))


@pytest.mark.parametrize("groups, width", [(3, 1.0), (8, 1.0), (3, 0.5)])
def test_shufflenet_v1_cost_is_what_torch_counts_on_the_whole_network(groups, width):
    with torch.device("meta"):
        net = TorchShuffleNet(groups, width)
    assert shufflenet_v1_cost(groups, width) == torch_cost(net, (1, 3, 224, 224))


def test_shufflenet_v1_cost_is_what_the_authors_report_for_their_models():
    # megvii-model/ShuffleNet-Series, ShuffleNetV1/README.md: "FLOPs" (multiply-adds) and
    # parameters of the released models; the count here leaves out the BatchNorms
    reported = {(3, 0.5): (38e6, 0.7e6), (3, 1.0): (138e6, 1.9e6), (8, 1.0): (138e6, 2.4e6),
                (3, 2.0): (524e6, 5.4e6), (8, 2.0): (522e6, 6.5e6)}
    for (g, width), (macs, params) in reported.items():
        ours_params, ours_macs = shufflenet_v1_cost(g, width)
        assert abs(ours_macs / macs - 1) < 0.015, (g, width, ours_macs)
        assert abs(ours_params / params - 1) < 0.05, (g, width, ours_params)


@pytest.mark.parametrize("call, match", [
    (lambda: shufflenet_unit_cost(24, 240, 3, (56, 56), stride=3), "^stride must be 1 or 2"),
    (lambda: shufflenet_unit_cost(240, 480, 3, (28, 28), stride=1), "^out_channels must be a multiple of 4, equal to in_channels for stride 1"),
    (lambda: shufflenet_unit_cost(240, 242, 3, (28, 28), stride=2), "^out_channels must be a multiple of 4"),
    (lambda: shufflenet_unit_cost(0, 240, 3, (28, 28)), "^in_channels must be an int >= 1"),
    (lambda: shufflenet_unit_cost(240, 240, 7, (28, 28)), "^groups=7 must divide"),
    (lambda: shufflenet_v1_cost(5), r"^groups must be one of the paper's \[1, 2, 3, 4, 8\]"),
    (lambda: shufflenet_v1_cost(3, width=0), "^width must be a number > 0"),
])
def test_bad_cost_input_raises_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()

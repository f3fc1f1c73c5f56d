"""ECA, CBAM's channel and spatial attention and SK's fuse-and-select against the same
modules built from torch layers (nn.Conv1d, nn.Conv2d, the authors' orders and shapes),
with the same weights, on drawn shapes; their costs against torch's parameter counts."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from convzoo.attention import (channel_attention, channel_attention_cost, channel_attention_loop,
                               eca_kernel_size, efficient_channel_attention,
                               efficient_channel_attention_cost, efficient_channel_attention_loop,
                               selective_kernel, selective_kernel_cost, selective_kernel_loop,
                               spatial_attention, spatial_attention_cost, spatial_attention_loop)
from convzoo.excitation import squeeze_excitation

F64 = dict(rtol=1e-10, atol=1e-12)
F32 = dict(rtol=1e-5, atol=1e-6)
T = torch.from_numpy


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Tiny tensors: torch's thread pool only costs time (and more on a busy machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def images(data, channels=(1, 12), size=(1, 7)):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    N, C = data.draw(st.integers(1, 3)), data.draw(st.integers(*channels))
    H, W = data.draw(st.integers(*size)), data.draw(st.integers(*size))
    return rng, rng.standard_normal((N, C, H, W)) * data.draw(st.sampled_from([0.3, 1.0, 3.0]))


# -- ECA ------------------------------------------------------------------------------------

def torch_eca(x, weight):
    """The authors' eca_layer: AdaptiveAvgPool2d(1), Conv1d(1, 1, k, padding=(k-1)//2,
    bias=False) over the channels, sigmoid, multiply."""
    k = weight.shape[-1]
    conv = torch.nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False).to(T(x).dtype)
    with torch.no_grad():
        conv.weight.copy_(T(weight).reshape(1, 1, k))
        y = torch.nn.AdaptiveAvgPool2d(1)(T(x))
        y = conv(y.squeeze(-1).transpose(-1, -2)).transpose(-1, -2).unsqueeze(-1)
        return (T(x) * torch.sigmoid(y)).numpy()


@settings(max_examples=40)             # modest: the course's CI budget is shared by nine chapters
@given(st.data())
def test_eca_matches_the_authors_module(data):
    rng, x = images(data)
    k = data.draw(st.sampled_from([1, 3, 5, 7, 9]))           # wider than C too
    weight = rng.standard_normal(k) * data.draw(st.sampled_from([0.5, 2.0]))
    for f in (efficient_channel_attention, efficient_channel_attention_loop):
        np.testing.assert_allclose(f(x, weight), torch_eca(x, weight), **F64)
        np.testing.assert_allclose(f(x, weight[None, None]), torch_eca(x, weight), **F64)


def test_eca_is_se_with_one_banded_fc_and_no_relu(rng):
    """ECA's conv over channels is a (C, C) banded matrix applied to the squeezed vector:
    SE with that matrix as its only fc (identity ReLU: a vector of ones in between)."""
    x = rng.standard_normal((2, 6, 4, 5))
    w = rng.standard_normal(3)
    band = sum(np.eye(6, k=j - 1) * w[j] for j in range(3))     # a[c] = sum_j w[j] z[c + j - 1]
    z = x.mean(axis=(2, 3))
    gate = 1 / (1 + np.exp(-(z @ band.T)))
    np.testing.assert_allclose(efficient_channel_attention(x, w), x * gate[:, :, None, None], **F64)


@pytest.mark.parametrize("channels, k", [(1, 1), (2, 1), (3, 1), (8, 3), (64, 3), (100, 3),
                                         (128, 5), (256, 5), (512, 5), (1024, 5), (2048, 7)])
def test_eca_kernel_size_follows_the_authors_rounding(channels, k):
    import math
    t = int(abs((math.log(channels, 2) + 1) / 2))
    assert eca_kernel_size(channels) == k == (t if t % 2 else t + 1)


def test_eca_float32_stays_float32_within_tolerance(rng):
    x, w = rng.standard_normal((2, 9, 5, 4)).astype(np.float32), rng.standard_normal(5).astype(np.float32)
    for f in (efficient_channel_attention, efficient_channel_attention_loop):
        y = f(x, w)
        assert y.dtype == np.float32
        np.testing.assert_allclose(y, torch_eca(x, w), **F32)


@pytest.mark.parametrize("channels, k", [(1, 1), (64, 3), (256, 5), (2048, 7)])
def test_eca_cost_is_k_parameters_and_k_macs_per_channel(channels, k):
    conv = torch.nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False, device="meta")
    assert efficient_channel_attention_cost(channels, k) == (conv.weight.numel(), channels * k)


# -- CBAM -----------------------------------------------------------------------------------

def torch_cbam_channel(x, w1, b1, w2, b2):
    """The authors' ChannelGate: one nn.Sequential(Linear, ReLU, Linear) on the average and
    on the max pool, the sum through a sigmoid."""
    C, S = w2.shape
    mlp = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(C, S), torch.nn.ReLU(),
                              torch.nn.Linear(S, C)).double()
    with torch.no_grad():
        for param, value in zip((mlp[1].weight, mlp[1].bias, mlp[3].weight, mlp[3].bias),
                                (w1, b1, w2, b2)):
            param.copy_(T(value))
        t = T(x)
        logits = mlp(F.avg_pool2d(t, t.shape[2:])) + mlp(F.max_pool2d(t, t.shape[2:]))
        return (t * torch.sigmoid(logits)[:, :, None, None]).numpy()


def torch_cbam_spatial(x, weight, bias):
    """The authors' SpatialGate without its BatchNorm: a Conv2d(2, 1, k) on the channel
    max and mean, which their ChannelPool stacks max first."""
    kH, kW = weight.shape[2:]
    conv = torch.nn.Conv2d(2, 1, (kH, kW), padding=((kH - 1) // 2, (kW - 1) // 2),
                           bias=bias is not None).double()
    with torch.no_grad():
        conv.weight.copy_(T(weight[:, ::-1].copy()))            # ours is mean first
        if bias is not None:
            conv.bias.copy_(T(bias))
        t = T(x)
        pooled = torch.cat((torch.max(t, 1)[0].unsqueeze(1), torch.mean(t, 1).unsqueeze(1)), 1)
        return (t * torch.sigmoid(conv(pooled))).numpy()


@settings(max_examples=40)             # modest: the course's CI budget is shared by nine chapters
@given(st.data())
def test_cbam_channel_attention_matches_the_authors_channel_gate(data):
    rng, x = images(data)
    C = x.shape[1]
    S = max(1, C // data.draw(st.sampled_from([1, 2, 4, 16])))
    w = [rng.standard_normal(s) for s in ((S, C), (S,), (C, S), (C,))]
    for f in (channel_attention, channel_attention_loop):
        np.testing.assert_allclose(f(x, *w), torch_cbam_channel(x, *w), **F64)


def test_cbam_channel_attention_with_the_max_equal_to_the_mean_is_se_with_doubled_logits(rng):
    """On 1x1 maps max = mean, so the gate is sigmoid(2 mlp(z)): SE with fc2 doubled."""
    x = rng.standard_normal((3, 5, 1, 1))
    w1, b1, w2, b2 = (rng.standard_normal(s) for s in ((2, 5), (2,), (5, 2), (5,)))
    np.testing.assert_allclose(channel_attention(x, w1, b1, w2, b2),
                               squeeze_excitation(x, w1, b1, 2 * w2, 2 * b2), **F64)


@settings(max_examples=40)             # modest: the course's CI budget is shared by nine chapters
@given(st.data())
def test_cbam_spatial_attention_matches_the_authors_spatial_gate(data):
    rng, x = images(data, size=(1, 9))
    kH, kW = data.draw(st.sampled_from([1, 3, 5, 7])), data.draw(st.sampled_from([1, 3, 7]))
    weight = rng.standard_normal((1, 2, kH, kW))
    bias = rng.standard_normal(1) if data.draw(st.booleans()) else None
    for f in (spatial_attention, spatial_attention_loop):
        np.testing.assert_allclose(f(x, weight, bias), torch_cbam_spatial(x, weight, bias), **F64)


def test_spatial_gate_is_one_number_per_pixel_shared_by_the_channels(rng):
    x = rng.standard_normal((2, 4, 6, 5)) + 2                    # no zeros to divide by
    gate = spatial_attention(x, rng.standard_normal((1, 2, 3, 3))) / x
    np.testing.assert_allclose(gate, np.broadcast_to(gate[:, :1], gate.shape), **F64)
    assert gate[0, 0].std() > 1e-3                               # it varies across pixels


@pytest.mark.parametrize("size, k, bias", [((56, 56), 7, False), ((7, 9), 3, True), ((1, 1), 7, False)])
def test_spatial_attention_cost_counts_the_conv(size, k, bias):
    conv = torch.nn.Conv2d(2, 1, k, padding=(k - 1) // 2, bias=bias, device="meta")
    params, macs = spatial_attention_cost(size, k, bias)
    assert params == sum(p.numel() for p in conv.parameters())
    assert macs == size[0] * size[1] * 2 * k * k


@pytest.mark.parametrize("C, S", [(256, 16), (64, 4), (3, 1)])
def test_channel_attention_cost_is_ses_parameters_and_twice_its_macs(C, S):
    mlp = torch.nn.Sequential(torch.nn.Linear(C, S), torch.nn.Linear(S, C)).to("meta")
    assert channel_attention_cost(C, S) == (sum(p.numel() for p in mlp.parameters()), 4 * C * S)


# -- SK -------------------------------------------------------------------------------------

class TorchSelect(torch.nn.Module):
    """SK's fuse and select as the paper draws them, from torch layers: sum the branches,
    pool, fc + ReLU to d, one fc per branch back to C, softmax across branches."""

    def __init__(self, C, d, M, select_bias):
        super().__init__()
        self.fc = torch.nn.Linear(C, d)
        self.select = torch.nn.ModuleList(torch.nn.Linear(d, C, bias=select_bias) for _ in range(M))

    def forward(self, u):                                        # u (M, N, C, H, W)
        z = F.relu(self.fc(F.adaptive_avg_pool2d(u.sum(0), 1).flatten(1)))
        a = torch.softmax(torch.stack([fc(z) for fc in self.select]), dim=0)
        return (a[..., None, None] * u).sum(0)


def torch_select(u, fc_weight, fc_bias, select_weight, select_bias):
    M, _, C = u.shape[:3]
    module = TorchSelect(C, fc_weight.shape[0], M, select_bias is not None).double()
    with torch.no_grad():
        module.fc.weight.copy_(T(fc_weight))
        module.fc.bias.copy_(T(fc_bias))
        for m, fc in enumerate(module.select):
            fc.weight.copy_(T(select_weight[m]))
            if select_bias is not None:
                fc.bias.copy_(T(select_bias[m]))
        return module(T(u)).numpy()


@settings(max_examples=40)             # modest: the course's CI budget is shared by nine chapters
@given(st.data())
def test_selective_kernel_matches_torch_layers(data):
    rng, x = images(data)
    M, d = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 6))
    C = x.shape[1]
    u = np.stack([x * rng.standard_normal() + rng.standard_normal(x.shape) for _ in range(M)])
    scale = data.draw(st.sampled_from([0.3, 3.0]))               # 3: the softmax saturates
    fc_weight, fc_bias = rng.standard_normal((d, C)) * scale, rng.standard_normal(d)
    select_weight = rng.standard_normal((M, C, d)) * scale
    select_bias = rng.standard_normal((M, C)) if data.draw(st.booleans()) else None
    expected = torch_select(u, fc_weight, fc_bias, select_weight, select_bias)
    for f in (selective_kernel, selective_kernel_loop):
        np.testing.assert_allclose(f(u, fc_weight, fc_bias, select_weight, select_bias),
                                   expected, **F64)


def test_selective_kernel_mixes_convolutions_of_one_input_like_the_paper(rng):
    """The whole SK convolution with M = 2 (3x3 and dilated 3x3, grouped, ReLU) against a
    torch module with the same weights: convzoo's conv2d branches, then selective_kernel."""
    from convzoo.convolution import conv2d

    x = rng.standard_normal((2, 8, 9, 7))
    w3, w5 = rng.standard_normal((8, 2, 3, 3)), rng.standard_normal((8, 2, 3, 3))
    fc_w, fc_b, sel = rng.standard_normal((4, 8)), rng.standard_normal(4), rng.standard_normal((2, 8, 4))
    u = np.stack([np.maximum(conv2d(x, w3, padding=1, groups=4), 0),
                  np.maximum(conv2d(x, w5, padding=2, dilation=2, groups=4), 0)])
    t = T(x)
    tu = torch.stack([F.relu(F.conv2d(t, T(w3), padding=1, groups=4)),
                      F.relu(F.conv2d(t, T(w5), padding=2, dilation=2, groups=4))])
    np.testing.assert_allclose(selective_kernel(u, fc_w, fc_b, sel),
                               torch_select(tu.numpy(), fc_w, fc_b, sel, None), **F64)


def test_selective_kernel_weights_sum_to_one_across_branches(rng):
    """Equal branches come back unchanged: the per-channel weights of the branches sum to 1."""
    b = rng.standard_normal((1, 3, 4, 4))
    u = np.stack([b, b, b])
    out = selective_kernel(u, rng.standard_normal((2, 3)) * 4, None, rng.standard_normal((3, 3, 2)) * 4)
    np.testing.assert_allclose(out, b, **F64)


@pytest.mark.parametrize("C, d, M, fc_bias, select_bias", [(256, 32, 2, True, False),
                                                          (64, 32, 3, False, True), (5, 1, 1, True, True)])
def test_selective_kernel_cost_counts_the_fcs(C, d, M, fc_bias, select_bias):
    fcs = [torch.nn.Linear(C, d, bias=fc_bias, device="meta")] + \
          [torch.nn.Linear(d, C, bias=select_bias, device="meta") for _ in range(M)]
    params, macs = selective_kernel_cost(C, d, M, fc_bias, select_bias)
    assert params == sum(p.numel() for fc in fcs for p in fc.parameters())
    assert macs == C * d * (M + 1)


# -- edges and bad input ----------------------------------------------------------------------

def test_one_channel_and_one_pixel_inputs(rng):
    for shape in [(1, 1, 1, 1), (2, 1, 3, 4), (1, 5, 1, 1)]:
        x = rng.standard_normal(shape)
        w = rng.standard_normal(3)
        np.testing.assert_allclose(efficient_channel_attention(x, w), torch_eca(x, w), **F64)
        sw = rng.standard_normal((1, 2, 3, 3))
        np.testing.assert_allclose(spatial_attention(x, sw), torch_cbam_spatial(x, sw, None), **F64)


def test_inputs_are_not_modified_and_outputs_are_new(rng):
    x = rng.standard_normal((2, 3, 4, 4))
    u = rng.standard_normal((2, 2, 3, 4, 4))
    args = [(efficient_channel_attention, (x, rng.standard_normal(3))),
            (spatial_attention, (x, rng.standard_normal((1, 2, 3, 3)), None)),
            (channel_attention, (x, *[rng.standard_normal(s) for s in ((1, 3), (1,), (3, 1), (3,))])),
            (selective_kernel, (u, rng.standard_normal((2, 3)), None, rng.standard_normal((2, 3, 2))))]
    for f, a in args:
        copies = [v.copy() if v is not None else None for v in a]
        y = f(*a)
        assert not np.shares_memory(y, a[0])
        for v, c in zip(a, copies):
            if v is not None:
                np.testing.assert_array_equal(v, c)


X = np.zeros((2, 4, 3, 3))


@pytest.mark.parametrize("f, args, match", [
    (efficient_channel_attention, (X[0], np.zeros(3)), "^x must be 4-D"),
    (efficient_channel_attention, (X, np.zeros(2)), r"^weight must have an odd kernel size.*got shape \(2,\)"),
    (efficient_channel_attention, (X, np.zeros((1, 2, 3))), r"^weight must have shape \(k,\) or \(1, 1, k\)"),
    (efficient_channel_attention, (X[:, :0], np.zeros(3)), "^x must have at least one channel"),
    (spatial_attention, (X, np.zeros((1, 3, 3, 3))), r"^weight must have shape \(1, 2, kH, kW\)"),
    (spatial_attention, (X, np.zeros((1, 2, 3, 2))), "^weight must have an odd kernel size"),
    (spatial_attention, (X, np.zeros((1, 2, 3, 3)), np.zeros(2)), r"^bias must have shape \(1,\)"),
    (channel_attention, (X, np.zeros((2, 3)), None, np.zeros((4, 2)), None), r"^fc1_weight must have shape \(2, 4\)"),
    (selective_kernel, (X, np.zeros((2, 4)), None, np.zeros((2, 4, 2))), "^branches must be 5-D"),
    (selective_kernel, (X[None], np.zeros((2, 3)), None, np.zeros((1, 4, 2))), r"^fc_weight must have shape \(2, 4\)"),
    (selective_kernel, (X[None], np.zeros((2, 4)), None, np.zeros((2, 4, 2))), r"^select_weight must have shape \(1, 4, 2\)"),
    (selective_kernel, (X[None], np.zeros((2, 4)), np.zeros(3), np.zeros((1, 4, 2))), r"^fc_bias must have shape \(2,\)"),
    (selective_kernel, (X[None], np.zeros((2, 4)), None, np.zeros((1, 4, 2)), np.zeros(4)), r"^select_bias must have shape \(1, 4\)"),
    (eca_kernel_size, (0,), "^channels must be an int >= 1, got 0"),
])
def test_bad_input_raises_value_error_naming_the_argument(f, args, match):
    with pytest.raises(ValueError, match=match):
        f(*args)
    loop = {efficient_channel_attention: efficient_channel_attention_loop,
            spatial_attention: spatial_attention_loop, channel_attention: channel_attention_loop,
            selective_kernel: selective_kernel_loop}.get(f)
    if loop is not None:
        with pytest.raises(ValueError, match=match):
            loop(*args)

"""MobileNetV2's inverted residual against torchvision's block, with the same random
weights and BatchNorm statistics; BatchNorm folding against torch's fuse_conv_bn_weights."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.nn.utils.fusion import fuse_conv_bn_weights as torch_fuse
from torchvision.models.mobilenetv2 import InvertedResidual

import convzoo.mobilenet as mobilenet
from convzoo.mobilenet import (fuse_conv_bn_weights, inverted_residual,
                               inverted_residual_from_state_dict, relu6)

F64 = dict(rtol=1e-10, atol=1e-12)


def t(a):
    return None if a is None else torch.from_numpy(np.ascontiguousarray(a))


def random_block(rng, C, K, stride, t_ratio):
    """torchvision's block in float64 and eval mode, with random BatchNorm statistics and
    affine parameters (fresh ones are the identity, which would hide a folding mistake)."""
    torch.manual_seed(int(rng.integers(2**31)))
    block = InvertedResidual(C, K, stride, t_ratio).double().eval()
    with torch.no_grad():
        for m in block.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-1, 1)
                m.running_var.uniform_(0.3, 3)
                m.weight.uniform_(0.5, 2)
                m.bias.uniform_(-1, 1)
    return block


def numpy_state(block):
    return {k: v.numpy() for k, v in block.state_dict().items()}


@pytest.mark.parametrize("case", range(60))
def test_inverted_residual_matches_torchvisions_block(case):
    rng = np.random.default_rng(7000 + case)
    C, K = (int(v) for v in rng.integers(1, 7, 2))
    if rng.random() < 0.4:
        K = C                                             # the residual's case
    stride = int(rng.integers(1, 3))
    t_ratio = [1, 2, 6][int(rng.integers(3))]
    N, H, W = int(rng.integers(1, 3)), int(rng.integers(1, 9)), int(rng.integers(1, 9))
    block = random_block(rng, C, K, stride, t_ratio)
    x = rng.standard_normal((N, C, H, W))
    with torch.no_grad():
        expected = block(t(x)).numpy()
    ours = inverted_residual(x, **inverted_residual_from_state_dict(numpy_state(block)),
                             stride=stride)
    np.testing.assert_allclose(ours, expected, **F64)


def test_the_residual_is_added_only_for_stride_1_and_equal_channels(rng):
    x = rng.standard_normal((1, 4, 6, 6))
    for K, stride, added in [(4, 1, True), (4, 2, False), (5, 1, False)]:
        block = random_block(rng, 4, K, stride, 6)
        weights = inverted_residual_from_state_dict(numpy_state(block))
        with torch.no_grad():
            body = block.conv(t(x)).numpy()
        out = inverted_residual(x, **weights, stride=stride)
        np.testing.assert_allclose(out, body + x if added else body, **F64)


def test_the_projection_is_linear_and_the_other_two_clip_at_0_and_6(rng):
    """Large weights drive every layer into both ends of ReLU6; the output still goes
    negative (no ReLU after the projection) and the block matches torchvision."""
    block = random_block(rng, 3, 5, 2, 6)
    with torch.no_grad():
        for m in block.modules():
            if isinstance(m, torch.nn.Conv2d):
                m.weight.mul_(10)
    x = rng.standard_normal((2, 3, 7, 7))
    weights = inverted_residual_from_state_dict(numpy_state(block))
    out = inverted_residual(x, **weights, stride=2)
    with torch.no_grad():
        np.testing.assert_allclose(out, block(t(x)).numpy(), **F64)
        expanded = block.conv[0](t(x)).numpy()
    assert expanded.min() == 0 and expanded.max() == 6
    assert out.min() < -6 and out.max() > 6


def test_inverted_residual_with_biases_none_is_three_torch_convs(rng):
    x = rng.standard_normal((2, 3, 5, 4))
    ew, dw, pw = (rng.standard_normal(s) for s in ((6, 3, 1, 1), (6, 1, 5, 5), (3, 6, 1, 1)))
    h = F.relu6(F.conv2d(t(x), t(ew)))
    h = F.relu6(F.conv2d(h, t(dw), padding=2, groups=6))
    expected = (F.conv2d(h, t(pw)) + t(x)).numpy()
    out = inverted_residual(x, ew, None, dw, None, pw, None)
    np.testing.assert_allclose(out, expected, **F64)


@pytest.mark.parametrize("case", range(30))
def test_fuse_conv_bn_weights_matches_torch(case):
    rng = np.random.default_rng(8000 + case)
    K, C, k = (int(v) for v in rng.integers(1, 5, 3))
    transpose = bool(rng.integers(2))
    w = rng.standard_normal((C, K, k, k) if transpose else (K, C, k, k))
    b, rm, w_bn, b_bn = (rng.standard_normal(K) for _ in range(4))
    rv = rng.uniform(0.1, 3, K)
    parts = [b, rm, rv, w_bn, b_bn]
    for i in rng.choice([0, 3, 4], int(rng.integers(0, 3)), replace=False):
        parts[i] = None                                       # conv_b, bn_w, bn_b may be None
    b, rm, rv, w_bn, b_bn = parts
    ours = fuse_conv_bn_weights(w, b, rm, rv, 1e-3, w_bn, b_bn, transpose)
    theirs = torch_fuse(t(w), t(b), t(rm), t(rv), 1e-3, t(w_bn), t(b_bn), transpose)
    for a, e in zip(ours, theirs):
        np.testing.assert_allclose(a, e.detach().numpy(), **F64)


def test_a_fused_conv_computes_batch_norm_of_the_conv(rng):
    x = rng.standard_normal((2, 3, 6, 6))
    conv = torch.nn.Conv2d(3, 4, 3, padding=1).double()
    bn = torch.nn.BatchNorm2d(4, eps=1e-3).double().eval()
    with torch.no_grad():
        bn.running_mean.uniform_(-1, 1), bn.running_var.uniform_(0.3, 3)
        bn.weight.uniform_(0.5, 2), bn.bias.uniform_(-1, 1)
        expected = bn(conv(t(x))).numpy()
    w, b = fuse_conv_bn_weights(conv.weight.detach().numpy(), conv.bias.detach().numpy(),
                                bn.running_mean.numpy(), bn.running_var.numpy(), 1e-3,
                                bn.weight.detach().numpy(), bn.bias.detach().numpy())
    np.testing.assert_allclose(F.conv2d(t(x), t(w), t(b), padding=1).numpy(), expected, **F64)


def test_relu6_matches_torch_and_keeps_float32(rng):
    x = rng.standard_normal((3, 4)) * 8
    np.testing.assert_array_equal(relu6(x), F.relu6(t(x)).numpy())
    assert relu6(x.astype(np.float32)).dtype == np.float32
    assert relu6(np.arange(-2, 9)).tolist() == [0, 0, 0, 1, 2, 3, 4, 5, 6, 6, 6]


def test_dtype_is_kept_and_inputs_are_not_modified(rng):
    arrays = [rng.standard_normal(s).astype(np.float32) for s in
              ((2, 3, 6, 5), (6, 3, 1, 1), (6,), (6, 1, 3, 3), (6,), (3, 6, 1, 1), (3,))]
    copies = [a.copy() for a in arrays]
    y = inverted_residual(*arrays)
    assert y.dtype == np.float32
    y[...] = 7
    w, b = fuse_conv_bn_weights(arrays[1], None, arrays[2], np.abs(arrays[2]), 1e-5,
                                None, arrays[2])
    assert w.dtype == b.dtype == np.float32
    for a, c in zip(arrays, copies):
        np.testing.assert_array_equal(a, c)


X = np.zeros((2, 4, 6, 6))
EW, EB, DW, DB, PW, PB = (np.zeros(s) for s in ((8, 4, 1, 1), (8,), (8, 1, 3, 3), (8,),
                                                (5, 8, 1, 1), (5,)))


@pytest.mark.parametrize("args, kw, name", [
    ((X[0], EW, EB, DW, DB, PW, PB), {}, "^x must be 4-D"),
    ((X, EW[:, :3], EB, DW, DB, PW, PB), {}, "^expand_weight must have shape"),
    ((X, EW[..., 0], EB, DW, DB, PW, PB), {}, "^expand_weight must be 4-D"),
    ((X, EW, EB[:7], DW, DB, PW, PB), {}, "^expand_bias must have shape"),
    ((X, None, EB, DW, DB, PW, PB), {}, "^expand_bias must be None"),
    ((X, EW, EB, DW[:4], DB, PW, PB), {}, "^depthwise_weight must have shape .* 8 channels"),
    ((X, None, None, DW, DB, PW, PB), {}, "^depthwise_weight must have shape .* 4 channels"),
    ((X, EW, EB, np.zeros((8, 8, 3, 3)), DB, PW, PB), {}, "^depthwise_weight must have shape"),
    ((X, EW, EB, DW, DB[:2], PW, PB), {}, "^depthwise_bias must have shape"),
    ((X, EW, EB, DW, DB, PW[:, :4], PB), {}, "^project_weight must have shape"),
    ((X, EW, EB, DW, DB, PW, PB[:4]), {}, "^project_bias must have shape"),
    ((X, EW, EB, DW, DB, PW, PB), dict(stride=0), "^stride must be an int"),
    ((X, EW, EB, DW, DB, PW, PB), dict(stride=(1, 1)), "^stride must be an int"),
    ((X[:, :, :1], EW, EB, np.zeros((8, 1, 4, 4)), DB, PW, PB), {}, "larger than the padded"),
])
def test_inverted_residual_rejects_bad_input_by_name_before_any_work(monkeypatch, args, kw,
                                                                      name):
    monkeypatch.setattr(mobilenet, "conv2d", None)                 # any work would TypeError
    with pytest.raises(ValueError, match=name):
        inverted_residual(*args, **kw)


@pytest.mark.parametrize("args, name", [
    ((np.zeros(3), None, np.zeros(3), np.ones(3), 1e-5, None, None), "^conv_w must be"),
    ((np.zeros((3, 2, 1, 1)), None, np.zeros(2), np.ones(3), 1e-5, None, None), "^bn_rm must"),
    ((np.zeros((3, 2, 1, 1)), np.zeros(2), np.zeros(3), np.ones(3), 1e-5, None, None),
     "^conv_b must"),
    ((np.zeros((3, 2, 1, 1)), None, np.zeros(3), np.ones(3), -1.0, None, None), "^bn_eps"),
    ((np.zeros((3, 2, 1, 1)), None, np.zeros(3), np.zeros(3), 0.0, None, None), "^bn_rv \\+"),
])
def test_fuse_conv_bn_weights_rejects_bad_input_by_name(args, name):
    with pytest.raises(ValueError, match=name):
        fuse_conv_bn_weights(*args)


def test_from_state_dict_names_a_missing_key():
    with pytest.raises(ValueError, match="no 'conv.0.0.weight'"):
        inverted_residual_from_state_dict({"conv.3.weight": np.zeros(2)})
    with pytest.raises(ValueError, match="^state_dict must be a dict"):
        inverted_residual_from_state_dict([1, 2])

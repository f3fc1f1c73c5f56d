"""locally_connected2d and tiled_conv2d against conv2d and a torch construction with F.unfold."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convzoo.convolution import conv2d
from convzoo.unshared import (locally_connected2d, locally_connected2d_parameters,
                              tiled_conv2d, tiled_conv2d_parameters, tiled_weight)


def random_geometry(rng):
    N, C, K = (int(v) for v in rng.integers(1, 4, size=3))
    kH, kW = (int(v) for v in rng.integers(1, 4, size=2))
    sh, sw = (int(v) for v in rng.integers(1, 4, size=2))
    ph, pw = (int(v) for v in rng.integers(0, 3, size=2))
    H = max(1, kH - 2 * ph) + int(rng.integers(0, 6))
    W = max(1, kW - 2 * pw) + int(rng.integers(0, 6))
    x = rng.standard_normal((N, C, H, W))
    H_o, W_o = (H + 2 * ph - kH) // sh + 1, (W + 2 * pw - kW) // sw + 1
    return x, (K, C, kH, kW), (H_o, W_o), dict(stride=(sh, sw), padding=(ph, pw))


def torch_locally_connected(x, weight, bias, stride, padding):
    """The unshared layer from torch parts: unfold every window, one matmul per position."""
    H_o, W_o, K, C, kH, kW = weight.shape
    cols = F.unfold(torch.from_numpy(x), (kH, kW), stride=stride, padding=padding)  # (N, Ckk, L)
    w = torch.from_numpy(weight).reshape(H_o * W_o, K, C * kH * kW)
    out = torch.einsum("nrl,lkr->nkl", cols, w).reshape(x.shape[0], K, H_o, W_o)
    if bias is not None:
        out = out + torch.from_numpy(bias)
    return out.numpy()


def test_locally_connected_matches_torch_unfold_on_random_shapes(rng):
    for _ in range(60):
        x, (K, C, kH, kW), (H_o, W_o), kw = random_geometry(rng)
        weight = rng.standard_normal((H_o, W_o, K, C, kH, kW))
        bias = rng.standard_normal((K, H_o, W_o)) if rng.random() < 0.5 else None
        out = locally_connected2d(x, weight, bias, **kw)
        np.testing.assert_allclose(out, torch_locally_connected(x, weight, bias, **kw),
                                   rtol=1e-10, atol=1e-10)


def test_locally_connected_with_all_kernels_equal_is_conv2d(rng):
    for _ in range(40):
        x, (K, C, kH, kW), (H_o, W_o), kw = random_geometry(rng)
        w = rng.standard_normal((K, C, kH, kW))
        b = rng.standard_normal(K)
        shared = np.broadcast_to(w, (H_o, W_o) + w.shape)
        bias = np.broadcast_to(b[:, None, None], (K, H_o, W_o))
        np.testing.assert_allclose(locally_connected2d(x, shared, bias, **kw),
                                   conv2d(x, w, b, **kw), rtol=1e-10, atol=1e-10)


def test_tiled_with_period_one_is_conv2d(rng):
    for _ in range(40):
        x, (K, C, kH, kW), _, kw = random_geometry(rng)
        w = rng.standard_normal((K, C, kH, kW))
        b = rng.standard_normal(K)
        np.testing.assert_allclose(tiled_conv2d(x, w[None, None], b, **kw),
                                   conv2d(x, w, b, **kw), rtol=1e-10, atol=1e-10)


def test_tiled_matches_torch_unfold_with_cycled_kernels_on_random_shapes(rng):
    for _ in range(40):
        x, (K, C, kH, kW), (H_o, W_o), kw = random_geometry(rng)
        tH, tW = (int(v) for v in rng.integers(1, 4, size=2))
        weight = rng.standard_normal((tH, tW, K, C, kH, kW))
        bias = rng.standard_normal(K)
        full = np.empty((H_o, W_o, K, C, kH, kW))
        for i in range(H_o):
            for j in range(W_o):
                full[i, j] = weight[i % tH, j % tW]
        expected = torch_locally_connected(x, full, np.broadcast_to(
            bias[:, None, None], (K, H_o, W_o)).copy(), **kw)
        np.testing.assert_allclose(tiled_conv2d(x, weight, bias, **kw), expected,
                                   rtol=1e-10, atol=1e-10)
        np.testing.assert_array_equal(tiled_weight(weight, (H_o, W_o)), full)


def test_tiled_with_period_of_the_output_is_locally_connected(rng):
    x = rng.standard_normal((2, 3, 6, 5))
    weight = rng.standard_normal((4, 3, 2, 3, 3, 3))     # output (4, 3) with stride 1
    np.testing.assert_allclose(tiled_conv2d(x, weight), locally_connected2d(x, weight),
                               rtol=1e-12)


def test_unbatched_input_gives_unbatched_output(rng):
    x = rng.standard_normal((2, 4, 4))
    w = rng.standard_normal((3, 3, 5, 2, 2, 2))
    assert locally_connected2d(x, w).shape == (5, 3, 3)
    assert tiled_conv2d(x, w[:1, :2]).shape == (5, 3, 3)


def test_parameter_counts_match_the_weights_they_describe():
    C, K, k, out = 3, 8, (3, 3), (30, 30)
    lc = locally_connected2d_parameters(C, K, k, out)
    assert lc == 30 * 30 * (8 * 3 * 9 + 8) == np.prod((30, 30, K, C) + k) + K * 30 * 30
    assert tiled_conv2d_parameters(C, K, k, 1) == K * C * 9 + K
    assert tiled_conv2d_parameters(C, K, k, (2, 3), bias=False) == 6 * K * C * 9
    assert tiled_conv2d_parameters(C, K, k, out, bias=False) == \
        locally_connected2d_parameters(C, K, k, out, bias=False)


@pytest.mark.parametrize("call, words", [
    (lambda: locally_connected2d(np.ones((1, 2, 5, 5)), np.ones((3, 3, 1, 2, 3, 3)).sum(0)),
     ["weight", "6-D", "(3, 1, 2, 3, 3)"]),
    (lambda: locally_connected2d(np.ones((1, 2, 5, 5)), np.ones((2, 2, 1, 2, 3, 3))),
     ["weight shape (2, 2, 1, 2, 3, 3)", "(3, 3)", "x shape (1, 2, 5, 5)"]),
    (lambda: locally_connected2d(np.ones((1, 4, 5, 5)), np.ones((3, 3, 1, 2, 3, 3))),
     ["weight shape (3, 3, 1, 2, 3, 3)", "x shape (1, 4, 5, 5)"]),
    (lambda: locally_connected2d(np.ones((1, 2, 5, 5)), np.ones((3, 3, 1, 2, 3, 3)),
                                 bias=np.ones(1)), ["bias", "(1, 3, 3)", "(1,)"]),
    (lambda: tiled_conv2d(np.ones((1, 2, 5, 5)), np.ones((2, 2, 1, 2, 3, 3)),
                          bias=np.ones((1, 3, 3))), ["bias", "(1,)", "(1, 3, 3)"]),
    (lambda: tiled_conv2d(np.ones((1, 2, 2, 2)), np.ones((1, 1, 1, 2, 3, 3))), ["kernel (3, 3)"]),
    (lambda: tiled_conv2d(np.ones((2, 2)), np.ones((1, 1, 1, 2, 1, 1))), ["x", "(2, 2)"]),
    (lambda: tiled_conv2d_parameters(3, 4, 3, 0), ["tile"]),
    (lambda: locally_connected2d_parameters(0, 4, 3, 5), ["in_channels"]),
])
def test_bad_input_raises_value_error_naming_argument_and_shapes(call, words):
    with pytest.raises(ValueError) as error:
        call()
    for word in words:
        assert word in str(error.value)

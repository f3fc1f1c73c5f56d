"""Depthwise-separable and spatially separable convolutions against torch, and kernel
factoring by SVD."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import convzoo.separable as separable
from convzoo.separable import (depthwise_separable_conv2d, depthwise_separable_conv2d_loop,
                               factor_kernel, flattened_conv2d, flattened_conv2d_loop,
                               flattened_kernel, spatially_separable_conv2d,
                               spatially_separable_conv2d_loop, spatially_separable_kernel)

F64 = dict(rtol=1e-10, atol=1e-12)
F32 = dict(rtol=1e-4, atol=1e-4)       # float32 sums of up to ~100 products of N(0, 1)
SOBEL_X = np.array([[-1., 0., 1.], [-2., 0., 2.], [-1., 0., 1.]])


def t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def geometry(rng):
    """Kernel, stride, padding, dilation and an input size the kernel fits, per dim; one
    time in five the kernel exactly fills the padded input."""
    k = [int(v) for v in rng.integers(1, 5, 2)]
    s = [int(v) for v in rng.integers(1, 4, 2)]
    p = [int(v) for v in rng.integers(0, 3, 2)]
    d = [int(v) for v in rng.integers(1, 3, 2)]
    tight = rng.random() < 0.2
    size = [max(1, dd * (kk - 1) + 1 - 2 * pp + (0 if tight else int(rng.integers(0, 6))))
            for kk, pp, dd in zip(k, p, d)]
    return k, s, p, d, size


def depthwise_case(rng, dtype=np.float64):
    (kH, kW), s, p, d, (H, W) = geometry(rng)
    N, C, m, K = (int(v) for v in rng.integers(1, [3, 5, 3, 5]))
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    dw = rng.standard_normal((C * m, 1, kH, kW)).astype(dtype)
    pw = rng.standard_normal((K, C * m, 1, 1)).astype(dtype)
    return x, dw, pw, dict(stride=s, padding=p, dilation=d)


def torch_depthwise_separable(x, dw, pw, stride=1, padding=0, dilation=1):
    mid = F.conv2d(t(x), t(dw), stride=stride, padding=padding, dilation=dilation,
                   groups=x.shape[1])
    return F.conv2d(mid, t(pw)).numpy()


def spatial_case(rng, dtype=np.float64):
    (kH, kW), s, p, d, (H, W) = geometry(rng)
    g = int(rng.integers(1, 4))
    N, C_g, M_g, K_g = (int(v) for v in rng.integers(1, [3, 3, 3, 3]))
    x = rng.standard_normal((N, g * C_g, H, W)).astype(dtype)
    col = rng.standard_normal((g * M_g, C_g, kH, 1)).astype(dtype)
    row = rng.standard_normal((g * K_g, M_g, 1, kW)).astype(dtype)
    return x, col, row, dict(stride=s, padding=p, dilation=d, groups=g)


def torch_spatially_separable(x, col, row, stride, padding, dilation, groups):
    """torch's two passes: kH x 1 striding down, then 1 x kW striding across."""
    mid = F.conv2d(t(x), t(col), stride=(stride[0], 1), padding=(padding[0], 0),
                   dilation=(dilation[0], 1), groups=groups)
    return F.conv2d(mid, t(row), stride=(1, stride[1]), padding=(0, padding[1]),
                    dilation=(1, dilation[1]), groups=groups).numpy()


# ----------------------------------------------------------------------------- depthwise


@pytest.mark.parametrize("case", range(100))
def test_depthwise_separable_matches_torch_depthwise_then_pointwise(case):
    x, dw, pw, kw = depthwise_case(np.random.default_rng(case))
    expected = torch_depthwise_separable(x, dw, pw, **kw)
    np.testing.assert_allclose(depthwise_separable_conv2d(x, dw, pw, **kw), expected, **F64)
    np.testing.assert_allclose(depthwise_separable_conv2d_loop(x, dw, pw, **kw), expected,
                               **F64)


@pytest.mark.parametrize("case", range(30))
def test_depthwise_separable_float32_matches_torch_within_float32_tolerance(case):
    x, dw, pw, kw = depthwise_case(np.random.default_rng(500 + case), np.float32)
    expected = torch_depthwise_separable(x, dw, pw, **kw)
    for f in (depthwise_separable_conv2d, depthwise_separable_conv2d_loop):
        y = f(x, dw, pw, **kw)
        assert y.dtype == np.float32
        np.testing.assert_allclose(y, expected, **F32)


def test_depthwise_separable_equals_one_conv_with_the_product_kernel(rng):
    """A depthwise-separable layer is a conv2d whose kernel is pw[k, c] * dw[c] (m = 1)."""
    x, dw, pw = (rng.standard_normal(s) for s in ((2, 3, 6, 5), (3, 1, 3, 3), (4, 3, 1, 1)))
    kernel = pw[:, :, 0, 0, None, None] * dw[None, :, 0]
    expected = F.conv2d(t(x), t(kernel), padding=1).numpy()
    np.testing.assert_allclose(depthwise_separable_conv2d(x, dw, pw, padding=1), expected, **F64)


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_depthwise_separable_accepts_same_and_valid_padding_like_conv2d(rng, padding):
    x, dw, pw = (rng.standard_normal(s) for s in ((1, 2, 5, 6), (4, 1, 2, 3), (3, 4, 1, 1)))
    expected = torch_depthwise_separable(x, dw, pw, padding=padding, dilation=(2, 1))
    for f in (depthwise_separable_conv2d, depthwise_separable_conv2d_loop):
        np.testing.assert_allclose(f(x, dw, pw, padding=padding, dilation=(2, 1)), expected,
                                   **F64)


@pytest.mark.parametrize("shapes, kw", [
    (((1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1)), {}),                        # 1x1 everything
    (((2, 3, 1, 1), (3, 1, 3, 3), (2, 3, 1, 1)), dict(padding=1)),          # 1x1 input, padded
    (((1, 2, 4, 4), (2, 1, 6, 6), (3, 2, 1, 1)), dict(padding=1)),          # kernel = padded x
    (((1, 2, 9, 8), (2, 1, 2, 2), (3, 2, 1, 1)), dict(stride=4)),           # stride > kernel
])
def test_depthwise_separable_edges_match_torch(rng, shapes, kw):
    x, dw, pw = (rng.standard_normal(s) for s in shapes)
    expected = torch_depthwise_separable(x, dw, pw, **kw)
    for f in (depthwise_separable_conv2d, depthwise_separable_conv2d_loop):
        np.testing.assert_allclose(f(x, dw, pw, **kw), expected, **F64)


# ----------------------------------------------------------------------------- spatial


@pytest.mark.parametrize("case", range(100))
def test_spatially_separable_matches_torch_column_then_row(case):
    x, col, row, kw = spatial_case(np.random.default_rng(1000 + case))
    expected = torch_spatially_separable(x, col, row, **kw)
    np.testing.assert_allclose(spatially_separable_conv2d(x, col, row, **kw), expected, **F64)
    np.testing.assert_allclose(spatially_separable_conv2d_loop(x, col, row, **kw), expected,
                               **F64)


@pytest.mark.parametrize("case", range(100))
def test_spatially_separable_kernel_is_the_one_conv_both_passes_amount_to(case):
    x, col, row, kw = spatial_case(np.random.default_rng(2000 + case))
    kernel = spatially_separable_kernel(col, row, kw["groups"])
    assert kernel.shape == (row.shape[0], col.shape[1], col.shape[2], row.shape[3])
    np.testing.assert_allclose(F.conv2d(t(x), t(kernel), **kw).numpy(),
                               torch_spatially_separable(x, col, row, **kw), **F64)


@pytest.mark.parametrize("case", range(30))
def test_spatially_separable_float32_matches_torch_within_float32_tolerance(case):
    x, col, row, kw = spatial_case(np.random.default_rng(3000 + case), np.float32)
    expected = torch_spatially_separable(x, col, row, **kw)
    for f in (spatially_separable_conv2d, spatially_separable_conv2d_loop):
        y = f(x, col, row, **kw)
        assert y.dtype == np.float32
        np.testing.assert_allclose(y, expected, **F32)


def test_sobel_on_each_channel_is_a_121_column_then_a_101_row(rng):
    x = rng.standard_normal((2, 3, 8, 7))
    col = np.tile(np.array([1., 2., 1.]).reshape(1, 1, 3, 1), (3, 1, 1, 1))
    row = np.tile(np.array([-1., 0., 1.]).reshape(1, 1, 1, 3), (3, 1, 1, 1))
    sobel = np.tile(SOBEL_X, (3, 1, 1, 1))
    expected = F.conv2d(t(x), t(sobel), padding=1, groups=3).numpy()
    np.testing.assert_array_equal(spatially_separable_kernel(col, row, groups=3), sobel)
    for f in (spatially_separable_conv2d, spatially_separable_conv2d_loop):
        np.testing.assert_allclose(f(x, col, row, padding=1, groups=3), expected, **F64)


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_spatially_separable_accepts_same_and_valid_padding_like_conv2d(rng, padding):
    x, col, row = (rng.standard_normal(s) for s in ((1, 2, 6, 5), (3, 2, 4, 1), (2, 3, 1, 3)))
    kernel = spatially_separable_kernel(col, row)
    expected = F.conv2d(t(x), t(kernel), padding=padding, dilation=(1, 2)).numpy()
    for f in (spatially_separable_conv2d, spatially_separable_conv2d_loop):
        np.testing.assert_allclose(f(x, col, row, padding=padding, dilation=(1, 2)), expected,
                                   **F64)


@pytest.mark.parametrize("shapes, kw", [
    (((1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1)), {}),                          # 1x1 everything
    (((2, 3, 1, 1), (3, 1, 3, 1), (3, 1, 1, 3)), dict(padding=1, groups=3)),  # groups = C
    (((1, 2, 3, 2), (2, 2, 5, 1), (1, 2, 1, 4)), dict(padding=1)),            # kernel = padded x
    (((1, 2, 9, 8), (4, 2, 2, 1), (3, 4, 1, 2)), dict(stride=(3, 5))),        # stride > kernel
])
def test_spatially_separable_edges_match_torch(rng, shapes, kw):
    x, col, row = (rng.standard_normal(s) for s in shapes)
    expected = F.conv2d(t(x), t(spatially_separable_kernel(col, row, kw.get("groups", 1))),
                        **kw).numpy()
    for f in (spatially_separable_conv2d, spatially_separable_conv2d_loop):
        np.testing.assert_allclose(f(x, col, row, **kw), expected, **F64)


# ----------------------------------------------------------------------------- factoring


def outer_sum(columns, rows):
    return np.einsum("...tu,...tv->...uv", columns, rows)


def test_sobel_is_rank_1_and_factors_into_121_and_101():
    columns, rows = factor_kernel(SOBEL_X)
    assert columns.shape == (1, 3) and rows.shape == (1, 3)
    np.testing.assert_allclose(outer_sum(columns, rows), SOBEL_X, atol=1e-12)
    np.testing.assert_allclose(columns[0] / columns[0, 1], [0.5, 1, 0.5], atol=1e-12)
    np.testing.assert_allclose(rows[0] / rows[0, 2], [-1, 0, 1], atol=1e-12)
    assert columns[0, 1] > 0                          # largest entry of a column is positive


@pytest.mark.parametrize("case", range(100))
def test_factor_kernel_gives_the_best_rank_r_approximation(case):
    """Eckart-Young: the error is the norm of the dropped singular values, and no rank-r
    kernel made from other factors (here: perturbed ones) does better."""
    rng = np.random.default_rng(4000 + case)
    kH, kW = (int(v) for v in rng.integers(1, 7, 2))
    kernel = rng.standard_normal((kH, kW))
    rank = int(rng.integers(1, min(kH, kW) + 1))
    columns, rows = factor_kernel(kernel, rank)
    assert columns.shape == (rank, kH) and rows.shape == (rank, kW)
    error = np.linalg.norm(kernel - outer_sum(columns, rows))
    dropped = np.linalg.svd(kernel, compute_uv=False)[rank:]
    np.testing.assert_allclose(error, np.linalg.norm(dropped), atol=1e-10)
    for _ in range(3):
        other = outer_sum(columns + 0.01 * rng.standard_normal(columns.shape), rows)
        assert np.linalg.norm(kernel - other) >= error - 1e-12
    if rank == min(kH, kW):
        np.testing.assert_allclose(outer_sum(columns, rows), kernel, atol=1e-10)


def test_factor_kernel_recovers_a_rank_1_kernel_exactly(rng):
    kernel = np.outer(rng.standard_normal(5), rng.standard_normal(3))
    columns, rows = factor_kernel(kernel)
    np.testing.assert_allclose(outer_sum(columns, rows), kernel, atol=1e-12)


def test_factor_kernel_factors_a_stack_of_kernels_one_by_one(rng):
    kernels = rng.standard_normal((4, 2, 3, 5)).astype(np.float32)
    columns, rows = factor_kernel(kernels, rank=2)
    assert columns.shape == (4, 2, 2, 3) and rows.shape == (4, 2, 2, 5)
    assert columns.dtype == rows.dtype == np.float32
    for i in range(4):
        for j in range(2):
            c, r = factor_kernel(kernels[i, j], rank=2)
            np.testing.assert_allclose(columns[i, j], c, rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(rows[i, j], r, rtol=1e-5, atol=1e-6)


def test_rank_r_factors_of_a_depthwise_kernel_run_as_a_spatially_separable_conv(rng):
    """A rank-r kernel per channel is r column filters feeding one row sum: C_mid = r * C."""
    C, r = 3, 2
    x = rng.standard_normal((2, C, 7, 6))
    depthwise = rng.standard_normal((C, 1, 3, 4))
    columns, rows = factor_kernel(depthwise, rank=r)           # (C, 1, r, 3), (C, 1, r, 4)
    col = columns.reshape(C * r, 1, 3, 1)
    row = rows.reshape(C, r, 1, 4)
    approx = outer_sum(columns, rows)                          # (C, 1, 3, 4)
    expected = F.conv2d(t(x), t(approx), padding=1, groups=C).numpy()
    np.testing.assert_allclose(spatially_separable_conv2d(x, col, row, padding=1, groups=C),
                               expected, **F64)


# ----------------------------------------------------------------------------- contracts


@pytest.mark.parametrize("dtype, expected", [(np.float32, np.float32), (np.float64, np.float64),
                                             (np.int64, np.float64)])
def test_dtype_is_kept_and_integers_become_float64(rng, dtype, expected):
    x = (rng.standard_normal((1, 2, 5, 5)) * 3).astype(dtype)
    dw, pw = np.ones((2, 1, 3, 3), dtype), np.ones((3, 2, 1, 1), dtype)
    col, row = np.ones((2, 2, 3, 1), dtype), np.ones((3, 2, 1, 3), dtype)
    for y in (depthwise_separable_conv2d(x, dw, pw), depthwise_separable_conv2d_loop(x, dw, pw),
              spatially_separable_conv2d(x, col, row),
              spatially_separable_conv2d_loop(x, col, row),
              spatially_separable_kernel(col, row), *factor_kernel(col[:, :, :, 0])):
        assert y.dtype == expected


def test_mixed_precision_computes_in_float64_like_torch_promotion(rng):
    """One float64 argument makes the whole computation float64, not just the result."""
    x = rng.standard_normal((2, 3, 6, 5)).astype(np.float32)
    dw, col = (rng.standard_normal(s).astype(np.float32) for s in ((3, 1, 3, 3), (4, 3, 3, 1)))
    pw, row = rng.standard_normal((4, 3, 1, 1)), rng.standard_normal((2, 4, 1, 2))
    x64, dw64, col64 = (a.astype(np.float64) for a in (x, dw, col))
    expected = torch_depthwise_separable(x64, dw64, pw, padding=1)
    for f in (depthwise_separable_conv2d, depthwise_separable_conv2d_loop):
        np.testing.assert_allclose(f(x, dw, pw, padding=1), expected, **F64)
    expected = F.conv2d(t(x64), t(spatially_separable_kernel(col64, row)), padding=1).numpy()
    for f in (spatially_separable_conv2d, spatially_separable_conv2d_loop):
        np.testing.assert_allclose(f(x, col, row, padding=1), expected, **F64)


@pytest.mark.parametrize("padding", [0, 1])
def test_inputs_are_not_modified(rng, padding):
    arrays = [rng.standard_normal(s) for s in ((2, 2, 6, 5), (4, 1, 3, 3), (3, 4, 1, 1),
                                               (2, 2, 3, 1), (3, 2, 1, 3))]
    copies = [a.copy() for a in arrays]
    x, dw, pw, col, row = arrays
    for f in (depthwise_separable_conv2d, depthwise_separable_conv2d_loop):
        f(x, dw, pw, stride=2, padding=padding)[...] = 7
    for f in (spatially_separable_conv2d, spatially_separable_conv2d_loop):
        f(x, col, row, padding=padding)[...] = 7
    spatially_separable_kernel(col, row)[...] = 7
    for factor in factor_kernel(dw, 2):
        factor[...] = 7
    for a, c in zip(arrays, copies):
        np.testing.assert_array_equal(a, c)


X = np.zeros((2, 3, 6, 6))
DW, PW = np.zeros((3, 1, 3, 3)), np.zeros((4, 3, 1, 1))
COL, ROW = np.zeros((6, 3, 3, 1)), np.zeros((4, 6, 1, 3))


@pytest.mark.parametrize("args, kw, name", [
    ((X[0], DW, PW), {}, "^x must be 4-D"),
    ((X, DW[0], PW), {}, "depthwise_weight"),
    ((X, np.zeros((4, 1, 3, 3)), PW), {}, "depthwise_weight"),        # 4 filters, 3 channels
    ((X, np.zeros((3, 3, 3, 3)), PW), {}, "depthwise_weight"),        # not depthwise
    ((X, np.zeros((3, 1, 0, 3)), PW), {}, "depthwise_weight"),
    ((X, DW, PW[:, :, 0, 0]), {}, "pointwise_weight"),
    ((X, DW, np.zeros((4, 2, 1, 1))), {}, "pointwise_weight"),
    ((X, DW, np.zeros((4, 3, 3, 3))), {}, "pointwise_weight"),
    ((X, DW, PW), dict(stride=0), "stride"),
    ((X, DW, PW), dict(stride=1.5), "stride"),
    ((X, DW, PW), dict(padding=-1), "padding"),
    ((X, DW, PW), dict(padding="full"), "padding"),
    ((X, DW, PW), dict(dilation=0), "dilation"),
    ((X, DW, PW), dict(padding="same", stride=2), "stride"),
    ((X, np.zeros((3, 1, 8, 3)), PW), {}, "larger than the padded input: x"),
    ((X.astype(object), DW, PW), {}, "^x must hold numbers"),
])
@pytest.mark.parametrize("f", [depthwise_separable_conv2d, depthwise_separable_conv2d_loop])
def test_depthwise_separable_rejects_bad_input_by_name_before_any_work(monkeypatch, f, args,
                                                                       kw, name):
    monkeypatch.setattr(separable, "conv2d", None)                  # any work would TypeError
    with pytest.raises(ValueError, match=name):
        f(*args, **kw)


@pytest.mark.parametrize("args, kw, name", [
    ((X[0], COL, ROW), {}, "^x must be 4-D"),
    ((X, COL[0], ROW), {}, "column_weight"),
    ((X, np.zeros((6, 3, 3, 2)), ROW), {}, "column_weight"),          # not a column
    ((X, np.zeros((6, 2, 3, 1)), ROW), {}, "column_weight"),          # 2 channels, x has 3
    ((X, COL, ROW[0]), {}, "row_weight"),
    ((X, COL, np.zeros((4, 6, 2, 3))), {}, "row_weight"),             # not a row
    ((X, COL, np.zeros((4, 5, 1, 3))), {}, "row_weight"),             # 5 mid, column gives 6
    ((X, COL, ROW), dict(groups=0), "^groups must be an int"),
    ((X, COL, ROW), dict(groups=2.0), "^groups must be an int"),
    ((X, COL, ROW), dict(groups=True), "^groups must be an int"),
    ((X, np.zeros((6, 1, 3, 1)), np.zeros((4, 2, 1, 3))), dict(groups=3), "row_weight"),
    ((X, np.zeros((6, 1, 3, 1)), np.zeros((4, 3, 1, 3))), dict(groups=2),
     "^x has 3 channels"),
    ((X, np.zeros((3, 1, 3, 1)), np.zeros((2, 1, 1, 3))), dict(groups=3), "row_weight"),
    ((X, COL, ROW), dict(stride=(1, 0)), "stride"),
    ((X, COL, ROW), dict(padding=(0, -1)), "padding"),
    ((X, COL, ROW), dict(dilation=-1), "dilation"),
    ((X, COL, np.zeros((4, 6, 1, 9))), {}, "larger than the padded input: x"),
])
@pytest.mark.parametrize("f", [spatially_separable_conv2d, spatially_separable_conv2d_loop])
def test_spatially_separable_rejects_bad_input_by_name_before_any_work(monkeypatch, f, args,
                                                                       kw, name):
    monkeypatch.setattr(separable, "conv2d", None)
    with pytest.raises(ValueError, match=name):
        f(*args, **kw)


@pytest.mark.parametrize("groups, match", [(0, "^groups must be an int"),
                                           (2.0, "^groups must be an int"),
                                           (4, "^column_weight shape .* groups=4")])
def test_spatially_separable_kernel_rejects_bad_groups_by_name(groups, match):
    with pytest.raises(ValueError, match=match):
        spatially_separable_kernel(COL, ROW, groups)


@pytest.mark.parametrize("kernel, rank, name", [
    (np.zeros(3), 1, "^kernel must be"), (np.zeros((3, 0)), 1, "^kernel must be"),
    (np.zeros((3, 2)), 3, "^rank must be"), (np.zeros((3, 2)), 0, "^rank must be"),
    (np.zeros((3, 2)), 1.0, "^rank must be"), (np.zeros((3, 3), complex), 1, "^kernel must be"),
])
def test_factor_kernel_rejects_bad_input_by_name(kernel, rank, name):
    with pytest.raises(ValueError, match=name):
        factor_kernel(kernel, rank)


# ----------------------------------------------------------------------------- flattened


def flattened_case(rng, dtype=np.float64):
    (kH, kW), s, p, d, (H, W) = geometry(rng)
    N, C, F_ = (int(v) for v in rng.integers(1, [3, 5, 5]))
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    lateral = rng.standard_normal((F_, C, 1, 1)).astype(dtype)
    vertical = rng.standard_normal((F_, 1, kH, 1)).astype(dtype)
    horizontal = rng.standard_normal((F_, 1, 1, kW)).astype(dtype)
    return x, lateral, vertical, horizontal, dict(stride=s, padding=p, dilation=d)


def torch_flattened_kernel(lateral, vertical, horizontal):
    return torch.einsum("fc,fu,fv->fcuv", t(lateral)[:, :, 0, 0], t(vertical)[:, 0, :, 0],
                        t(horizontal)[:, 0, 0, :])


def torch_flattened(x, lateral, vertical, horizontal, **kw):
    """torch's conv2d with the rank-1 kernel made by torch."""
    return F.conv2d(t(x), torch_flattened_kernel(lateral, vertical, horizontal), **kw).numpy()


@pytest.mark.parametrize("case", range(100))
def test_flattened_matches_torch_conv2d_with_the_outer_product_kernel(case):
    x, lat, ver, hor, kw = flattened_case(np.random.default_rng(6000 + case))
    expected = torch_flattened(x, lat, ver, hor, **kw)
    for f in (flattened_conv2d, flattened_conv2d_loop):
        np.testing.assert_allclose(f(x, lat, ver, hor, **kw), expected, **F64)
    np.testing.assert_allclose(flattened_kernel(lat, ver, hor),
                               torch_flattened_kernel(lat, ver, hor).numpy(), **F64)


@pytest.mark.parametrize("case", range(20))
def test_flattened_float32_matches_torch_within_float32_tolerance(case):
    x, lat, ver, hor, kw = flattened_case(np.random.default_rng(6500 + case), np.float32)
    expected = torch_flattened(x, lat, ver, hor, **kw)
    for f in (flattened_conv2d, flattened_conv2d_loop):
        y = f(x, lat, ver, hor, **kw)
        assert y.dtype == np.float32
        np.testing.assert_allclose(y, expected, **F32)


def test_flattened_is_three_torch_passes_lateral_vertical_horizontal(rng):
    x, lat, ver, hor = (rng.standard_normal(s) for s in ((2, 3, 7, 6), (4, 3, 1, 1),
                                                          (4, 1, 3, 1), (4, 1, 1, 2)))
    a = F.conv2d(t(x), t(lat))
    b = F.conv2d(a, t(ver), stride=(2, 1), padding=(1, 0), groups=4)
    expected = F.conv2d(b, t(hor), stride=(1, 2), padding=(0, 1), groups=4).numpy()
    for f in (flattened_conv2d, flattened_conv2d_loop):
        np.testing.assert_allclose(f(x, lat, ver, hor, stride=2, padding=1), expected, **F64)


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_flattened_accepts_same_and_valid_padding_like_conv2d(rng, padding):
    x, lat, ver, hor = (rng.standard_normal(s) for s in ((1, 2, 6, 5), (3, 2, 1, 1),
                                                          (3, 1, 4, 1), (3, 1, 1, 3)))
    expected = torch_flattened(x, lat, ver, hor, padding=padding, dilation=(1, 2))
    for f in (flattened_conv2d, flattened_conv2d_loop):
        np.testing.assert_allclose(f(x, lat, ver, hor, padding=padding, dilation=(1, 2)),
                                   expected, **F64)


@pytest.mark.parametrize("shapes, kw", [
    (((1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1)), {}),          # 1x1 everything
    (((2, 3, 1, 1), (2, 3, 1, 1), (2, 1, 3, 1), (2, 1, 1, 3)), dict(padding=1)),  # 1x1 input
    (((1, 2, 3, 2), (2, 2, 1, 1), (2, 1, 5, 1), (2, 1, 1, 4)), dict(padding=1)),  # kernel = padded x
    (((1, 2, 9, 8), (3, 2, 1, 1), (3, 1, 2, 1), (3, 1, 1, 2)), dict(stride=4)),   # stride > kernel
])
def test_flattened_edges_match_torch(rng, shapes, kw):
    x, lat, ver, hor = (rng.standard_normal(s) for s in shapes)
    expected = torch_flattened(x, lat, ver, hor, **kw)
    for f in (flattened_conv2d, flattened_conv2d_loop):
        np.testing.assert_allclose(f(x, lat, ver, hor, **kw), expected, **F64)


def test_a_flattened_filter_has_rank_1_along_every_axis(rng):
    """What a flattened layer can represent: each filter's three unfoldings have rank 1."""
    kernel = flattened_kernel(*(rng.standard_normal(s) for s in ((2, 4, 1, 1), (2, 1, 3, 1),
                                                                 (2, 1, 1, 5))))
    for f in kernel:                                            # (C, kH, kW)
        for axis in range(3):
            unfolding = np.moveaxis(f, axis, 0).reshape(f.shape[axis], -1)
            assert np.linalg.matrix_rank(unfolding) == 1


def test_flattened_dtype_is_kept_and_inputs_are_not_modified(rng):
    arrays = [rng.standard_normal(s).astype(np.float32) for s in
              ((2, 2, 6, 5), (3, 2, 1, 1), (3, 1, 3, 1), (3, 1, 1, 2))]
    copies = [a.copy() for a in arrays]
    for f in (flattened_conv2d, flattened_conv2d_loop):
        y = f(*arrays, padding=1)
        assert y.dtype == np.float32
        y[...] = 7
    flattened_kernel(*arrays[1:])[...] = 7
    for a, c in zip(arrays, copies):
        np.testing.assert_array_equal(a, c)
    ints = [a.astype(np.int64) for a in arrays]
    assert flattened_conv2d(*ints).dtype == flattened_kernel(*ints[1:]).dtype == np.float64


LAT, VER, HOR = np.zeros((4, 3, 1, 1)), np.zeros((4, 1, 3, 1)), np.zeros((4, 1, 1, 3))


@pytest.mark.parametrize("args, kw, name", [
    ((X[0], LAT, VER, HOR), {}, "^x must be 4-D"),
    ((X, LAT[0], VER, HOR), {}, "^lateral_weight must be 4-D"),
    ((X, np.zeros((4, 3, 3, 3)), VER, HOR), {}, "^lateral_weight must have shape"),
    ((X, np.zeros((4, 2, 1, 1)), VER, HOR), {}, "^lateral_weight shape .* x shape"),
    ((X, LAT, np.zeros((3, 1, 3, 1)), HOR), {}, "^vertical_weight must have shape"),   # 3 != F
    ((X, LAT, np.zeros((4, 1, 3, 2)), HOR), {}, "^vertical_weight must have shape"),   # not a column
    ((X, LAT, VER, np.zeros((4, 2, 1, 3))), {}, "^horizontal_weight must have shape"),
    ((X, LAT, VER, np.zeros((4, 1, 2, 3))), {}, "^horizontal_weight must have shape"),  # not a row
    ((X, LAT, VER, HOR[..., :0]), {}, "^horizontal_weight must have shape"),
    ((X, LAT, VER, HOR), dict(stride=0), "stride"),
    ((X, LAT, VER, HOR), dict(padding=(0, -1)), "padding"),
    ((X, LAT, VER, HOR), dict(dilation=0), "dilation"),
    ((X, LAT, VER, HOR), dict(padding="same", stride=2), "stride"),
    ((X, LAT, np.zeros((4, 1, 9, 1)), HOR), {}, "larger than the padded input: x"),
    ((X, LAT.astype(object), VER, HOR), {}, "^lateral_weight must hold numbers"),
])
@pytest.mark.parametrize("f", [flattened_conv2d, flattened_conv2d_loop])
def test_flattened_rejects_bad_input_by_name_before_any_work(monkeypatch, f, args, kw, name):
    monkeypatch.setattr(separable, "conv2d", None)                  # any work would TypeError
    monkeypatch.setattr(separable, "spatially_separable_conv2d", None)
    with pytest.raises(ValueError, match=name):
        f(*args, **kw)

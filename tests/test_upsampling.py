"""interpolate, pixel_shuffle, pixel_unshuffle against torch; checkerboard_strength.

Tolerances: float64 resizing agrees with torch to 1e-12 (one or two products per output);
float32 to 1e-5 (torch computes bilinear weights in float32, we in float64 then round).
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from convzoo.transposed import conv_transpose2d, overlap_map
from convzoo.upsampling import (checkerboard_strength, interpolate, interpolation_matrix,
                                pixel_shuffle, pixel_shuffle_loop, pixel_unshuffle)

FACTORS = [0.25, 1 / 3, 0.4, 0.5, 0.7, 1.0, 1.05, 1.1, 1.3, 1.5, 2.0, 2.09, 7 / 3, 2.5, 3.0, 4.0]


def torch_interpolate(x, **kw):
    return F.interpolate(torch.from_numpy(x), **kw).numpy()


def random_resize(seed):
    """x and interpolate's keywords: a size or a scale factor (one or per axis, recomputed
    or not), each mode, align_corners None / False / True for bilinear."""
    rng = np.random.default_rng(seed)
    N, C, H, W = (int(v) for v in (rng.integers(1, 3), rng.integers(1, 4), rng.integers(1, 12),
                                   rng.integers(1, 12)))
    mode = ["nearest", "nearest-exact", "bilinear"][seed % 3]
    kw = dict(mode=mode)
    if mode == "bilinear":
        kw["align_corners"] = [None, False, True][int(rng.integers(3))]
    if rng.random() < 0.4:
        kw["size"] = tuple(int(v) for v in rng.integers(1, 25, 2))
    else:
        while True:
            f = tuple(float(rng.choice(FACTORS)) for _ in range(2))
            if min(np.floor(H * f[0]), np.floor(W * f[1])) >= 1:
                break
        kw["scale_factor"] = f if f[0] != f[1] or rng.random() < 0.5 else f[0]
        kw["recompute_scale_factor"] = [None, False, True][int(rng.integers(3))]
    return rng.standard_normal((N, C, H, W)), kw


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(300))
def test_interpolate_matches_torch(seed, dtype):
    x, kw = random_resize(seed)
    x = x.astype(dtype)
    expected = torch_interpolate(x, **kw)
    out = interpolate(x, **kw)
    assert out.shape == expected.shape and out.dtype == dtype
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-12 if dtype == np.float64 else 1e-5)


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_interpolate_copies_an_axis_whose_size_is_kept_and_nearest_doubles_exactly(mode):
    """torch's shortcuts: an axis of unchanged size is copied, whatever scale_factor says;
    nearest with an output exactly twice the input repeats each pixel twice."""
    x = np.arange(30.0).reshape(1, 1, 3, 10)
    out = interpolate(x, scale_factor=(1.05, 1.3), mode=mode)      # 3 -> 3, 10 -> 13
    np.testing.assert_array_equal(out[0, 0, :, 0], x[0, 0, :, 0])
    np.testing.assert_allclose(out, torch_interpolate(x, scale_factor=(1.05, 1.3), mode=mode),
                               atol=1e-12)
    if mode == "nearest":
        doubled = interpolate(x, scale_factor=(2.09, 1.0))          # 3 -> 6, by dst // 2
        assert doubled[0, 0, :, 0].tolist() == [0, 0, 10, 10, 20, 20]


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
@pytest.mark.parametrize("n_out", [41, 82, 83, 94])
def test_nearest_finds_its_source_pixel_in_float32_as_torch_does(mode, n_out):
    """From 2 to these sizes, floor(dst * 2 / n_out) in float64 picks another pixel than
    torch's float32 arithmetic for some dst (and mode)."""
    x = np.arange(2.0).reshape(1, 1, 1, 2)
    np.testing.assert_array_equal(interpolate(x, size=(1, n_out), mode=mode),
                                  torch_interpolate(x, size=(1, n_out), mode=mode))


def test_interpolation_matrix_rows_are_weights_summing_to_one():
    for mode in ("nearest", "nearest-exact", "bilinear"):
        R = interpolation_matrix(5, 13, mode)
        assert R.shape == (13, 5) and np.allclose(R.sum(axis=1), 1) and (R >= 0).all()
    R = interpolation_matrix(4, 8, "bilinear")
    assert R[2].tolist() == [0.25, 0.75, 0, 0] and R[3].tolist() == [0, 0.75, 0.25, 0]


def test_bilinear_times_two_inside_is_a_transposed_conv_with_kernel_1_3_3_1():
    """FCN initialises its upsampling layers with this: away from the border, bilinear
    upsampling by 2 is conv_transpose2d with the outer product of (1, 3, 3, 1) / 4,
    stride 2, padding 1."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 6, 7))
    k = np.array([1.0, 3.0, 3.0, 1.0]) / 4
    weight = np.zeros((3, 1, 4, 4)) + np.outer(k, k)
    up = conv_transpose2d(x, weight, stride=2, padding=1, groups=3)
    np.testing.assert_allclose(interpolate(x, scale_factor=2, mode="bilinear")[:, :, 1:-1, 1:-1],
                               up[:, :, 1:-1, 1:-1], atol=1e-12)


@pytest.mark.parametrize("seed", range(60))
def test_pixel_shuffle_and_unshuffle_match_torch(seed):
    rng = np.random.default_rng(seed)
    r = int(rng.integers(1, 4))
    lead = tuple(int(v) for v in rng.integers(1, 3, int(rng.integers(0, 3))))
    x = rng.standard_normal(lead + (int(rng.integers(1, 4)) * r * r,) +
                            tuple(int(v) for v in rng.integers(1, 5, 2)))
    expected = F.pixel_shuffle(torch.from_numpy(x), r).numpy()
    for shuffle in (pixel_shuffle, pixel_shuffle_loop):
        np.testing.assert_array_equal(shuffle(x, r), expected)
    np.testing.assert_array_equal(pixel_unshuffle(expected, r),
                                  F.pixel_unshuffle(torch.from_numpy(expected), r).numpy())
    np.testing.assert_array_equal(pixel_unshuffle(expected, r), x)


def test_pixel_shuffle_lays_the_channels_of_a_pixel_out_as_a_block():
    x = np.arange(8.0).reshape(1, 8, 1, 1)             # 2 channels out, r = 2
    out = pixel_shuffle(x, 2)
    assert out.shape == (1, 2, 2, 2)
    assert out[0, 0].tolist() == [[0, 1], [2, 3]] and out[0, 1].tolist() == [[4, 5], [6, 7]]


@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 4), st.integers(1, 4))
def test_checkerboard_strength_of_a_constant_map_is_zero(sh, sw, h, w):
    assert checkerboard_strength(np.full((h * sh, w * sw), 2.5), (sh, sw)) == 0.0


def test_checkerboard_strength_of_overlap_maps():
    inside = overlap_map(12, 3, 2)[4:-4, 4:-4]          # phases 1, 2, 2, 4
    P = np.array([1.0, 2, 2, 4])
    assert checkerboard_strength(inside, 2) == pytest.approx(np.linalg.norm(P - P.mean()) /
                                                             np.linalg.norm(P))
    assert checkerboard_strength(overlap_map(12, 4, 2)[4:-4, 4:-4], 2) == 0.0
    comb = np.zeros((6, 6))
    comb[::2, ::2] = 1.0                                # one phase in four, mean 1/4
    assert checkerboard_strength(comb, 2) == pytest.approx(np.sqrt(3) / 2)
    assert checkerboard_strength(comb - 0.25, 2) == pytest.approx(1.0)


@pytest.mark.parametrize("seed", range(20))
def test_checkerboard_strength_is_the_share_of_the_spectrum_at_the_period(seed):
    """Parseval: for a map made of whole periods, the strength is the norm of its Fourier
    coefficients at frequencies (a/sh, b/sw) other than 0 over the norm of all of them."""
    rng = np.random.default_rng(seed)
    sh, sw, reps = int(rng.integers(1, 4)), int(rng.integers(2, 4)), int(rng.integers(2, 5))
    y = np.tile(rng.standard_normal((sh, sw)), (reps, reps)) + rng.standard_normal() * 3
    spectrum = np.abs(np.fft.fft2(y))[::reps, ::reps]    # the bins of period (sh, sw)
    expected = np.sqrt((spectrum ** 2).sum() - spectrum[0, 0] ** 2) / np.linalg.norm(spectrum)
    assert checkerboard_strength(y, (sh, sw)) == pytest.approx(expected, rel=1e-10)


def test_checkerboard_strength_averages_over_leading_axes():
    y = np.zeros((2, 3, 4, 4))
    y[0, :, ::2, ::2] = 1.0
    y[1, :, 1::2, 1::2] = 1.0
    assert checkerboard_strength(y[0], 2) == pytest.approx(np.sqrt(3) / 2)
    P = np.array([1.0, 0, 0, 1])
    assert checkerboard_strength(y, 2) == pytest.approx(np.linalg.norm(P - P.mean()) /
                                                        np.linalg.norm(P))


def test_inputs_are_not_modified_and_results_are_new(rng):
    x = rng.standard_normal((1, 4, 3, 3))
    copy = x.copy()
    outs = [interpolate(x, scale_factor=1.0), pixel_shuffle(x, 2), pixel_unshuffle(x, 1)]
    np.testing.assert_array_equal(x, copy)
    assert not any(np.shares_memory(o, x) for o in outs)


BAD = [
    (lambda: interpolate(np.ones((2, 3, 4)), size=3), r"x must be 4-D .*\(2, 3, 4\)"),
    (lambda: interpolate(np.ones((1, 1, 2, 2)), size=3, mode="bicubic"), r"mode must be one of"),
    (lambda: interpolate(np.ones((1, 1, 2, 2)), size=3, align_corners=True),
     r"align_corners can only be set with mode='bilinear'"),
    (lambda: interpolate(np.ones((1, 1, 2, 2))), r"exactly one of size and scale_factor"),
    (lambda: interpolate(np.ones((1, 1, 2, 2)), size=2, scale_factor=2), r"exactly one"),
    (lambda: interpolate(np.ones((1, 1, 2, 2)), size=(2, 0)), r"size must hold ints >= 1"),
    (lambda: interpolate(np.ones((1, 1, 2, 2)), size=(2, 2, 2)), r"size must be one number or two"),
    (lambda: interpolate(np.ones((1, 1, 2, 2)), scale_factor=-1.0), r"scale_factor must hold positive"),
    (lambda: interpolate(np.ones((1, 1, 2, 2)), scale_factor=0.2), r"leaves no pixel .*\(1, 1, 2, 2\)"),
    (lambda: interpolate(np.ones((1, 1, 2, 2)), size=3, antialias=True), r"antialias=True"),
    (lambda: pixel_shuffle(np.ones((1, 6, 2, 2)), 2), r"6 channels, not divisible by .* 4"),
    (lambda: pixel_shuffle(np.ones((6, 2)), 1), r"at least 3-D .*\(6, 2\)"),
    (lambda: pixel_shuffle(np.ones((1, 4, 2, 2)), 0), r"upscale_factor must be an int >= 1"),
    (lambda: pixel_unshuffle(np.ones((1, 1, 3, 4)), 2), r"\(1, 1, 3, 4\) .*downscale_factor=2"),
    (lambda: checkerboard_strength(np.ones(4), 2), r"y must be at least 2-D"),
    (lambda: checkerboard_strength(np.ones((1, 4)), 2), r"smaller than one period"),
    (lambda: interpolation_matrix(0, 3), r"n_in must be >= 1"),
]


@pytest.mark.parametrize("call,match", BAD)
def test_bad_arguments_raise_value_error_naming_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()

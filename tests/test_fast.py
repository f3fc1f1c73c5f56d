"""convzoo.fast: every way of computing conv2d gives torch's numbers (chapter 9)."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convzoo import fast
from convzoo.convolution import im2col
from convzoo.page import conv_cases
from convzoo.windows import pad

METHODS = [fast.conv2d_im2col, fast.conv2d_shift, fast.conv2d_tensordot, fast.conv2d_fft]
ALL = METHODS + [fast.conv2d_winograd]


def torch_conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    t = torch.from_numpy
    return F.conv2d(t(x), t(weight), None if bias is None else t(bias), stride, padding,
                    dilation, groups).numpy()


def winograd_cases(seed, n):
    """3x3 kernels, stride 1: sizes from 3 (one output) up, odd and even, with groups."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        g = int(rng.integers(1, 4))
        C, K = g * int(rng.integers(1, 4)), g * int(rng.integers(1, 4))
        H, W = (int(v) for v in rng.integers(3, 13, size=2))
        yield dict(x=rng.standard_normal((int(rng.integers(1, 3)), C, H, W)),
                   weight=rng.standard_normal((K, C // g, 3, 3)), bias=rng.standard_normal(K),
                   padding=int(rng.integers(0, 3)), groups=g)


@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.__name__)
def test_each_method_is_torch_conv2d_with_stride_padding_dilation_and_groups(method):
    for case in conv_cases(seed=9, n=120, stride=3, padding=2, dilation=2, groups=3):
        ours, theirs = method(**case), torch_conv2d(**case)
        assert ours.shape == theirs.shape, case["x"].shape
        np.testing.assert_allclose(ours, theirs, atol=1e-11, rtol=0)


def test_winograd_is_torch_conv2d_for_3x3_stride_1_on_odd_and_even_sizes():
    for case in winograd_cases(seed=4, n=120):
        ours, theirs = fast.conv2d_winograd(**case), torch_conv2d(**case)
        assert ours.shape == theirs.shape, case["x"].shape
        np.testing.assert_allclose(ours, theirs, atol=1e-11, rtol=0)


@pytest.mark.parametrize("method", ALL, ids=lambda m: m.__name__)
def test_float32_in_float32_out_within_float32_rounding_of_torch(method):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 16, 20, 20)).astype(np.float32)
    w = rng.standard_normal((8, 16, 3, 3)).astype(np.float32)
    out = method(x, w, padding=1)
    exact = torch_conv2d(x.astype(np.float64), w.astype(np.float64), padding=1)
    assert out.dtype == np.float32
    assert np.abs(out - exact).max() / np.abs(exact).max() < 1e-5


def test_winograds_float32_error_is_of_the_order_of_the_direct_methods():
    # F(2x2, 3x3)'s transforms hold only 0, +-1 and 1/2: its rounding stays near im2col's
    # (measured here: mean 4.7e-6 against 3.9e-6); larger tiles (F(4x4, 3x3)) lose more.
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 64, 28, 28)).astype(np.float32)
    w = rng.standard_normal((16, 64, 3, 3)).astype(np.float32)
    exact = torch_conv2d(x.astype(np.float64), w.astype(np.float64), padding=1)
    error = {m.__name__: np.abs(m(x, w, padding=1) - exact).mean() for m in ALL}
    assert 0 < error["conv2d_winograd"] < 3 * error["conv2d_im2col"]


@pytest.mark.parametrize("method", ALL, ids=lambda m: m.__name__)
def test_unbatched_input_and_inputs_left_unchanged(method):
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((3, 7, 6)), rng.standard_normal((2, 3, 3, 3)), rng.standard_normal(2)
    copies = [a.copy() for a in (x, w, b)]
    out = method(x, w, b, padding=1)
    np.testing.assert_allclose(out, torch_conv2d(x[None], w, b, padding=1)[0], atol=1e-12)
    for a, before in zip((x, w, b), copies):
        assert np.array_equal(a, before)


@pytest.mark.parametrize("method", ALL, ids=lambda m: m.__name__)
def test_channels_that_do_not_match_are_refused_by_name(method):
    with pytest.raises(ValueError, match=r"weight.*\(4, 2, 3, 3\)"):
        method(np.zeros((1, 3, 8, 8)), np.zeros((4, 2, 3, 3)))


@pytest.mark.parametrize("kwargs, match", [
    (dict(weight=np.zeros((2, 3, 5, 5))), r"3x3 kernels only, got weight shape \(2, 3, 5, 5\)"),
    (dict(weight=np.zeros((2, 3, 3, 3)), stride=2), r"stride 1 and dilation 1, got stride=2"),
    (dict(weight=np.zeros((2, 3, 3, 3)), dilation=(1, 2)), r"got stride=1, dilation=\(1, 2\)"),
])
def test_winograd_refuses_what_f2x2_3x3_cannot_compute(kwargs, match):
    with pytest.raises(ValueError, match=match):
        fast.conv2d_winograd(np.zeros((1, 3, 8, 8)), **kwargs)


def test_f23_is_numpys_valid_correlation_for_every_length():
    rng = np.random.default_rng(0)
    for n in range(3, 15):
        d, g = rng.standard_normal(n), rng.standard_normal(3)
        np.testing.assert_allclose(fast.winograd_f23(d, g), np.correlate(d, g, "valid"),
                                   atol=1e-13)


def test_f23_refuses_a_short_signal_or_a_kernel_of_other_length():
    with pytest.raises(ValueError, match=r"got d \(2,\), g \(3,\)"):
        fast.winograd_f23([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"got d \(5,\), g \(4,\)"):
        fast.winograd_f23(np.ones(5), np.ones(4))


def test_the_transforms_compute_two_outputs_from_four_products():
    d, g = np.array([1.0, 2.0, -1.0, 3.0]), np.array([0.5, -2.0, 1.0])
    products = (fast.WINOGRAD_BT @ d) * (fast.WINOGRAD_G @ g)        # the 4 multiplications
    np.testing.assert_allclose(fast.WINOGRAD_AT @ products, np.correlate(d, g, "valid"))
    assert fast.winograd_multiplications(2, 3) == (16, 36)
    assert fast.winograd_multiplications(2, 3, dims=1) == (4, 6)
    assert fast.winograd_multiplications(4, 3) == (36, 144)


@pytest.mark.parametrize("stride, padding, dilation", [(1, 1, 1), (2, 0, 1), (1, "same", 2),
                                                       ((2, 3), (1, 2), 1)])
def test_column_matrix_bytes_is_the_size_of_im2cols_matrix(stride, padding, dilation):
    x, w = np.zeros((2, 6, 13, 11), np.float32), np.zeros((4, 3, 3, 2), np.float32)
    s = (stride, stride) if isinstance(stride, int) else stride
    d = (dilation, dilation)
    if padding == "same":
        pads = [(2, 2), (1, 1)]                      # dilated 5 x 3 kernel, stride 1
    else:
        p = (padding, padding) if isinstance(padding, int) else padding
        pads = [(p[0], p[0]), (p[1], p[1])]
    cols, _ = im2col(pad(x, pads), w.shape[2:], s, d, groups=2)
    assert fast.column_matrix_bytes(x.shape, w.shape, stride, padding, dilation) == cols.nbytes


def test_channels_last_conv_is_torch_conv2d_permuted_with_stride_padding_dilation_groups():
    for case in conv_cases(seed=12, n=80, stride=3, padding=2, dilation=2, groups=3):
        x_nhwc = np.ascontiguousarray(case["x"].transpose(0, 2, 3, 1))
        ours = fast.conv2d_nhwc(**dict(case, x=x_nhwc))
        theirs = torch_conv2d(**case).transpose(0, 2, 3, 1)
        assert ours.shape == theirs.shape, case["x"].shape
        np.testing.assert_allclose(ours, theirs, atol=1e-11, rtol=0)


def test_channels_last_conv_takes_same_padding_float32_and_leaves_its_inputs_alone():
    rng = np.random.default_rng(13)
    x = rng.standard_normal((2, 9, 8, 6)).astype(np.float32)
    w, b = rng.standard_normal((4, 6, 4, 3)).astype(np.float32), np.ones(4, np.float32)
    copies = [a.copy() for a in (x, w, b)]
    out = fast.conv2d_nhwc(x, w, b, padding="same")
    assert out.dtype == np.float32 and out.shape == (2, 9, 8, 4)
    ref = torch_conv2d(x.transpose(0, 3, 1, 2).copy(), w, b, padding="same").transpose(0, 2, 3, 1)
    np.testing.assert_allclose(out, ref, atol=1e-4)
    for a, before in zip((x, w, b), copies):
        assert np.array_equal(a, before)


@pytest.mark.parametrize("x_shape, w_shape, kwargs, match", [
    ((2, 8, 8), (4, 3, 3, 3), {}, r"^x must be 4-D \(N, H, W, C\)"),
    ((2, 8, 8, 5), (4, 3, 3, 3), {}, r"^weight shape \(4, 3, 3, 3\) expects 3 input channels "
                                     r"\(groups=1\), but x shape \(2, 8, 8, 5\) \(N, H, W, C\)"),
    ((2, 8, 8, 6), (4, 3, 3, 3), {"groups": 0}, "groups"),
    ((2, 2, 2, 3), (4, 3, 3, 3), {}, "x"),
])
def test_channels_last_conv_refuses_bad_shapes_by_name(x_shape, w_shape, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fast.conv2d_nhwc(np.zeros(x_shape), np.zeros(w_shape), **kwargs)


def test_attainable_is_the_bandwidth_roof_below_the_ridge_and_the_peak_above():
    peak, bandwidth = 150.0, 12.0                     # the ridge at 12.5 FLOP/byte
    np.testing.assert_allclose(fast.attainable_gflops([1.0, 12.5, 100.0], peak, bandwidth),
                               [12.0, 150.0, 150.0])


@pytest.mark.parametrize("args, match", [((0.0, 1.0, 1.0), "^intensity"),
                                         ((1.0, -2.0, 1.0), "^peak_gflops"),
                                         ((1.0, 1.0, float("inf")), "^bandwidth_gbs")])
def test_attainable_refuses_what_is_not_positive_by_name(args, match):
    with pytest.raises(ValueError, match=match):
        fast.attainable_gflops(*args)

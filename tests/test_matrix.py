"""conv_matrix and conv2d_matrix: y = M x for correlate2d, conv2d and torch; M.T is the
gradient with respect to the input (the transposed convolution)."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convzoo.convolution import conv2d, conv2d_backward
from convzoo.correlation import correlate2d
from convzoo.matrix import conv2d_matrix, conv_matrix, shift_matrix


def random_case(rng):
    """Random shapes, stride, padding, dilation and groups for one image."""
    groups = int(rng.integers(1, 4))
    C, K = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
    kH, kW = rng.integers(1, 4, size=2)
    sh, sw = rng.integers(1, 4, size=2)
    dh, dw = rng.integers(1, 3, size=2)
    ph, pw = rng.integers(0, 3, size=2)
    H = max(1, dh * (kH - 1) + 1 - 2 * ph) + int(rng.integers(0, 5))
    W = max(1, dw * (kW - 1) + 1 - 2 * pw) + int(rng.integers(0, 5))
    x = rng.standard_normal((C, H, W))
    w = rng.standard_normal((K, C // groups, kH, kW))
    kw = dict(stride=(int(sh), int(sw)), padding=(int(ph), int(pw)),
              dilation=(int(dh), int(dw)), groups=groups)
    return x, w, kw


def test_shift_matrix_picks_input_i_times_stride_plus_offset():
    s = shift_matrix(3, 8, offset=1, stride=2)
    np.testing.assert_array_equal(s @ np.arange(8.0), [1, 3, 5])


def test_conv_matrix_times_x_is_valid_correlation_on_random_shapes(rng):
    for _ in range(50):
        k = rng.standard_normal(rng.integers(1, 5, size=2))
        x = rng.standard_normal(k.shape + rng.integers(0, 6, size=2))
        m = conv_matrix(k, x.shape)
        assert m.shape == ((x.shape[0] - k.shape[0] + 1) * (x.shape[1] - k.shape[1] + 1), x.size)
        np.testing.assert_allclose(m @ x.ravel(), correlate2d(x, k, "valid").ravel(),
                                   rtol=1e-12, atol=1e-12)


def test_conv_matrix_is_doubly_blocked_toeplitz():
    k = np.arange(1.0, 7.0).reshape(2, 3)
    H, W = 5, 6
    m = conv_matrix(k, (H, W))
    H_out, W_out = H - 1, W - 2
    blocks = m.reshape(H_out, W_out, H, W).transpose(0, 2, 1, 3)     # block (i, a): (W_out, W)
    for i in range(H_out):
        for a in range(H):
            block = blocks[i, a]
            u = a - i
            expected = np.zeros((W_out, W))
            if 0 <= u < k.shape[0]:
                for v in range(k.shape[1]):
                    expected += k[u, v] * np.eye(W_out, W, v)     # Toeplitz: kernel row u
            np.testing.assert_array_equal(block, expected)


def test_conv2d_matrix_times_x_matches_conv2d_and_torch_on_random_shapes(rng):
    for _ in range(60):
        x, w, kw = random_case(rng)
        m = conv2d_matrix(w, x.shape, **kw)
        expected = F.conv2d(torch.from_numpy(x[None]), torch.from_numpy(w), **kw).numpy()
        assert m.shape == (expected.size, x.size)
        np.testing.assert_allclose(m @ x.ravel(), expected.ravel(), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(m @ x.ravel(), conv2d(x[None], w, **kw).ravel(),
                                   rtol=1e-10, atol=1e-10)


def test_conv2d_matrix_with_same_padding_keeps_the_input_size(rng):
    x = rng.standard_normal((2, 5, 6))
    w = rng.standard_normal((3, 2, 2, 3))
    m = conv2d_matrix(w, x.shape, padding="same")
    expected = F.conv2d(torch.from_numpy(x[None]), torch.from_numpy(w), padding="same")
    assert m.shape == (3 * 5 * 6, x.size)
    np.testing.assert_allclose(m @ x.ravel(), expected.numpy().ravel(), atol=1e-12)


def test_transposed_matrix_is_the_input_gradient_on_random_shapes(rng):
    for _ in range(40):
        x, w, kw = random_case(rng)
        m = conv2d_matrix(w, x.shape, **kw)
        g = rng.standard_normal(m.shape[0])
        out_shape = conv2d(x[None], w, **kw).shape
        grad_x, _, _ = conv2d_backward(g.reshape(out_shape), x[None], w, **kw)
        np.testing.assert_allclose(m.T @ g, grad_x.ravel(), rtol=1e-10, atol=1e-10)
        tx = torch.from_numpy(x[None]).requires_grad_()
        F.conv2d(tx, torch.from_numpy(w), **kw).backward(torch.from_numpy(g.reshape(out_shape)))
        np.testing.assert_allclose(m.T @ g, tx.grad.numpy().ravel(), rtol=1e-10, atol=1e-10)


def test_transposed_matrix_is_conv_transpose2d_on_random_shapes(rng):
    checked = 0
    while checked < 30:
        x, w, kw = random_case(rng)
        m = conv2d_matrix(w, x.shape, **kw)
        out_shape = conv2d(x[None], w, **kw).shape
        # the rows and columns that stride skipped at the end come back as output_padding
        (s, d, p, k) = (kw["stride"], kw["dilation"], kw["padding"], w.shape[2:])
        extra = [n - ((o - 1) * si - 2 * pi + di * (ki - 1) + 1)
                 for n, o, si, di, pi, ki in zip(x.shape[1:], out_shape[2:], s, d, p, k)]
        if any(e >= max(si, di) for e, si, di in zip(extra, s, d)):
            continue                            # not reachable by conv_transpose2d
        g = rng.standard_normal(m.shape[0])
        t = F.conv_transpose2d(torch.from_numpy(g.reshape(out_shape)), torch.from_numpy(w),
                               stride=s, padding=p, output_padding=tuple(extra),
                               groups=kw["groups"], dilation=d)
        np.testing.assert_allclose(m.T @ g, t.numpy().ravel(), rtol=1e-10, atol=1e-10)
        checked += 1


def test_one_by_one_input_and_kernel_equal_to_input():
    m = conv_matrix(np.array([[3.0]]), (1, 1))
    np.testing.assert_array_equal(m, [[3.0]])
    k = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(conv_matrix(k, (2, 3)), k.reshape(1, 6))


@pytest.mark.parametrize("call, words", [
    (lambda: conv_matrix(np.ones((3,)), (4, 4)), ["k", "(3,)"]),
    (lambda: conv_matrix(np.ones((3, 3)), (2, 5)), ["kernel (3, 3)", "(1, 1, 2, 5)"]),
    (lambda: conv_matrix(np.ones((2, 2)), (4,)), ["input_shape", "(4,)"]),
    (lambda: conv2d_matrix(np.ones((2, 3, 1, 1)), (4, 5, 5)), ["weight shape (2, 3, 1, 1)",
                                                                 "input_shape (4, 5, 5)"]),
    (lambda: conv2d_matrix(np.ones((2, 2, 1, 1)), (4, 5, 5), groups=3), ["groups=3"]),
    (lambda: conv2d_matrix(np.ones((2, 1, 1, 1)), (1, 5, 5), stride=0), ["stride"]),
])
def test_bad_input_raises_value_error_naming_argument_and_shapes(call, words):
    with pytest.raises(ValueError) as error:
        call()
    for word in words:
        assert word in str(error.value)

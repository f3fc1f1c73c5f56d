"""Ways to compute conv2d fast, each giving torch's numbers. Chapter: computing convolution fast.

Every function takes conv2d's arguments in torch's order and returns what conv2d returns:

conv2d_im2col    every window as a column of one matrix, then one GEMM per group
conv2d_flat      stride 1: the same, each column-matrix row one contiguous run of the input
conv2d_shift     shift-and-accumulate: one GEMM per kernel tap, no column matrix
conv2d_tensordot the sliding-window view contracted with the kernel (no copy made by us)
conv2d_fft       spectra multiplied: the circular correlation theorem (stride 1 at heart)
conv2d_winograd  Winograd's F(2x2, 3x3): 16 multiplications per 2x2 output tile, not 36
conv2d_nhwc      im2col + GEMM on channels-last input (N, H, W, C), output channels-last

and the bookkeeping the chapter counts with: column_matrix_bytes, winograd_f23 (1-D F(2, 3)),
the transform matrices WINOGRAD_BT, WINOGRAD_G, WINOGRAD_AT, winograd_multiplications, and
the roofline's attainable_gflops.
"""
import itertools

import numpy as np

from numpy.lib.stride_tricks import as_strided

from .checks import as_float_array, check_ndim, conv_arguments, is_int, result_dtype
from .convolution import _conv
from .cost import conv2d_output_size
from .windows import output_shape, pad, sliding_windows, tap_slices


def _arguments(x, weight, bias, stride, padding, dilation, groups):
    """The checked arguments, the padded input in the result's dtype and the output size."""
    x, weight, bias, stride, pads, dilation, unbatched = conv_arguments(
        x, weight, bias, stride, padding, dilation, groups, dims=2)
    dtype = result_dtype(x, weight, bias)
    xp = pad(x.astype(dtype, copy=False), pads)
    weight = weight.astype(dtype, copy=False)
    out_size = output_shape(xp.shape[2:], weight.shape[2:], stride, dilation)
    return xp, weight, bias, stride, dilation, out_size, unbatched, dtype


def _finish(out, bias, unbatched, dtype):
    """Add the bias (N, K, H, W) and drop the batch axis the input came without."""
    out = np.ascontiguousarray(out, dtype=dtype)
    if bias is not None:
        out += bias.astype(dtype, copy=False)[:, None, None]
    return out[0] if unbatched else out


# ----------------------------------------------------------------------------- im2col + GEMM


def conv2d_im2col(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """im2col + GEMM, as convzoo's conv2d computes it (convolution._conv, chapter 1):
    columns (G, C/G kH kW, N H_out W_out), weight rows (G, K/G, C/G kH kW), one GEMM per
    group. As torch.nn.functional.conv2d."""
    return _conv(x, weight, bias, stride, padding, dilation, groups, dims=2, method="im2col")


def conv2d_flat(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Stride 1: im2col from the flattened padded image, a few images at a time, where each
    row of the column matrix is one contiguous run (convolution.im2col_flat); what
    convzoo's conv2d computes for depthwise layers at stride 1. As
    torch.nn.functional.conv2d."""
    return _conv(x, weight, bias, stride, padding, dilation, groups, dims=2, method="flat")


def column_matrix_bytes(x_shape, weight_shape, stride=1, padding=0, dilation=1, itemsize=4):
    """Bytes of im2col's column matrix, C kH kW rows by N H_out W_out columns (any groups):
    about kH kW / (s_H s_W) times the input's N C H W."""
    N, C, H, W = x_shape
    kernel_size = tuple(weight_shape[2:])
    H_out, W_out = conv2d_output_size((H, W), kernel_size, stride, padding, dilation)
    return C * int(np.prod(kernel_size)) * N * H_out * W_out * itemsize


# ----------------------------------------------------------------------------- shift and accumulate


def conv2d_shift(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Shift-and-accumulate: out += weight[:, :, u, v] @ (x shifted by tap (u, v)), one
    (K/G, C/G) x (C/G, N H_out W_out) GEMM per tap, with no column matrix kept (each shifted
    input is copied once, one tap at a time)."""
    xp, weight, bias, stride, dilation, out_size, unbatched, dtype = _arguments(
        x, weight, bias, stride, padding, dilation, groups)
    N, C = xp.shape[:2]
    K, _, kH, kW = weight.shape
    w = weight.reshape(groups, K // groups, C // groups, kH, kW)
    xc = xp.transpose(1, 0, 2, 3)                                     # (C, N, H, W): a view
    out = np.zeros((groups, K // groups, N * int(np.prod(out_size))), dtype)
    for tap in itertools.product(range(kH), range(kW)):
        shifted = xc[(slice(None), slice(None)) + tap_slices(tap, out_size, stride, dilation)]
        shifted = shifted.reshape(groups, C // groups, -1)           # a copy: strided rows
        out += np.matmul(w[:, :, :, tap[0], tap[1]], shifted)        # (G, K/G, N P)
    out = out.reshape((K, N) + out_size).swapaxes(0, 1)
    return _finish(out, bias, unbatched, dtype)


# ----------------------------------------------------------------------------- window view


def conv2d_tensordot(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """The sliding-window view (N, C, H_out, W_out, kH, kW) contracted with the weight over
    (C, kH, kW), one np.tensordot per group (NumPy copies the view into a matrix inside)."""
    xp, weight, bias, stride, dilation, out_size, unbatched, dtype = _arguments(
        x, weight, bias, stride, padding, dilation, groups)
    windows = sliding_windows(xp, weight.shape[2:], stride, dilation)
    C_g, K_g = xp.shape[1] // groups, weight.shape[0] // groups
    parts = [np.tensordot(windows[:, g * C_g:(g + 1) * C_g],
                          weight[g * K_g:(g + 1) * K_g], axes=([1, 4, 5], [1, 2, 3]))
             for g in range(groups)]                                  # each (N, H_out, W_out, K/G)
    out = np.concatenate(parts, axis=3).transpose(0, 3, 1, 2)
    return _finish(out, bias, unbatched, dtype)


# ----------------------------------------------------------------------------- FFT


def conv2d_fft(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Correlation by the FFT: out[n, k] = irfft2(sum_c rfft2(x[n, c]) conj(rfft2(w[k, c]))),
    the circular correlation over the padded size, which wraps nowhere the output reads.
    Dilation dilates the kernel; stride keeps every s-th output of the stride-1 result."""
    xp, weight, bias, stride, dilation, out_size, unbatched, dtype = _arguments(
        x, weight, bias, stride, padding, dilation, groups)
    N, C, Hp, Wp = xp.shape
    K, C_g, kH, kW = weight.shape
    dilated = np.zeros((K, C_g, dilation[0] * (kH - 1) + 1, dilation[1] * (kW - 1) + 1), dtype)
    dilated[:, :, ::dilation[0], ::dilation[1]] = weight
    X = np.fft.rfft2(xp, s=(Hp, Wp))                                  # (N, C, Hp, Wp//2+1)
    Wf = np.conj(np.fft.rfft2(dilated, s=(Hp, Wp)))                   # (K, C/G, Hp, Wp//2+1)
    freqs = X.shape[2:]
    X = X.reshape(N, groups, C_g, -1).transpose(3, 1, 0, 2)           # (F, G, N, C/G)
    Wf = Wf.reshape(groups, K // groups, C_g, -1).transpose(3, 0, 2, 1)   # (F, G, C/G, K/G)
    Y = np.matmul(X, Wf)                                              # (F, G, N, K/G)
    Y = Y.transpose(2, 1, 3, 0).reshape((N, K) + freqs)
    full = np.fft.irfft2(Y, s=(Hp, Wp))                               # stride-1 correlation
    H_out, W_out = out_size
    out = full[:, :, :stride[0] * (H_out - 1) + 1:stride[0], :stride[1] * (W_out - 1) + 1:stride[1]]
    return _finish(out, bias, unbatched, dtype)


# ----------------------------------------------------------------------------- Winograd

# Lavin & Gray (2016), F(2, 3): y = A^T [(G g) * (B^T d)] for a 4-sample tile d and 3 taps g.
WINOGRAD_BT = np.array([[1, 0, -1, 0],
                        [0, 1, 1, 0],
                        [0, -1, 1, 0],
                        [0, 1, 0, -1]], dtype=float)
WINOGRAD_G = np.array([[1, 0, 0],
                       [0.5, 0.5, 0.5],
                       [0.5, -0.5, 0.5],
                       [0, 0, 1]])
WINOGRAD_AT = np.array([[1, 1, 1, 0],
                        [0, 1, -1, -1]], dtype=float)


def winograd_multiplications(m, r, dims=2):
    """(Winograd F(m, r), direct) multiplications for one output tile of m^dims outputs of an
    r^dims kernel: (m + r - 1)^dims against m^dims r^dims (16 against 36 for F(2x2, 3x3))."""
    return (m + r - 1) ** dims, m ** dims * r ** dims


def winograd_f23(d, g):
    """1-D correlation of a signal d (n,) with 3 taps g (3,), n - 2 outputs, by F(2, 3):
    each tile of 4 samples (tiles 2 apart) gives 2 outputs from 4 multiplications."""
    d, g = np.asarray(d, dtype=float), np.asarray(g, dtype=float)
    if d.ndim != 1 or g.shape != (3,) or d.size < 3:
        raise ValueError(f"winograd_f23 needs d of shape (n,) with n >= 3 and g of shape (3,), "
                         f"got d {d.shape}, g {g.shape}")
    n_out = d.size - 2
    tiles = -(-n_out // 2)
    padded = np.zeros(2 * tiles + 2)
    padded[:d.size] = d
    windows = np.lib.stride_tricks.sliding_window_view(padded, 4)[::2]   # (tiles, 4)
    m = (windows @ WINOGRAD_BT.T) * (WINOGRAD_G @ g)                 # 4 products per tile
    return (m @ WINOGRAD_AT.T).reshape(-1)[:n_out]


def _sandwich(A, t):
    """A t A^T for every (m, m) slice of t: t (m, m, *rest) -> (a, a, *rest) for A (a, m),
    as two matrix products (BLAS): A times t's rows, then A times the columns of that."""
    a, m = A.shape
    rows = np.matmul(A, t.reshape(m, -1)).reshape(a, m, -1)        # (A t)[i, j, ...]
    return np.matmul(A, rows).reshape((a, a) + t.shape[2:])        # (A t A^T)[i, l, ...]


def conv2d_winograd(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """conv2d of 3x3 kernels, stride 1, dilation 1 by Winograd F(2x2, 3x3):
    U = G g G^T per filter and channel, V = B^T d B per 4x4 input tile d (tiles 2 apart),
    M = sum_c U V (16 GEMMs, one per position in the tile), output tile Y = A^T M A (2x2)."""
    weight_shape = np.shape(weight)
    if len(weight_shape) != 4 or weight_shape[2:] != (3, 3):
        raise ValueError(f"conv2d_winograd computes 3x3 kernels only, got weight shape "
                         f"{weight_shape}")
    if stride not in (1, (1, 1)) or dilation not in (1, (1, 1)):
        raise ValueError(f"conv2d_winograd needs stride 1 and dilation 1, got stride={stride!r}, "
                         f"dilation={dilation!r}")
    xp, weight, bias, _, _, (H_out, W_out), unbatched, dtype = _arguments(
        x, weight, bias, stride, padding, dilation, groups)
    N, C = xp.shape[:2]
    K = weight.shape[0]
    C_g, K_g = C // groups, K // groups
    tiles_h, tiles_w = -(-H_out // 2), -(-W_out // 2)
    # pad on the bottom and right so that every tile is whole; those outputs are cut off
    xp = np.pad(xp, [(0, 0), (0, 0), (0, 2 * tiles_h + 2 - xp.shape[2]),
                     (0, 2 * tiles_w + 2 - xp.shape[3])])
    BT, G, AT = (m.astype(dtype) for m in (WINOGRAD_BT, WINOGRAD_G, WINOGRAD_AT))
    U = _sandwich(G, weight.transpose(2, 3, 0, 1))                 # (4, 4, K, C/G)
    sN, sC, sH, sW = xp.strides
    d = as_strided(xp, (4, 4, C, N, tiles_h, tiles_w), (sH, sW, sC, sN, 2 * sH, 2 * sW),
                   writeable=False)                                # d[u, v, c, n, i, j]: a view
    V = _sandwich(BT, d)                                           # (4, 4, C, N, th, tw)
    M = np.matmul(U.reshape(16, groups, K_g, C_g),                # 16 GEMMs, summing over c
                  V.reshape(16, groups, C_g, N * tiles_h * tiles_w))
    Y = _sandwich(AT, M.reshape(4, 4, K, N, tiles_h, tiles_w))     # (2, 2, K, N, th, tw)
    out = Y.transpose(3, 2, 4, 0, 5, 1).reshape(N, K, 2 * tiles_h, 2 * tiles_w)
    return _finish(out[:, :, :H_out, :W_out], bias, unbatched, dtype)


# ----------------------------------------------------------------------------- layout


def conv2d_nhwc(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """im2col + GEMM on channels-last input: x (N, H, W, C), weight in torch's layout
    (K, C/G, kH, kW) -> (N, H_out, W_out, K). The columns run in (u, v, c) order, so each
    window is kH runs of kW C numbers that lie side by side in memory (dilation 1), and the
    product cols @ w^T is already channels-last: no copy of the output is needed."""
    x = as_float_array("x", x)
    check_ndim("x", x, 4, "(N, H, W, C)")
    w_shape = np.shape(weight)
    if is_int(groups) and groups >= 1 and len(w_shape) == 4 and w_shape[1] * groups != x.shape[3]:
        raise ValueError(f"weight shape {w_shape} expects {w_shape[1] * groups} input channels "
                         f"(groups={groups}), but x shape {x.shape} (N, H, W, C) has {x.shape[3]}")
    _, weight, bias, stride, pads, dilation, _ = conv_arguments(
        x.transpose(0, 3, 1, 2), weight, bias, stride, padding, dilation, groups, dims=2)
    dtype = result_dtype(x, weight, bias)
    xp = np.pad(x.astype(dtype, copy=False), [(0, 0), *pads, (0, 0)])
    N, Hp, Wp, C = xp.shape
    K, C_g, kH, kW = weight.shape
    H_out, W_out = output_shape((Hp, Wp), (kH, kW), stride, dilation)
    sn, sh, sw, sc = xp.strides
    windows = as_strided(xp, (N, H_out, W_out, kH, kW, C),             # a view, no copy
                         (sn, sh * stride[0], sw * stride[1], sh * dilation[0],
                          sw * dilation[1], sc), writeable=False)
    K_g = K // groups
    out = np.empty((N, H_out, W_out, K), dtype)
    for g in range(groups):
        cols = windows[..., g * C_g:(g + 1) * C_g].reshape(N * H_out * W_out, -1)  # the copy
        w = weight[g * K_g:(g + 1) * K_g].astype(dtype, copy=False)
        w = w.transpose(0, 2, 3, 1).reshape(K_g, -1)                    # (K/G, kH kW C/G)
        out[..., g * K_g:(g + 1) * K_g] = (cols @ w.T).reshape(N, H_out, W_out, K_g)
    if bias is not None:
        out += bias.astype(dtype, copy=False)
    return out


# ----------------------------------------------------------------------------- roofline


def attainable_gflops(intensity, peak_gflops, bandwidth_gbs):
    """The roofline: min(peak, intensity x bandwidth) GFLOP/s for a kernel doing `intensity`
    FLOPs per byte it moves, on a machine of peak_gflops and bandwidth_gbs (GB/s)."""
    intensity = np.asarray(intensity, dtype=float)
    for name, value in (("intensity", intensity), ("peak_gflops", peak_gflops),
                        ("bandwidth_gbs", bandwidth_gbs)):
        if not np.all(np.isfinite(value)) or np.any(np.asarray(value) <= 0):
            raise ValueError(f"{name} must be positive and finite, got {value!r}")
    return np.minimum(peak_gflops, intensity * bandwidth_gbs)

"""Deformable convolution v1 and v2 as torchvision.ops.deform_conv2d computes them.

Chapter: deformable convolution. Each kernel tap (u, v) of each output pixel (i, j) reads
the input not on the grid but at a learned real-valued point, moved by an offset (dy, dx),
sampled bilinearly, and (v2) scaled by a modulation mask m:

    y[n, k, i, j] = bias[k] + sum_c sum_{u,v} m * w[k, c, u, v]
                    * bilinear(x[n, g*C_g + c], i*s - p + u*d + dy, j*s - p + v*d + dx)

where (dy, dx) and m belong to the offset group of the input channel and to tap (u, v).
offset (N, 2*G_off*kH*kW, H_out, W_out) holds (dy, dx) interleaved per tap in row-major tap
order; mask (N, G_off*kH*kW, H_out, W_out) multiplies the sample (no sigmoid). mask=None is
v1. bilinear reads zeros outside the image.

The loop version reads like the formula. The fast version replaces the loops over n, c,
u, v, i, j with one gather of the four bilinear corners of every sampling point
(deform_im2col), giving the same columns (C*kH*kW, N*H_out*W_out) as
convzoo.convolution.im2col, then one matrix multiply per weight group.
split_offset / join_offset unpack and pack the offset layout, sampling_points gives where
every tap reads, bilinear_gradient the derivative of one sample along y and x.
"""
import math

import numpy as np

from .checks import as_float_array, check_bias, check_fits, check_ndim, ints_at_least, result_dtype
from .windows import output_shape, pad

OFFSET_LAYOUT = "(N, 2*offset_groups*kH*kW, H_out, W_out)"
MASK_LAYOUT = "(N, offset_groups*kH*kW, H_out, W_out)"


# ----------------------------------------------------------------------------- arguments


def deform_conv2d_arguments(x, offset, weight, bias, stride, padding, dilation, mask):
    """Check and normalise deform_conv2d's arguments (torchvision's conventions), raising
    ValueError naming the argument and the shapes. Returns x, offset, weight, bias, mask,
    stride, padding, dilation, weight groups, offset groups, (H_out, W_out)."""
    x = as_float_array("x", x)
    offset = as_float_array("offset", offset)
    weight = as_float_array("weight", weight)
    check_ndim("x", x, 4, "(N, C_in, H, W)")
    check_ndim("offset", offset, 4, OFFSET_LAYOUT)
    check_ndim("weight", weight, 4, "(C_out, C_in/groups, kH, kW)")
    if mask is not None:
        mask = as_float_array("mask", mask)
        check_ndim("mask", mask, 4, MASK_LAYOUT)
    N, C, H, W = x.shape
    K, C_g, kH, kW = weight.shape
    if min(C_g, kH, kW) < 1:
        raise ValueError(f"weight shape {weight.shape} is empty (no input channels or no taps)")
    if H < 1 or W < 1:
        raise ValueError(f"x shape {x.shape} has an empty image")
    if C == 0 or C % C_g:
        raise ValueError(f"x has {C} channels (shape {x.shape}), not divisible by the "
                         f"{C_g} input channels per group of weight {weight.shape}")
    groups = C // C_g
    if K % groups:
        raise ValueError(f"weight shape {weight.shape} has {K} output channels, not divisible "
                         f"by groups={groups} (= {C} channels of x {x.shape} / {C_g})")
    taps = kH * kW
    if offset.shape[1] % (2 * taps) or offset.shape[1] == 0:
        raise ValueError(f"offset must have 2*offset_groups*kH*kW channels {OFFSET_LAYOUT}, "
                         f"a positive multiple of {2 * taps} for weight {weight.shape}, "
                         f"got offset shape {offset.shape}")
    offset_groups = offset.shape[1] // (2 * taps)
    if C % offset_groups:
        raise ValueError(f"x has {C} channels (shape {x.shape}), not divisible by the "
                         f"{offset_groups} offset groups of offset {offset.shape}")
    bias = check_bias(bias, K, weight.shape)
    stride = ints_at_least("stride", stride, 2, 1)
    padding = ints_at_least("padding", padding, 2, 0)
    dilation = ints_at_least("dilation", dilation, 2, 1)
    check_fits(x.shape, [(p, p) for p in padding], (kH, kW), dilation)
    out_size = output_shape((H + 2 * padding[0], W + 2 * padding[1]), (kH, kW), stride,
                            dilation)
    if offset.shape[0] != N or offset.shape[2:] != out_size:
        raise ValueError(f"offset must have shape {(N, offset.shape[1]) + out_size} "
                         f"{OFFSET_LAYOUT} for x {x.shape} and weight {weight.shape}, "
                         f"got {offset.shape}")
    if mask is not None and mask.shape != (N, offset_groups * taps) + out_size:
        raise ValueError(f"mask must have shape {(N, offset_groups * taps) + out_size} "
                         f"{MASK_LAYOUT} for offset {offset.shape} and weight {weight.shape}, "
                         f"got {mask.shape}")
    return (x, offset, weight, bias, mask, stride, padding, dilation, groups, offset_groups,
            out_size)


# ----------------------------------------------------------------------------- layout


def _offset_taps(name, offset, kernel_size):
    """offset checked as 4-D with a positive multiple of 2*kH*kW channels; (kH, kW)."""
    offset = as_float_array(name, offset)
    check_ndim(name, offset, 4, OFFSET_LAYOUT)
    kH, kW = ints_at_least("kernel_size", kernel_size, 2, 1)
    if offset.shape[1] == 0 or offset.shape[1] % (2 * kH * kW):
        raise ValueError(f"{name} must have 2*offset_groups*kH*kW channels {OFFSET_LAYOUT}, a "
                         f"positive multiple of {2 * kH * kW} for kernel_size {(kH, kW)}, got "
                         f"{name} shape {offset.shape}")
    return offset, (kH, kW)


def split_offset(offset, kernel_size):
    """torchvision's offset (N, 2*G*kH*kW, H_out, W_out) -> (dy, dx), each (N, G, kH, kW,
    H_out, W_out), views of it. Channel 2*t is dy and channel 2*t + 1 is dx of tap
    t = g*kH*kW + u*kW + v: offset group g, then the taps in row-major order.
    Chapter: deformable convolution."""
    return _split(*_offset_taps("offset", offset, kernel_size))


def _split(offset, kernel_size):
    kH, kW = kernel_size
    N, channels, H_out, W_out = offset.shape
    pairs = offset.reshape(N, channels // (2 * kH * kW), kH, kW, 2, H_out, W_out)
    return pairs[:, :, :, :, 0], pairs[:, :, :, :, 1]


def join_offset(dy, dx):
    """dy, dx (N, G, kH, kW, H_out, W_out) -> torchvision's offset (N, 2*G*kH*kW, H_out,
    W_out), (dy, dx) interleaved per tap: the inverse of split_offset.
    Chapter: deformable convolution."""
    dy, dx = as_float_array("dy", dy), as_float_array("dx", dx)
    check_ndim("dy", dy, 6, "(N, G, kH, kW, H_out, W_out)")
    if dx.shape != dy.shape:
        raise ValueError(f"dx must have the shape of dy {dy.shape}, got {dx.shape}")
    N, G, kH, kW, H_out, W_out = dy.shape
    return np.stack([dy, dx], axis=4).reshape(N, 2 * G * kH * kW, H_out, W_out)


def _points(dy, dx, stride, padding, dilation):
    """(py, px) = the grid point of each tap plus its offset, shaped like dy and dx."""
    kH, kW, H_out, W_out = dy.shape[2:]
    grid_y = np.arange(kH)[:, None, None, None] * dilation[0] \
        + (np.arange(H_out) * stride[0] - padding[0])[None, None, :, None]
    grid_x = np.arange(kW)[None, :, None, None] * dilation[1] \
        + (np.arange(W_out) * stride[1] - padding[1])[None, None, None, :]
    return grid_y.astype(dy.dtype) + dy, grid_x.astype(dx.dtype) + dx


def sampling_points(offset, kernel_size, stride=1, padding=0, dilation=1):
    """Where every tap reads: offset (N, 2*G*kH*kW, H_out, W_out) -> (py, px), each (N, G,
    kH, kW, H_out, W_out): tap (u, v) of output (i, j) reads the input at
    (i*s - p + u*d + dy, j*s - p + v*d + dx). Chapter: deformable convolution."""
    offset, kernel_size = _offset_taps("offset", offset, kernel_size)
    stride = ints_at_least("stride", stride, 2, 1)
    padding = ints_at_least("padding", padding, 2, 0)
    dilation = ints_at_least("dilation", dilation, 2, 1)
    dy, dx = _split(offset.astype(result_dtype(offset), copy=False), kernel_size)
    return _points(dy, dx, stride, padding, dilation)


# ----------------------------------------------------------------------------- loops


def _corners(image, y0, x0):
    """The pixels at (y0, x0), (y0, x0 + 1), (y0 + 1, x0), (y0 + 1, x0 + 1); 0 outside."""
    H, W = image.shape
    return [image[r, c] if 0 <= r < H and 0 <= c < W else 0.0
            for r in (y0, y0 + 1) for c in (x0, x0 + 1)]


def bilinear(image, y, x):
    """image (H, W) sampled at the real point (y, x) -> a scalar, zero outside the image
    (torchvision's rule). Chapter: deformable convolution."""
    # 0 if y <= -1, y >= H, x <= -1 or x >= W; otherwise the four neighbouring pixels
    # weighted by closeness, a neighbour outside the image counting as 0.
    H, W = image.shape
    if y <= -1 or y >= H or x <= -1 or x >= W:
        return 0.0
    y0, x0 = math.floor(y), math.floor(x)
    ly, lx = y - y0, x - x0                       # how far past the top-left neighbour
    top_left, top_right, bottom_left, bottom_right = _corners(image, y0, x0)
    top = (1 - lx) * top_left + lx * top_right
    bottom = (1 - lx) * bottom_left + lx * bottom_right
    return (1 - ly) * top + ly * bottom


def bilinear_gradient(image, y, x):
    """The derivatives of bilinear(image, y, x) along y and x -> (d/dy, d/dx), zero outside
    the image. At an integer coordinate, where bilinear has a kink, it is the derivative
    from the right (the cell that floor picks), as torchvision's backward takes it.
    Chapter: deformable convolution."""
    # At y = -1 (or x = -1) the sample is 0, but not its derivative from the right.
    H, W = image.shape
    if y < -1 or y >= H or x < -1 or x >= W:
        return 0.0, 0.0
    y0, x0 = math.floor(y), math.floor(x)
    ly, lx = y - y0, x - x0
    top_left, top_right, bottom_left, bottom_right = _corners(image, y0, x0)
    top = (1 - lx) * top_left + lx * top_right
    bottom = (1 - lx) * bottom_left + lx * bottom_right
    left = (1 - ly) * top_left + ly * bottom_left
    right = (1 - ly) * top_right + ly * bottom_right
    return bottom - top, right - left       # linear in ly (in lx) between the two rows (columns)


def deform_conv2d_loop(x, offset, weight, bias=None, stride=1, padding=0, dilation=1,
                       mask=None):
    """Deformable convolution as its formula: x (N, C, H, W), offset (N, 2*G_off*kH*kW,
    H_out, W_out), weight (K, C/groups, kH, kW), mask (N, G_off*kH*kW, H_out, W_out) or None
    -> (N, K, H_out, W_out). Chapter: deformable convolution."""
    (x, offset, weight, bias, mask, (sh, sw), (ph, pw), (dh, dw), groups, offset_groups,
     (H_out, W_out)) = deform_conv2d_arguments(x, offset, weight, bias, stride, padding,
                                               dilation, mask)
    N, C = x.shape[:2]
    K, C_g, kH, kW = weight.shape
    K_g, C_off = K // groups, C // offset_groups
    out = np.zeros((N, K, H_out, W_out), result_dtype(x, offset, weight, bias, mask))
    for n in range(N):
        for k in range(K):
            g = k // K_g                                  # the weight group of channel k
            for i in range(H_out):
                for j in range(W_out):
                    total = 0.0 if bias is None else bias[k]
                    for c in range(C_g):
                        channel = g * C_g + c             # the input channel it reads
                        for u in range(kH):
                            for v in range(kW):
                                t = (channel // C_off) * kH * kW + u * kW + v
                                dy, dx = offset[n, 2 * t, i, j], offset[n, 2 * t + 1, i, j]
                                m = 1.0 if mask is None else mask[n, t, i, j]
                                total += m * weight[k, c, u, v] * bilinear(
                                    x[n, channel], i * sh - ph + u * dh + dy,
                                    j * sw - pw + v * dw + dx)
                    out[n, k, i, j] = total
    return out


# ----------------------------------------------------------------------------- fast


def _sampling(offset, mask, image_size, kernel_size, stride, padding, dilation, dtype):
    """Where every tap of every output pixel reads: the four bilinear corners and weights.

    Returns (corner, factors, mask) for the sampling points p[n, g, t, i, j] (g the offset
    group, t the tap), laid out (G_off, kH*kW, N, H_out*W_out) like the columns:
      corner  flat index of the top-left neighbour in an image padded by one zero pixel
              on each side, (H+2)*(W+2) long; the other three are +1, +(W+2), +(W+2)+1;
      factors (1-ly, ly, 1-lx, lx), zero for points with no neighbour in the image;
      mask    the modulation (ones for v1).
    """
    H, W = image_size
    kH, kW = kernel_size
    N, H_out, W_out = offset.shape[0], offset.shape[2], offset.shape[3]
    G_off = offset.shape[1] // (2 * kH * kW)
    dy, dx = _split(offset.astype(dtype, copy=False), kernel_size)
    # (N, G_off, kH, kW, H_out, W_out) -> (G_off, kH, kW, N, H_out, W_out): the columns' order
    py, px = (p.transpose(1, 2, 3, 0, 4, 5) for p in _points(dy, dx, stride, padding, dilation))
    y0, x0 = np.floor(py), np.floor(px)
    # A point has a neighbour in the image iff -1 <= floor <= size - 1. Outside that,
    # every weight is zero and the corner index points at the padding. NaN points keep
    # NaN weights (torchvision crashes on them) but a safe index.
    inside = (y0 >= -1) & (y0 <= H - 1) & (x0 >= -1) & (x0 <= W - 1)
    outside = (y0 < -1) | (y0 > H - 1) | (x0 < -1) | (x0 > W - 1)
    with np.errstate(invalid="ignore"):                 # inf - inf at infinite offsets
        ly, lx = py - y0, px - x0
        corner = np.where(inside, (y0 + 1) * (W + 2) + (x0 + 1), 0).astype(np.intp)
    # C order everywhere below, so that the gathers and the GEMM run on contiguous data
    shape = (G_off, kH * kW, N, H_out * W_out)
    factors = [np.ascontiguousarray(np.where(outside, 0, f), dtype).reshape(shape)
               for f in (1 - ly, ly, 1 - lx, lx)]
    corner = np.ascontiguousarray(corner).reshape(shape)
    if mask is None:
        mask = np.ones(1, dtype)
    else:
        mask = np.ascontiguousarray(mask.reshape(N, G_off, kH * kW, H_out * W_out)
                                    .transpose(1, 2, 0, 3), dtype)
    return corner, factors, mask


def _neighbours(x, corner):
    """Where the four bilinear neighbours of every sampling point sit, for every channel.

    x (N, C, H, W), corner (G_off, T, N, P) -> (flat, index, shifts): flat is x padded by
    one zero pixel and flattened, index (G_off, C/G_off, T, N, P) the flat position of each
    top-left neighbour, and neighbour q of the four is flat[index + shifts[q]]. Indexing
    with it replaces the loops over n, c, u, v, i, j of the loop version.
    """
    N, C, H, W = x.shape
    G_off = corner.shape[0]
    flat = pad(x, [(1, 1), (1, 1)]).reshape(-1)
    image = (np.arange(N)[:, None] * C + np.arange(C).reshape(G_off, -1, 1, 1, 1)) \
        * ((H + 2) * (W + 2))
    return flat, image + corner[:, None], (0, 1, W + 2, W + 3)


def _neighbour_values(flat, index, shifts):
    """The values of the four neighbours in turn, (G_off, C/G_off, T, N, P) each.

    One buffer is reused: use each before asking for the next.
    """
    value = np.empty(index.shape, flat.dtype)
    for shift in shifts:
        # mode="clip" only so that take writes straight into out; index is always valid
        yield np.take(flat[shift:], index, out=value, mode="clip")


def _corner_weights(factors):
    """Bilinear weights of the four neighbours, in the order of the shifts."""
    hy, ly, hx, lx = factors
    return hy * hx, hy * lx, ly * hx, ly * lx


def deform_im2col(x, offset, kernel_size, stride, padding, dilation, groups, mask=None):
    """The columns of a deformable convolution, as convzoo.convolution.im2col's:
    (groups, C/groups * kH*kW, N * H_out*W_out), row c*kH*kW + tap, column n*H_out*W_out +
    pixel, each entry mask * bilinear sample. Arguments as deform_conv2d_arguments returns
    them. Replaces the loops over n, c, u, v, i, j of the loop version with gathers."""
    dtype = result_dtype(x, offset, mask)
    corner, factors, m = _sampling(offset, mask, x.shape[2:], kernel_size, stride, padding,
                                   dilation, dtype)
    flat, index, shifts = _neighbours(x.astype(dtype, copy=False), corner)
    cols = np.zeros(index.shape, dtype)                  # (G_off, C/G_off, T, N, P)
    for value, weight_q in zip(_neighbour_values(flat, index, shifts),
                               _corner_weights(factors)):
        value *= (m * weight_q)[:, None]
        cols += value
    rows = x.shape[1] // groups * kernel_size[0] * kernel_size[1]       # C/groups * kH * kW
    return cols.reshape(groups, rows, x.shape[0] * index.shape[-1])


def deform_conv2d(x, offset, weight, bias=None, stride=1, padding=0, dilation=1, mask=None):
    """As torchvision.ops.deform_conv2d: x (N, C, H, W), offset (N, 2*G_off*kH*kW, H_out,
    W_out), weight (K, C/groups, kH, kW), mask (N, G_off*kH*kW, H_out, W_out) or None (v1)
    -> (N, K, H_out, W_out). Chapter: deformable convolution."""
    (x, offset, weight, bias, mask, stride, padding, dilation, groups, _, out_size) = \
        deform_conv2d_arguments(x, offset, weight, bias, stride, padding, dilation, mask)
    dtype = result_dtype(x, offset, weight, bias, mask)
    cols = deform_im2col(x.astype(dtype, copy=False), offset, weight.shape[2:], stride,
                         padding, dilation, groups, mask)
    N, K = x.shape[0], weight.shape[0]
    w = weight.astype(dtype, copy=False).reshape(groups, K // groups, cols.shape[1])
    out = np.matmul(w, cols).reshape((K, N) + out_size)     # one GEMM per weight group
    out = np.ascontiguousarray(np.swapaxes(out, 0, 1))
    if bias is not None:
        out += bias.astype(dtype, copy=False)[:, None, None]
    return out


# ----------------------------------------------------------------------------- backward


def deform_conv2d_backward(grad_out, x, offset, weight, stride=1, padding=0, dilation=1,
                           mask=None):
    """Gradients of deform_conv2d by hand: grad_out (N, K, H_out, W_out) -> (grad_x,
    grad_offset, grad_mask, grad_weight, grad_bias), each shaped like its input; grad_mask
    is None when mask is None. Chapter: deformable convolution."""
    # grad_weight = grad_out @ columns^T per group, as for conv2d. grad_columns =
    # weight^T @ grad_out goes back to the four neighbours of each sampling point for
    # grad_x; grad_offset is the derivative of the bilinear sample along y and x, grad_mask
    # the sample itself. At integer points the derivative is the one-sided one that floor()
    # gives, as in torchvision.
    (x, offset, weight, _, mask, stride, padding, dilation, groups, _, out_size) = \
        deform_conv2d_arguments(x, offset, weight, None, stride, padding, dilation, mask)
    grad_out = as_float_array("grad_out", grad_out)
    N, C, H, W = x.shape
    K = weight.shape[0]
    kH, kW = weight.shape[2:]
    if grad_out.shape != (N, K) + out_size:
        raise ValueError(f"grad_out must have the output shape {(N, K) + out_size} of "
                         f"deform_conv2d(x {x.shape}, weight {weight.shape}, offset "
                         f"{offset.shape}), got {grad_out.shape}")
    dtype = result_dtype(x, offset, weight, mask, grad_out)
    corner, factors, m = _sampling(offset, mask, (H, W), (kH, kW), stride, padding,
                                   dilation, dtype)
    flat, index, shifts = _neighbours(x.astype(dtype, copy=False), corner)
    weights = _corner_weights(factors)
    P = out_size[0] * out_size[1]
    g_out = np.swapaxes(grad_out.astype(dtype, copy=False).reshape(N, K, P), 0, 1)
    g_out = g_out.reshape(groups, K // groups, N * P)
    rows = weight.shape[1] * kH * kW                                    # C_g * kH * kW
    w = weight.astype(dtype, copy=False).reshape(groups, K // groups, rows)
    grad_cols = (np.swapaxes(w, 1, 2) @ g_out).reshape(index.shape)  # (G_off, C_off, T, N, P)

    # the columns again (for grad_weight), and s[q] = sum_c grad_cols * neighbour q: how
    # much the loss changes per unit of neighbour q's weight
    cols = np.zeros(index.shape, dtype)
    s = []
    for value, weight_q in zip(_neighbour_values(flat, index, shifts), weights):
        s.append(np.einsum("gctnp,gctnp->gtnp", grad_cols, value))
        value *= (m * weight_q)[:, None]
        cols += value
    cols = cols.reshape(groups, rows, N * P)
    grad_weight = (g_out @ np.swapaxes(cols, 1, 2)).reshape(weight.shape)
    grad_bias = grad_out.sum(axis=(0, 2, 3)).astype(dtype, copy=False)

    # grad_x: each column entry goes back to the four pixels it was read from
    grad_flat = np.zeros(flat.size, np.float64)
    scattered = np.empty(index.shape, np.float64)
    for shift, weight_q in zip(shifts, weights):
        np.multiply(grad_cols, (m * weight_q)[:, None], out=scattered, dtype=np.float64)
        grad_flat[shift:] += np.bincount(index.reshape(-1), scattered.reshape(-1),
                                         minlength=flat.size)[:flat.size - shift]
    grad_x = grad_flat.reshape(N, C, H + 2, W + 2)[:, :, 1:-1, 1:-1].astype(dtype)

    # grad_offset: the derivative of the bilinear sample along y and along x
    hy, ly, hx, lx = factors
    grad_dy = m * (hx * (s[2] - s[0]) + lx * (s[3] - s[1]))
    grad_dx = m * (hy * (s[1] - s[0]) + ly * (s[3] - s[2]))
    grad_offset = np.stack([grad_dy, grad_dx], axis=2)    # (G_off, T, 2, N, P)
    grad_offset = np.ascontiguousarray(grad_offset.transpose(3, 0, 1, 2, 4), dtype) \
        .reshape(offset.shape)
    grad_mask = None
    if mask is not None:                                  # the bilinear sample itself
        sample = sum(weight_q * s_q for weight_q, s_q in zip(weights, s))
        grad_mask = np.ascontiguousarray(sample.transpose(2, 0, 1, 3), dtype).reshape(mask.shape)
    return grad_x, grad_offset, grad_mask, grad_weight, grad_bias

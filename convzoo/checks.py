"""Argument checks shared by every operator.

Each check raises ``ValueError`` naming the argument and the shapes involved, before any
work is done. Operators call these once at their edge and trust the data inside.
"""
import numbers

import numpy as np

LAYOUTS = {1: "(N, C, W)", 2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}


def as_float_array(name, a):
    """``a`` as an ndarray of a real number type (never a copy of a float array)."""
    a = np.asarray(a)
    if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise ValueError(f"{name} must hold numbers, got dtype {a.dtype}")
    if np.iscomplexobj(a):
        raise ValueError(f"{name} must be real, got dtype {a.dtype}")
    return a


def result_dtype(*arrays):
    """float32 stays float32, float64 stays float64, integers become float64."""
    return np.result_type(*[a.dtype for a in arrays if a is not None], np.float32)


def check_ndim(name, a, ndim, layout=None):
    if a.ndim != ndim:
        what = f" {layout}" if layout else ""
        raise ValueError(f"{name} must be {ndim}-D{what}, got shape {a.shape}")


def is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def int_tuple(name, value, n):
    """An int or a length-n sequence of ints, as a tuple of n Python ints."""
    if is_int(value):
        return (int(value),) * n
    if isinstance(value, (tuple, list)) and len(value) == n and all(is_int(v) for v in value):
        return tuple(int(v) for v in value)
    raise ValueError(f"{name} must be an int or a tuple of {n} ints, got {value!r}")


def ints_at_least(name, value, n, low):
    """An int or a length-n sequence of ints, each >= low, as a tuple of n ints."""
    return at_least(name, int_tuple(name, value, n), low)


def at_least(name, values, low):
    if any(v < low for v in values):
        raise ValueError(f"{name} must be >= {low}, got {values if len(values) > 1 else values[0]}")
    return values


def same_padding(kernel_size, dilation, stride):
    """(before, after) per dim for padding="same": the odd extra pixel goes after."""
    if any(s != 1 for s in stride):
        raise ValueError(f'padding="same" needs stride 1, got stride {stride}')
    pads = []
    for k, d in zip(kernel_size, dilation):
        total = d * (k - 1)
        pads.append((total // 2, total - total // 2))
    return pads


def padding_pairs(padding, kernel_size, stride, dilation):
    """padding as int, tuple, "same" or "valid" -> a list of (before, after) per dim."""
    n = len(kernel_size)
    if isinstance(padding, str):
        if padding == "valid":
            return [(0, 0)] * n
        if padding == "same":
            return same_padding(kernel_size, dilation, stride)
        raise ValueError(f'padding must be an int, a tuple, "same" or "valid", got {padding!r}')
    pads = ints_at_least("padding", padding, n, 0)
    return [(p, p) for p in pads]


def output_padding_tuple(output_padding, stride, dilation):
    """output_padding of a transposed convolution as a tuple of ints >= 0, each smaller than
    its stride or its dilation (torch's rule), per dim."""
    values = at_least("output_padding",
                      int_tuple("output_padding", output_padding, len(stride)), 0)
    if any(o >= s and o >= d for o, s, d in zip(values, stride, dilation)):
        raise ValueError(f"output_padding must be smaller than stride or dilation in each dim, "
                         f"got output_padding={values}, stride={tuple(stride)}, "
                         f"dilation={tuple(dilation)}")
    return values


def check_channels(x, weight, groups, x_name="x", weight_name="weight", per_group_axis=1):
    """x has groups * weight.shape[per_group_axis] channels."""
    check_groups_divide(groups, x.shape, x_name)
    c_in = x.shape[1]
    if weight.shape[per_group_axis] * groups != c_in:
        raise ValueError(f"{weight_name} shape {weight.shape} expects "
                         f"{weight.shape[per_group_axis] * groups} input channels "
                         f"(groups={groups}), but {x_name} shape {x.shape} has {c_in}")


def check_bias(bias, out_channels, weight_shape):
    if bias is None:
        return None
    bias = as_float_array("bias", bias)
    if bias.shape != (out_channels,):
        raise ValueError(f"bias must have shape ({out_channels},) to match weight "
                         f"{weight_shape}, got {bias.shape}")
    return bias


def check_fits(x_shape, pads, kernel_size, dilation, x_name="x"):
    """The dilated kernel must fit inside the padded input."""
    for size, (a, b), k, d in zip(x_shape[2:], pads, kernel_size, dilation):
        if size + a + b < d * (k - 1) + 1:
            raise ValueError(
                f"kernel {tuple(kernel_size)} with dilation {tuple(dilation)} is larger than "
                f"the padded input: {x_name} {x_shape} padded by {pads}")


def conv_arguments(x, weight, bias, stride, padding, dilation, groups, dims):
    """Check and normalise the arguments of conv1d/2d/3d.

    Returns x (batched), weight, bias, stride, padding pairs, dilation, and whether
    the input came without a batch axis.
    """
    x = as_float_array("x", x)
    weight = as_float_array("weight", weight)
    unbatched = x.ndim == dims + 1
    if unbatched:
        x = x[None]
    check_ndim("x", x, dims + 2, LAYOUTS[dims] + " or without N")
    check_ndim("weight", weight, dims + 2, "(C_out, C_in/groups, k...)")
    check_channels(x, weight, groups)
    if weight.shape[0] % groups:
        raise ValueError(f"weight shape {weight.shape} has {weight.shape[0]} output channels, "
                         f"not divisible by groups={groups}")
    bias = check_bias(bias, weight.shape[0], weight.shape)
    kernel_size = weight.shape[2:]
    if min(kernel_size) < 1:
        raise ValueError(f"weight shape {weight.shape} has an empty kernel")
    stride = ints_at_least("stride", stride, dims, 1)
    dilation = ints_at_least("dilation", dilation, dims, 1)
    pads = padding_pairs(padding, kernel_size, stride, dilation)
    check_fits(x.shape, pads, kernel_size, dilation)
    return x, weight, bias, stride, pads, dilation, unbatched


def check_groups(groups):
    if not is_int(groups) or groups < 1:
        raise ValueError(f"groups must be an int >= 1, got {groups!r}")


def check_groups_divide(groups, x_shape, x_name="x"):
    """groups is an int >= 1 that divides the channels (axis 1) of an input of x_shape."""
    check_groups(groups)
    if x_shape[1] % groups:
        raise ValueError(f"{x_name} has {x_shape[1]} channels (shape {x_shape}), "
                         f"not divisible by groups={groups}")


def check_shape(name, a, shape, why=""):
    """a has exactly this shape; why says where the shape comes from ("to match x ...")."""
    if a.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}{' ' + why if why else ''}, "
                         f"got {a.shape}")


def matrix_weight(name, weight, shape, why=""):
    """A linear or 1x1-conv weight, (rows, cols) or (rows, cols, 1, 1), as a (rows, cols) matrix."""
    weight = as_float_array(name, weight)
    shape = tuple(shape)
    matrix = weight.reshape(weight.shape[:2]) if weight.shape[2:] == (1, 1) else weight
    if matrix.shape != shape:
        raise ValueError(f"{name} must have shape {shape} or {shape + (1, 1)}"
                         f"{' ' + why if why else ''}, got {weight.shape}")
    return matrix

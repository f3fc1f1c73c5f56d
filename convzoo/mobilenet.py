"""MobileNetV2's inverted residual with a linear bottleneck (Sandler et al., 2018).

Chapter: separable convolutions. A block with expansion ratio t takes C channels to
M = t C, filters each of them alone, and projects them to K:

    e   = relu6(conv2d(x, expand_weight, expand_bias))                  1x1, C -> M
    d   = relu6(conv2d(e, depthwise_weight, depthwise_bias, stride,
                       padding=(k - 1) // 2, groups=M))                 k x k, one per channel
    p   = conv2d(d, project_weight, project_bias)                       1x1, M -> K, no ReLU
    out = x + p   if stride == 1 and K == C,   else p

as torchvision.models.mobilenetv2.InvertedResidual computes it in eval mode, each
BatchNorm folded into the conv before it (fuse_conv_bn_weights). With t = 1 there is no
expansion (expand_weight None). The projection is linear: the "linear bottleneck".
"""
import numpy as np

from .checks import (LAYOUTS, as_float_array, check_ndim, check_shape, is_int, result_dtype)
from .convolution import conv2d


def relu6(x):
    """As torch.nn.functional.relu6: min(max(x, 0), 6), elementwise; x any shape."""
    x = as_float_array("x", x)
    return np.clip(x, 0, 6).astype(result_dtype(x), copy=False)


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    """As torch.nn.utils.fusion.fuse_conv_bn_weights: the weight and bias of one conv that
    computes batch_norm(conv(x)) in eval mode.

    conv_w (K, C/g, k...) (or (C, K/g, k...) with transpose=True, a transposed conv),
    conv_b (K,) or None, bn_rm, bn_rv, bn_w, bn_b (K,) (bn_w, bn_b may be None: 1 and 0)
    -> (w, b): w = conv_w * bn_w / sqrt(bn_rv + eps) per output channel,
    b = (conv_b - bn_rm) * bn_w / sqrt(bn_rv + eps) + bn_b.
    """
    w = as_float_array("conv_w", conv_w)
    if w.ndim < 3:
        raise ValueError(f"conv_w must be a conv weight (K, C/groups, k...), got shape {w.shape}")
    K = w.shape[1] if transpose else w.shape[0]
    rm, rv = as_float_array("bn_rm", bn_rm), as_float_array("bn_rv", bn_rv)
    for name, a in (("bn_rm", rm), ("bn_rv", rv)):
        check_shape(name, a, (K,), f"to match conv_w {w.shape} (transpose={transpose})")
    named = {"conv_b": conv_b, "bn_w": bn_w, "bn_b": bn_b}
    for name, a in named.items():
        if a is not None:
            named[name] = as_float_array(name, a)
            check_shape(name, named[name], (K,),
                        f"to match conv_w {w.shape} (transpose={transpose})")
    if not isinstance(bn_eps, (int, float)) or isinstance(bn_eps, bool) or not bn_eps >= 0:
        raise ValueError(f"bn_eps must be a number >= 0, got {bn_eps!r}")
    if np.any(rv + bn_eps <= 0):
        raise ValueError(f"bn_rv + bn_eps must be positive, got bn_rv min {rv.min()} and "
                         f"bn_eps {bn_eps}")
    dtype = result_dtype(w, rm, rv, *[a for a in named.values() if a is not None])
    default = {"conv_b": 0.0, "bn_w": 1.0, "bn_b": 0.0}        # what None stands for
    conv_b, bn_w, bn_b = (np.full(K, default[name], dtype) if a is None
                          else a.astype(dtype, copy=False) for name, a in named.items())
    scale = bn_w / np.sqrt(rv.astype(dtype) + dtype.type(bn_eps))
    shape = [1, -1] if transpose else [-1, 1]
    fused_w = w.astype(dtype) * scale.reshape(shape + [1] * (w.ndim - 2))
    fused_b = (conv_b - rm.astype(dtype)) * scale + bn_b
    return fused_w, fused_b


def _bias(name, b, n, why):
    if b is None:
        return None
    b = as_float_array(name, b)
    check_shape(name, b, (n,), why)
    return b


def _arguments(x, expand_weight, expand_bias, depthwise_weight, depthwise_bias,
               project_weight, project_bias, stride):
    x = as_float_array("x", x)
    check_ndim("x", x, 4, LAYOUTS[2])
    C = x.shape[1]
    arrays = [x]
    if expand_weight is None:
        if expand_bias is not None:
            raise ValueError("expand_bias must be None when expand_weight is None (no expansion)")
        M = C
    else:
        expand_weight = as_float_array("expand_weight", expand_weight)
        check_ndim("expand_weight", expand_weight, 4, "(M, C, 1, 1)")
        M = expand_weight.shape[0]
        if M < 1:
            raise ValueError(f"expand_weight must have shape (M, {C}, 1, 1) with M >= 1 to "
                             f"match x {x.shape}, got {expand_weight.shape}")
        check_shape("expand_weight", expand_weight, (M, C, 1, 1), f"to match x {x.shape}")
        expand_bias = _bias("expand_bias", expand_bias, M,
                            f"to match expand_weight {expand_weight.shape}")
    dw = as_float_array("depthwise_weight", depthwise_weight)
    check_ndim("depthwise_weight", dw, 4, "(M, 1, k, k)")
    if dw.shape[0] != M or dw.shape[1] != 1 or min(dw.shape[2:]) < 1:
        raise ValueError(f"depthwise_weight must have shape ({M}, 1, kH, kW): one filter for "
                         f"each of the {M} channels of the expansion (x {x.shape}), got "
                         f"{dw.shape}")
    depthwise_bias = _bias("depthwise_bias", depthwise_bias, M,
                           f"to match depthwise_weight {dw.shape}")
    pw = as_float_array("project_weight", project_weight)
    check_ndim("project_weight", pw, 4, "(K, M, 1, 1)")
    if pw.shape[0] < 1 or pw.shape[1:] != (M, 1, 1):
        raise ValueError(f"project_weight must have shape (K, {M}, 1, 1) to follow "
                         f"depthwise_weight {dw.shape}, got {pw.shape}")
    project_bias = _bias("project_bias", project_bias, pw.shape[0],
                         f"to match project_weight {pw.shape}")
    if not is_int(stride) or stride < 1:
        raise ValueError(f"stride must be an int >= 1, got {stride!r}")
    pads = [(k - 1) // 2 for k in dw.shape[2:]]
    for size, p, k in zip(x.shape[2:], pads, dw.shape[2:]):
        if size + 2 * p < k:
            raise ValueError(f"depthwise_weight {dw.shape} is larger than the padded input: "
                             f"x {x.shape} padded by {tuple(pads)}")
    parts = [x, expand_weight, expand_bias, dw, depthwise_bias, pw, project_bias]
    dtype = result_dtype(*parts)
    return [None if a is None else a.astype(dtype, copy=False) for a in parts], tuple(pads)


def inverted_residual(x, expand_weight, expand_bias, depthwise_weight, depthwise_bias,
                      project_weight, project_bias, stride=1):
    """MobileNetV2's block: expand (1x1, ReLU6), depthwise (k x k, ReLU6), project (1x1,
    linear), plus x when stride is 1 and the channels match.

    x (N, C, H, W), expand_weight (M, C, 1, 1) or None (t = 1), expand_bias (M,) or None,
    depthwise_weight (M, 1, k, k), depthwise_bias (M,) or None, project_weight
    (K, M, 1, 1), project_bias (K,) or None -> (N, K, H_out, W_out), padding (k - 1) // 2.
    Chapter: separable convolutions.
    """
    (x, ew, eb, dw, db, pw, pb), pads = _arguments(
        x, expand_weight, expand_bias, depthwise_weight, depthwise_bias, project_weight,
        project_bias, stride)
    h = x if ew is None else relu6(conv2d(x, ew, eb))                       # expand
    h = relu6(conv2d(h, dw, db, stride=stride, padding=pads, groups=h.shape[1]))  # filter
    out = conv2d(h, pw, pb)                                                 # project: linear
    if stride == 1 and out.shape[1] == x.shape[1]:
        out = out + x                                                       # residual
    return out


def inverted_residual_from_state_dict(state_dict, bn_eps=1e-5):
    """The keyword arguments of inverted_residual for a torchvision InvertedResidual, each
    BatchNorm folded into the conv before it (fuse_conv_bn_weights).

    state_dict: its state_dict() with every tensor as a NumPy array, keys as torchvision
    names them ("conv.0.0.weight", "conv.0.1.running_mean", ...; with expand_ratio 1 the
    block has no expansion and one layer fewer) -> dict(expand_weight, expand_bias,
    depthwise_weight, depthwise_bias, project_weight, project_bias).
    """
    if not isinstance(state_dict, dict):
        raise ValueError(f"state_dict must be a dict of name -> array, got {type(state_dict)}")

    def get(key):
        if key not in state_dict:
            raise ValueError(f"state_dict has no {key!r}: not an InvertedResidual's "
                             f"state_dict? It has {sorted(state_dict)[:6]}")
        return state_dict[key]

    def folded(conv, bn):
        return fuse_conv_bn_weights(get(f"{conv}.weight"), None, get(f"{bn}.running_mean"),
                                    get(f"{bn}.running_var"), bn_eps, get(f"{bn}.weight"),
                                    get(f"{bn}.bias"))

    expanded = "conv.3.weight" in state_dict           # expand, depthwise, project, its BN
    layers = ([("conv.0.0", "conv.0.1")] if expanded else []) + [
        ("conv.1.0", "conv.1.1") if expanded else ("conv.0.0", "conv.0.1"),
        ("conv.2", "conv.3") if expanded else ("conv.1", "conv.2")]
    pairs = [folded(conv, bn) for conv, bn in layers]
    if not expanded:
        pairs.insert(0, (None, None))
    names = ("expand", "depthwise", "project")
    return {f"{name}_{part}": a for name, pair in zip(names, pairs)
            for part, a in zip(("weight", "bias"), pair)}

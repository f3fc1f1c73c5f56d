"""convzoo time / torch time for every operator at typical sizes, float32, in one run.

    python bench/run.py [--repeats 5] [--rounds 3] [--only conv2d] [--json bench/results.json]

Each case times the best of a few repeats of convzoo, then of torch (each side in its own
block), and does that for a few rounds in turn, so that both sides see the machine in each
of its moods (a shared machine's speed drifts by up to 2x within minutes). It prints the
method, the best ms of each side over all rounds, their ratio, the median of the rounds'
ratios (steadier when the machine drifts), and the GFLOP/s (2 x multiply-adds per second).
The conv2d layers are also timed by every method of convzoo.fast (chapter 9), against the
same torch call. The rows go to a JSON file too, for chapter 9's plots. Speed
is never asserted by a test.
"""
import argparse
import json
import os
import platform
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

import convzoo as cz
from convzoo import fast
from convzoo.convolution import im2col
from convzoo.page import best_time

SEED = 0
METHODS = (fast.conv2d_im2col, fast.conv2d_shift, fast.conv2d_tensordot, fast.conv2d_fft,
           fast.conv2d_winograd)


# The goals for convzoo time / torch time (chapter 9 draws them beside the ratios).
GOALS = {"conv2d 8x64x56x56, 64 3x3, pad 1": 1.5, "conv2d 8x128x28x28, 256 3x3, stride 2": 1.5,
         "conv2d backward, same sizes": 1.5, "conv2d depthwise 8x64x56x56, groups 64": 8,
         "conv1d 16x64x1000, 64 k5": 2, "conv3d 2x16x16x32x32, 32 3x3x3": 2,
         "conv_transpose2d 8x64x28x28 -> 32, 4x4, s2 p1": 1.5}


def conv_flops(n, c_in, c_out, k_h, k_w, h_out, w_out, groups=1):
    """2 * multiply-adds of a convolution: the number a FLOP count predicts time from."""
    return 2 * n * c_out * h_out * w_out * (c_in // groups) * k_h * k_w


def cases(rng):
    """(name, convzoo thunk, torch thunk, FLOPs or None) for each operator."""
    def arr(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    def t(a):
        return torch.from_numpy(a)

    x, w = arr(8, 64, 56, 56), arr(64, 64, 3, 3)
    yield ("conv2d 8x64x56x56, 64 3x3, pad 1", lambda: cz.conv2d(x, w, padding=1),
           lambda: F.conv2d(t(x), t(w), padding=1), conv_flops(8, 64, 64, 3, 3, 56, 56))

    x2, w2 = arr(8, 128, 28, 28), arr(256, 128, 3, 3)
    yield ("conv2d 8x128x28x28, 256 3x3, stride 2", lambda: cz.conv2d(x2, w2, stride=2, padding=1),
           lambda: F.conv2d(t(x2), t(w2), stride=2, padding=1),
           conv_flops(8, 128, 256, 3, 3, 14, 14))

    # the floor of im2col + GEMM: the layer's GEMM alone, on columns built beforehand (the
    # result is a view of the GEMM's, laid out as conv2d's output, so it is checked as one)
    cols = im2col(np.pad(x, [(0, 0), (0, 0), (1, 1), (1, 1)]), (3, 3), (1, 1), (1, 1), 1)[0][0]
    w_rows = w.reshape(64, -1)
    yield ("conv2d 8x64x56x56, 64 3x3, pad 1 [its GEMM alone]",
           lambda: np.matmul(w_rows, cols).reshape(64, 8, 56, 56).swapaxes(0, 1),
           lambda: F.conv2d(t(x), t(w), padding=1), conv_flops(8, 64, 64, 3, 3, 56, 56))

    for method in METHODS:                          # chapter 9: each way, the first layer
        yield (f"conv2d 8x64x56x56, 64 3x3, pad 1 [{method.__name__}]",
               (lambda m: lambda: m(x, w, padding=1))(method),
               lambda: F.conv2d(t(x), t(w), padding=1), conv_flops(8, 64, 64, 3, 3, 56, 56))
    for k in (3, 7, 11, 15):                        # where the FFT overtakes the direct way
        xk, wk = arr(2, 16, 64, 64), arr(16, 16, k, k)
        for method in (fast.conv2d_im2col, fast.conv2d_fft):
            yield (f"conv2d 2x16x64x64, 16 {k}x{k}, same [{method.__name__}]",
                   (lambda m, a, b: lambda: m(a, b, padding="same"))(method, xk, wk),
                   (lambda a, b: lambda: F.conv2d(t(a), t(b), padding="same"))(xk, wk),
                   conv_flops(2, 16, 16, k, k, 64, 64))

    g = arr(8, 64, 56, 56)
    xr, wr = t(x).clone().requires_grad_(), t(w).clone().requires_grad_()

    def torch_conv2d_backward():
        y = F.conv2d(xr, wr, padding=1)
        return torch.autograd.grad(y, (xr, wr), t(g))
    yield ("conv2d backward, same sizes", lambda: cz.conv2d_backward(g, x, w, padding=1),
           torch_conv2d_backward, 2 * conv_flops(8, 64, 64, 3, 3, 56, 56))

    xd, wd = arr(8, 64, 56, 56), arr(64, 1, 3, 3)
    yield ("conv2d depthwise 8x64x56x56, groups 64", lambda: cz.conv2d(xd, wd, padding=1, groups=64),
           lambda: F.conv2d(t(xd), t(wd), padding=1, groups=64),
           conv_flops(8, 64, 64, 3, 3, 56, 56, groups=64))

    x1, w1 = arr(16, 64, 1000), arr(64, 64, 5)
    yield ("conv1d 16x64x1000, 64 k5", lambda: cz.conv1d(x1, w1, padding=2),
           lambda: F.conv1d(t(x1), t(w1), padding=2), 2 * 16 * 64 * 1000 * 64 * 5)

    x3, w3 = arr(2, 16, 16, 32, 32), arr(32, 16, 3, 3, 3)
    yield ("conv3d 2x16x16x32x32, 32 3x3x3", lambda: cz.conv3d(x3, w3, padding=1),
           lambda: F.conv3d(t(x3), t(w3), padding=1), 2 * 2 * 32 * 16 * 32 * 32 * 16 * 27)

    xt_, wt_ = arr(8, 64, 28, 28), arr(64, 32, 4, 4)
    yield ("conv_transpose2d 8x64x28x28 -> 32, 4x4, s2 p1",
           lambda: cz.conv_transpose2d(xt_, wt_, stride=2, padding=1),
           lambda: F.conv_transpose2d(t(xt_), t(wt_), stride=2, padding=1),
           conv_flops(8, 64, 32, 4, 4, 28, 28))
    gt_ = arr(8, 32, 56, 56)
    xtr, wtr = t(xt_).clone().requires_grad_(), t(wt_).clone().requires_grad_()

    def torch_transpose_backward():
        y = F.conv_transpose2d(xtr, wtr, stride=2, padding=1)
        return torch.autograd.grad(y, (xtr, wtr), t(gt_))
    yield ("conv_transpose2d backward, same sizes",
           lambda: cz.conv_transpose2d_backward(gt_, xt_, wt_, stride=2, padding=1),
           torch_transpose_backward, 2 * conv_flops(8, 64, 32, 4, 4, 28, 28))

    xf, wf = arr(4, 32, 28, 28), arr(32, 32, 3, 3)
    off, mask = arr(4, 18, 28, 28), rng.random((4, 9, 28, 28)).astype(np.float32)
    yield ("deform_conv2d v2 4x32x28x28, 32 3x3, pad 1",
           lambda: cz.deform_conv2d(xf, off, wf, padding=1, mask=mask),
           lambda: torchvision.ops.deform_conv2d(t(xf), t(off), t(wf), padding=(1, 1),
                                                 mask=t(mask)),
           conv_flops(4, 32, 32, 3, 3, 28, 28))
    gf = arr(4, 32, 28, 28)
    leaves = [t(a).clone().requires_grad_() for a in (xf, off, mask, wf)]   # convzoo's order

    def torch_deform_backward():
        xr_, offr, mr, wr_ = leaves
        y = torchvision.ops.deform_conv2d(xr_, offr, wr_, padding=(1, 1), mask=mr)
        return torch.autograd.grad(y, leaves, t(gf))
    yield ("deform_conv2d v2 backward, same sizes",
           lambda: cz.deform_conv2d_backward(gf, xf, off, wf, padding=1, mask=mask),
           torch_deform_backward, 2 * conv_flops(4, 32, 32, 3, 3, 28, 28))

    xs, dw, pw = arr(8, 64, 56, 56), arr(64, 1, 3, 3), arr(128, 64, 1, 1)
    yield ("depthwise separable 8x64x56x56 -> 128",
           lambda: cz.depthwise_separable_conv2d(xs, dw, pw, padding=1),
           lambda: F.conv2d(F.conv2d(t(xs), t(dw), padding=1, groups=64), t(pw)),
           conv_flops(8, 64, 64, 3, 3, 56, 56, groups=64) + conv_flops(8, 64, 128, 1, 1, 56, 56))

    xc = arr(8, 256, 28, 28)
    yield ("channel_shuffle 8x256x28x28, 4 groups", lambda: cz.channel_shuffle(xc, 4),
           lambda: F.channel_shuffle(t(xc), 4).contiguous(), None)

    se = torchvision.ops.SqueezeExcitation(256, 64)
    fc = [p.detach().numpy() for p in (se.fc1.weight[:, :, 0, 0], se.fc1.bias,
                                       se.fc2.weight[:, :, 0, 0], se.fc2.bias)]
    yield ("squeeze_excitation 8x256x28x28, squeeze 64",
           lambda: cz.squeeze_excitation(xc, *fc), lambda: se(t(xc)), None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="calls per block")
    parser.add_argument("--rounds", type=int, default=3, help="blocks per side, in turn")
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument("--json", default=os.path.join(os.path.dirname(__file__), "results.json"),
                        help="where the rows go (chapter 9 plots them)")
    args = parser.parse_args()
    rows = []
    rng = np.random.default_rng(SEED)
    print(f"# convzoo vs torch {torch.__version__} / torchvision {torchvision.__version__}, "
          f"numpy {np.__version__}, {platform.machine()}, {os.cpu_count()} cores, "
          f"torch threads {torch.get_num_threads()}, float32, {args.rounds} rounds of "
          f"{args.repeats} calls per side")
    print(f"{'operator [method]':58s} {'convzoo ms':>10s} {'torch ms':>9s} {'ratio':>6s} "
          f"{'median':>6s} {'convzoo GFLOP/s':>15s} {'torch GFLOP/s':>13s}")
    for name, ours, theirs, flops in cases(rng):
        if args.only not in name:
            continue
        with torch.no_grad() if "backward" not in name else torch.enable_grad():
            ours(), theirs()                        # warm up caches and allocators
            rounds = [(best_time(ours, args.repeats), best_time(theirs, args.repeats))
                      for _ in range(args.rounds)]
        t_ours = min(a for a, _ in rounds)
        t_theirs = min(b for _, b in rounds)
        median = float(np.median([a / b for a, b in rounds]))
        rates = (f"{flops / t_ours / 1e9:15.1f} {flops / t_theirs / 1e9:13.1f}" if flops
                 else f"{'':15s} {'':13s}")
        print(f"{name:58s} {t_ours * 1e3:10.2f} {t_theirs * 1e3:9.2f} "
              f"{t_ours / t_theirs:6.2f} {median:6.2f} {rates}", flush=True)
        operator, _, method = name.partition(" [")
        rows.append(dict(operator=operator, method=method.rstrip("]") or "convzoo",
                         convzoo_ms=t_ours * 1e3, torch_ms=t_theirs * 1e3,
                         ratio=t_ours / t_theirs, median_ratio=median,
                         rounds_ms=[[a * 1e3, b * 1e3] for a, b in rounds], flops=flops,
                         **({"goal": GOALS[name]} if name in GOALS else {})))
    with open(args.json, "w") as f:
        json.dump(dict(date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                       torch=torch.__version__, numpy=np.__version__, cores=os.cpu_count(),
                       threads=torch.get_num_threads(), repeats=args.repeats,
                       rounds=args.rounds,
                       load=os.getloadavg()[0], rows=rows), f, indent=1)
    print(f"# rows written to {args.json}")


if __name__ == "__main__":
    main()

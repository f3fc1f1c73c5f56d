"""convzoo time / torch time for every operator at typical sizes, float32, in one run.

    python bench/run.py [--repeats 7] [--only conv2d]

Each case times the best of a few repeats of both implementations, interleaved so that a
busy machine slows both alike, and prints the ratio. Speed is never asserted by a test.
"""
import argparse
import os
import platform
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

import convzoo as cz

SEED = 0


def best_time(fn, repeats):
    fn()                                             # warm up caches and allocators
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    print(f"# convzoo vs torch {torch.__version__} / torchvision {torchvision.__version__}, "
          f"numpy {np.__version__}, {platform.machine()}, {os.cpu_count()} cores, "
          f"torch threads {torch.get_num_threads()}, float32, best of {args.repeats}")
    print(f"{'operator':44s} {'convzoo ms':>10s} {'torch ms':>9s} {'ratio':>6s} "
          f"{'convzoo GFLOP/s':>15s} {'torch GFLOP/s':>13s}")
    for name, ours, theirs, flops in cases(rng):
        if args.only not in name:
            continue
        with torch.no_grad() if "backward" not in name else torch.enable_grad():
            t_ours = best_time(ours, args.repeats)
            t_theirs = best_time(theirs, args.repeats)
        rates = (f"{flops / t_ours / 1e9:15.1f} {flops / t_theirs / 1e9:13.1f}" if flops
                 else f"{'':15s} {'':13s}")
        print(f"{name:44s} {t_ours * 1e3:10.2f} {t_theirs * 1e3:9.2f} "
              f"{t_ours / t_theirs:6.2f} {rates}", flush=True)


if __name__ == "__main__":
    main()

"""The bookkeeping of a book page, written once for every chapter.

- ``check`` runs an operator and a reference (torch, SciPy, a formula) on many cases and
  prints one line: the largest difference, over how many cases. It fails, naming the case,
  when a shape differs or the difference is above the tolerance.
- ``keep`` puts a number computed by a cell into the prose (MyST-NB ``glue``).
- ``%%solution KEY`` (after ``%load_ext convzoo.page``) runs an exercise's solution cell and
  glues its code and what it printed under KEY, for the closed dropdown of the exercise; the
  cell itself is tagged ``remove-cell``, so nothing of the answer shows before the reader
  opens the dropdown.
- ``best_time`` times a function the way every page that measures does: the fastest of a
  few runs, the one least disturbed by other work on the machine.
- ``bench_run`` reads the rows `make bench` wrote (yours, else the course's reference run).
- ``torch_op`` turns a torch function into a reference on NumPy arrays; ``corr2d_cases`` and
  ``conv_cases`` draw seeded random arguments for corr2d and for conv1d/2d/3d.

Chapter 1 introduces the pattern; docs/adding-a-chapter.md describes it. Not re-exported by
``convzoo``: torch, IPython and myst_nb are imported when a function here needs them.
"""
import functools
import json
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np


class Check(NamedTuple):
    """The outcome of a check: the line printed, the largest difference, the cases run."""
    line: str
    error: float
    cases: int

    def __str__(self):
        return self.line

    def _ipython_display_(self):
        """Nothing: check() has printed the line, a check on a cell's last line shows it once."""


def _difference(out, ref, relative):
    """Largest |out - ref| (divided by max |ref| if relative); None if the shapes differ."""
    if isinstance(ref, (tuple, list)):
        if not isinstance(out, (tuple, list)) or len(out) != len(ref):
            return None
        parts = [_difference(o, r, relative) for o, r in zip(out, ref)]
        return None if None in parts else max(parts, default=0.0)
    out, ref = np.asarray(out), np.asarray(ref)
    if out.shape != ref.shape:
        return None
    if out.size == 0:
        return 0.0
    diff = float(np.max(np.abs(out.astype(np.float64) - ref.astype(np.float64))))
    if relative:
        scale = float(np.max(np.abs(ref)))
        diff = diff / scale if scale else diff
    return diff


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"array {value.shape}"
    if isinstance(value, (tuple, list)) and any(isinstance(v, np.ndarray) for v in value):
        return "(" + ", ".join(_describe(v) for v in value) + ")"
    return repr(value)


def describe(case):
    """A case's arguments in one line: arrays by their shape, everything else by its value."""
    if isinstance(case, dict):
        return ", ".join(f"{k} {_describe(v)}" if isinstance(v, np.ndarray) else f"{k}={_describe(v)}"
                         for k, v in case.items())
    return ", ".join(_describe(v) for v in case)


def _shapes(value):
    if isinstance(value, (tuple, list)):
        return tuple(_shapes(v) for v in value)
    return np.shape(value)


def check(label, ours, reference, cases, tol=1e-12, relative=False, differ=False):
    """Run ``ours`` and ``reference`` on every case, print one line, return a ``Check``.

    cases: a sequence of keyword dicts (or of argument tuples) passed to both functions,
    which return arrays, numbers or tuples of them. The difference of a case is the largest
    |ours - reference| over its elements, divided by the largest |reference| if relative.
    Raises AssertionError naming the case if a shape differs or a difference exceeds tol;
    with differ=True the two are meant to disagree, and it raises unless the largest
    difference exceeds tol.
    """
    cases = list(cases)
    if not cases:
        raise ValueError(f"cases must hold at least one case, got {cases!r}")
    worst = 0.0
    for case in cases:
        args, kwargs = ((), case) if isinstance(case, dict) else (tuple(case), {})
        out, ref = ours(*args, **kwargs), reference(*args, **kwargs)
        diff = _difference(out, ref, relative)
        if diff is None:
            raise AssertionError(f"{label}: shape {_shapes(out)}, reference {_shapes(ref)}, "
                                 f"for {describe(case)}")
        if not differ and not diff <= tol:              # also catches NaN
            raise AssertionError(f"{label}: difference {diff:.2e} > {tol:.0e} for {describe(case)}")
        worst = max(worst, diff)
    kind = "relative difference" if relative else "difference"
    n = len(cases)
    if differ:
        if not worst > tol:
            raise AssertionError(f"{label}: expected to differ by more than {tol:.0e}, "
                                 f"but the largest {kind} is {worst:.2e} over {n} cases")
        line = f"{label}: largest {kind} {worst:.1e} over {n} cases: they differ"
    else:
        line = f"{label}: largest {kind} {worst:.1e} over {n} cases"
    print(line)
    return Check(line, worst, n)


def best_time(f, repeats=5, timer=time.perf_counter):
    """The fastest of `repeats` calls of f(), in seconds of `timer` (wall-clock time by
    default; time.process_time counts this process's CPU time, which other work on the
    machine does not inflate)."""
    if not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be an int >= 1, got {repeats!r}")
    times = []
    for _ in range(repeats):
        start = timer()
        f()
        times.append(timer() - start)
    return min(times)


BENCH = Path(__file__).resolve().parents[1] / "bench"


def bench_run(folder=BENCH):
    """(path, run) of bench/run.py's JSON: results.json, your own run, if there is one in
    the current format (with rounds), else reference.json, the run the course ships."""
    path = Path(folder) / "results.json"
    if path.exists():
        run = json.loads(path.read_text())
        if "rounds" in run:
            return path, run
    path = Path(folder) / "reference.json"
    if not path.exists():
        raise ValueError(f"folder {str(folder)!r} has neither a results.json of the current "
                         f"bench nor a reference.json")
    return path, json.loads(path.read_text())


def keep(**values):
    """Glue each value under its name, for {glue:text}`name` in the prose. Returns None, so a
    keep(...) on the last line of a cell prints nothing. NumPy scalars are glued as Python
    numbers: the page never shows a repr such as np.float64(0.5)."""
    from myst_nb import glue

    for name, value in values.items():
        if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
            value = value.item()
        glue(name, value, display=False)


def torch_op(fn):
    """fn, which takes and returns torch tensors, as a function of NumPy arrays: every
    ndarray argument becomes a tensor (of the same dtype), every tensor returned an ndarray.

    It runs on one thread: the small tensors of a check gain nothing from torch's thread
    pool, and on a busy machine waking the pool made a page's checks ten times slower.
    """
    import torch

    def to_torch(a):
        if isinstance(a, np.ndarray):
            return torch.from_numpy(np.ascontiguousarray(a))   # flipped views have negative strides
        return a

    def to_numpy(r):
        if isinstance(r, torch.Tensor):
            return r.detach().numpy()
        if isinstance(r, (tuple, list)):
            return type(r)(to_numpy(v) for v in r)
        return r

    @functools.wraps(fn)
    def on_arrays(*args, **kwargs):
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return to_numpy(fn(*map(to_torch, args), **{k: to_torch(v) for k, v in kwargs.items()}))
        finally:
            torch.set_num_threads(threads)

    return on_arrays


def corr2d_cases(seed, n, kernel=4, extra=7):
    """n seeded random arguments of corr2d, as keyword dicts: k (kH, kW) with kH, kW from 1
    to `kernel`, x (kH + 0 to extra, kW + 0 to extra), so k can be as large as x."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(n):
        k_shape = tuple(int(v) for v in rng.integers(1, kernel + 1, size=2))
        x_shape = tuple(m + int(rng.integers(0, extra + 1)) for m in k_shape)
        cases.append(dict(x=rng.standard_normal(x_shape), k=rng.standard_normal(k_shape)))
    return cases


def conv_cases(seed, n, dims=2, batch=2, channels=3, kernel=4, extra=7, stride=1, padding=0,
               dilation=1, groups=1, bias=True):
    """n seeded random arguments of conv{dims}d, as keyword dicts.

    x (N, C, *size), weight (K, C/groups, *k), bias (K,) or None, stride, padding,
    dilation, groups. N, C/groups, K/groups, groups, every k, stride and dilation are drawn
    from 1 to the given maximum, padding from 0; each size is the dilated kernel plus 0 to
    `extra`, so 1x1 inputs and kernels as large as the input come up.
    """
    rng = np.random.default_rng(seed)

    def ints(low, high):
        return tuple(int(v) for v in rng.integers(low, high + 1, size=dims))

    cases = []
    for _ in range(n):
        g = int(rng.integers(1, groups + 1))
        C, K = g * int(rng.integers(1, channels + 1)), g * int(rng.integers(1, channels + 1))
        k, s, p, d = ints(1, kernel), ints(1, stride), ints(0, padding), ints(1, dilation)
        size = tuple(di * (ki - 1) + 1 + e for ki, di, e in zip(k, d, ints(0, extra)))
        N = int(rng.integers(1, batch + 1))
        cases.append(dict(x=rng.standard_normal((N, C) + size),
                          weight=rng.standard_normal((K, C // g) + k),
                          bias=rng.standard_normal(K) if bias else None,
                          stride=s, padding=p, dilation=d, groups=g))
    return cases


def solution(line, cell):
    """%%solution KEY: run the cell, print what it prints, and glue its code and that output
    under KEY as Markdown, for ```{glue:md} KEY``` inside the exercise's dropdown. Anything
    written to stderr (a warning) is an error: the removed cell would hide it."""
    from IPython import get_ipython
    from IPython.display import Markdown
    from IPython.utils.capture import capture_output
    from myst_nb import glue

    key = line.strip()
    if not key.isidentifier():
        raise ValueError(f"%%solution needs a glue key (a Python identifier), got {line!r}")
    with capture_output(display=False) as captured:
        exec(compile(cell, f"<solution {key}>", "exec"), get_ipython().user_ns)
    captured.show()
    if captured.stderr:            # the cell is removed from the page: say it here, loudly
        raise RuntimeError(f"solution {key} wrote to stderr: {captured.stderr.strip()}")
    printed = captured.stdout.rstrip()
    text = f"```python\n{cell.strip()}\n```\n"
    if printed:
        text += f"\n```text\n{printed}\n```\n"
    glue(key, Markdown(text), display=False)


def load_ipython_extension(ipython):
    """%load_ext convzoo.page registers the %%solution cell magic."""
    ipython.register_magic_function(solution, "cell", "solution")

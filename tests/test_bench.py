"""bench/run.py times convzoo against torch: each case must time the same computation on
both sides, or its ratio means nothing. (No test times anything.)"""
import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch

SPEC = importlib.util.spec_from_file_location(
    "bench_run", Path(__file__).resolve().parents[1] / "bench" / "run.py")
bench = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bench)

CASES = list(bench.cases(np.random.default_rng(bench.SEED)))


def _arrays(result):
    """A result as a list of NumPy arrays: one array, or the gradients a backward returns."""
    if isinstance(result, (tuple, list)):
        return [np.asarray(r.detach() if torch.is_tensor(r) else r) for r in result]
    return [np.asarray(result.detach() if torch.is_tensor(result) else result)]


@pytest.mark.parametrize("name, ours, theirs, flops", CASES, ids=[c[0] for c in CASES])
def test_each_bench_case_computes_what_torch_computes(name, ours, theirs, flops):
    with torch.no_grad() if "backward" not in name else torch.enable_grad():
        mine, reference = _arrays(ours()), _arrays(theirs())
    assert len(mine) >= len(reference)          # conv2d_backward also returns grad_bias
    for a, b in zip(mine, reference):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-3 * np.abs(b).max())


def test_the_goals_name_cases_the_bench_runs():
    assert set(bench.GOALS) <= {name for name, *_ in CASES}

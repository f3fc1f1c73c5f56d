"""The repository's conftest.py starts a notebook's kernel again when it dies at start-up
(the port race of parallel nbval), and only then."""
import importlib.util
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location(
    "root_conftest", Path(__file__).resolve().parents[1] / "conftest.py")
root_conftest = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(root_conftest)


def starts_after(failures, message="Kernel died before replying to kernel_info"):
    calls = []

    def start(*args, **kwargs):
        calls.append(args)
        if len(calls) <= failures:
            raise RuntimeError(message)
        return "kernel", "client"
    return start, calls


def test_a_kernel_that_died_at_start_up_is_started_again():
    start, calls = starts_after(2)
    assert root_conftest._retrying(start)("python") == ("kernel", "client")
    assert len(calls) == 3


def test_a_kernel_that_dies_every_time_still_fails_after_three_starts():
    start, calls = starts_after(5)
    with pytest.raises(RuntimeError, match="Kernel died"):
        root_conftest._retrying(start)("python")
    assert len(calls) == root_conftest.ATTEMPTS == 3


def test_other_start_up_failures_are_not_retried():
    start, calls = starts_after(1, "Kernel didn't respond in 300 seconds")
    with pytest.raises(RuntimeError, match="didn't respond"):
        root_conftest._retrying(start)("python")
    assert len(calls) == 1


def test_nbval_starts_its_kernels_through_the_retry():
    from nbval import kernel
    assert getattr(kernel.start_new_kernel, "retries", False)

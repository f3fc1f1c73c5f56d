"""Shared test settings: every random generator is seeded, hypothesis is derandomised."""
import numpy as np
import pytest
from hypothesis import settings

settings.register_profile("convzoo", max_examples=100, deadline=None, derandomize=True,
                          print_blob=True)
settings.load_profile("convzoo")


@pytest.fixture
def rng():
    """A fresh, seeded generator for each test."""
    return np.random.default_rng(20261126)

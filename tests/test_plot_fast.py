"""convzoo.plot.fast: chapter 9's figures show what they are given."""
import numpy as np
import pytest
from matplotlib.patches import Rectangle

from convzoo import fast
from convzoo.plot.fast import transforms_figure


def test_transforms_figure_writes_each_entry_as_a_fraction_and_greys_the_zeros():
    fig = transforms_figure({"B^T": fast.WINOGRAD_BT, "G": fast.WINOGRAD_G})
    assert [ax.get_title() for ax in fig.axes] == ["B^T", "G"]
    g = fig.axes[1]
    assert [t.get_text() for t in g.texts] == ["1", "0", "0", "1/2", "1/2", "1/2",
                                               "1/2", "-1/2", "1/2", "0", "0", "1"]
    cells = [p for p in g.patches if isinstance(p, Rectangle)]
    grey = [p.get_facecolor() == cells[1].get_facecolor() for p in cells]
    assert grey == list((fast.WINOGRAD_G == 0).ravel())


@pytest.mark.parametrize("matrices, match", [
    ({}, "^matrices must be a non-empty dict"),
    ({"v": np.ones(3)}, r"^matrices\['v'\]"),
])
def test_transforms_figure_rejects_bad_input_by_name(matrices, match):
    with pytest.raises(ValueError, match=match):
        transforms_figure(matrices)

"""Assignment 7 end to end: honest and wrong submissions, graded in the class run.

The pattern of tests/autograder/assignment1/test_assignment1.py: each submission is the
release of assignment 7 with the solution cells of submissions/<name>/ filled in (the
instructor's elsewhere), graded in the course's one class run (`class_run`). Each wrong
answer must also fail, visibly and as the student runs the release, exactly the cells it
loses in grading; the source's hidden cases must be valid for any seed (the tests every
assignment shares, ../assignment_suite.py, reading the tables below); and torch or
torchvision doing the graded work (neither is installed where the grader runs the
student's code) scores zero. The setup's torch-only deform_conv2d is checked against
torchvision's here too.
"""
import json

import harness
from harness import cell_source as _source, grade_id as _grade_id
from assignment_suite import *  # noqa: F401,F403 - the tests every assignment passes
from assignment_suite import (  # noqa: F401 - the shared tests that apply here too
    test_every_submission_folder_is_in_the_table,
    test_hidden_cases_catch_what_is_special_cased_for_the_visible_ones,
    test_the_release_holds_no_hidden_test_and_no_solution)
from assignment_suite import lost_to_the_mistakes

ASSIGNMENT = "assignment7"
SOURCE = harness.source_of(ASSIGNMENT)
EXPECT_HELPERS = ("expect_array",)

# grade_id: points, in the notebook's order
TESTS = {"bilinear_inside": 4, "bilinear_outside_is_zero": 4,
         "deform_conv2d_zero_offsets_is_conv2d": 4, "deform_conv2d_offset_layout": 6,
         "deform_conv2d_outside_reads_zero": 4, "deform_conv2d_channels_and_groups": 4,
         "deform_conv2d_offset_groups": 4, "deform_conv2d_stride_padding_dilation": 4,
         "deform_conv2d_mask": 5, "deform_conv2d_all_together": 6}
ALL = set(TESTS)
TOGETHER = {"deform_conv2d_all_together"}

# name: (tests that must fail, status must start with, status must contain)
EXPECTED = {
    # honest work
    "source": (set(), "graded", []),
    "release": (ALL, "graded", []),
    "vectorised": (set(), "graded", []),
    # wrong answers: each loses the cells of its rule (and of the functions built on it:
    # the instructor's deform_conv2d samples with the student's bilinear)
    "swapped_dy_dx": ({"deform_conv2d_offset_layout"} | TOGETHER, "graded", []),
    "taps_column_major": ({"deform_conv2d_offset_layout", "deform_conv2d_mask"} | TOGETHER, "graded", []),
    "clamp_outside": ({"bilinear_outside_is_zero", "deform_conv2d_outside_reads_zero",
                       "deform_conv2d_stride_padding_dilation"} | TOGETHER, "graded", []),
    "sigmoid_on_mask": ({"deform_conv2d_mask"} | TOGETHER, "graded", []),
    "offset_groups_interleaved": ({"deform_conv2d_offset_groups"} | TOGETHER, "graded", []),
    "visible_only": ({"deform_conv2d_mask"} | TOGETHER, "graded", []),   # hidden cases only
    # torch doing the graded work: right in the student's own kernel, zero in the grader's
    "uses_torch": (ALL, "graded", []),
}
WRONG = ["swapped_dy_dx", "taps_column_major", "clamp_outside", "sigmoid_on_mask",
         "offset_groups_interleaved"]
HONEST = ["vectorised"]


def test_torch_doing_the_work_is_named_in_the_feedback(graded):
    page = graded.text("uses_torch")
    assert "your bilinear raised" in page and "your deform_conv2d raised" in page and "torch" in page


def test_the_mistakes_cover_every_rule_but_those_no_deformable_mistake_breaks():
    lost = lost_to_the_mistakes(EXPECTED, WRONG)
    # bilinear inside the image, zero offsets and channels with weight groups are the rules
    # of bilinear interpolation and of conv2d (assignment 1), here for special cases
    assert ALL - lost == {"bilinear_inside", "deform_conv2d_zero_offsets_is_conv2d",
                          "deform_conv2d_channels_and_groups"}


def test_a_failing_case_names_the_case_and_what_came_back(visible):
    assert ("your bilinear returned wrong values for image (2, 3), y (4,), x (4,): at index (2,) "
            "yours is 6, expected 0") in visible["clamp_outside"]["bilinear_outside_is_zero"]
    assert ("your deform_conv2d returned wrong values for x (1, 1, 2, 3), offset (1, 2, 2, 3), "
            "weight (1, 1, 1, 1), mask (1, 1, 2, 3): at index (0, 0, 1, 2) yours is 8.773, "
            "expected 12") in visible["sigmoid_on_mask"]["deform_conv2d_mask"]
    assert ("your deform_conv2d returned wrong values for x (1, 1, 5, 6), offset (1, 12, 4, 4), "
            "weight (1, 1, 2, 3)") in visible["swapped_dy_dx"]["deform_conv2d_offset_layout"]


def test_the_setups_torch_only_reference_is_torchvisions_deform_conv2d():
    """The release needs torch alone: its reference deform_conv2d (grid_sample, then one
    product per group) must give torchvision's numbers, on random layers with strides,
    padding, dilation, weight and offset groups, offsets far outside and on integers, masks."""
    import numpy as np
    import torch
    import torch.nn.functional as F
    import torchvision

    setup = next(c for c in json.loads(SOURCE.read_text())["cells"] if _grade_id(c) == "setup")
    namespace = {}
    exec(_source(setup), namespace)
    reference = namespace["torch_deform_conv2d"]
    rng = np.random.default_rng(7)
    t = torch.from_numpy
    for _ in range(150):
        g, G = (int(v) for v in rng.integers(1, 3, size=2))
        C, K = g * G * int(rng.integers(1, 3)), g * int(rng.integers(1, 3))
        kH, kW = (int(v) for v in rng.integers(1, 4, size=2))
        s, p, d = int(rng.integers(1, 3)), int(rng.integers(0, 3)), int(rng.integers(1, 3))
        H, W = d * (kH - 1) + 1 + int(rng.integers(0, 5)), d * (kW - 1) + 1 + int(rng.integers(0, 5))
        N = int(rng.integers(1, 3))
        H_out, W_out = (H + 2 * p - d * (kH - 1) - 1) // s + 1, (W + 2 * p - d * (kW - 1) - 1) // s + 1
        x, w, b = rng.standard_normal((N, C, H, W)), rng.standard_normal((K, C // g, kH, kW)), rng.standard_normal(K)
        offset = rng.uniform(-5, 5, (N, 2 * G * kH * kW, H_out, W_out))
        offset[:, :, 0] = np.round(offset[:, :, 0])
        mask = rng.random((N, G * kH * kW, H_out, W_out)) if rng.random() < 0.5 else None
        theirs = torchvision.ops.deform_conv2d(t(x), t(offset), t(w), t(b), stride=s, padding=p,
                                               dilation=d, mask=None if mask is None else t(mask))
        assert np.abs(reference(x, offset, w, b, s, p, d, mask) - theirs.numpy()).max() < 1e-12

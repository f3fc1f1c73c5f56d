"""Assignment 4 end to end: honest, wrong and cheating submissions, graded in the class run.

Each submission is the student release of assignment 4 with the solution cells filled in
from submissions/<name>/<grade_id>.py (the instructor's solution where there is no file);
all of them, with the untouched source and release, are graded in the one run of every
assignment's submissions (`class_run`, tests/autograder/conftest.py). The pattern is
assignment 1's (tests/autograder/assignment1/test_assignment1.py): the wrong answers are
also run through the release's test cells alone, as the student runs them (visible cases
only), and must fail visibly in exactly the cells the grader takes points for; the source's
full test cells run for several seeds. Those tests are the ones every assignment shares
(../assignment_suite.py, reading the tables below); here are the tables and assignment 4's
own tests.
"""
from assignment_suite import *  # noqa: F401,F403 - the tests every assignment passes
from assignment_suite import (  # noqa: F401 - the shared tests that apply here too
    test_every_submission_has_a_row_and_a_feedback_page,
    test_hidden_cases_catch_what_is_special_cased_for_the_visible_ones,
    test_the_mistakes_cover_every_rule,
    test_the_release_holds_no_hidden_test_and_no_solution)

ASSIGNMENT = "assignment4"

# grade_id: points, in the notebook's order
TESTS = {"effective_kernel_size_values": 3, "dilate_kernel_zeros": 4, "dilate_kernel_edge_shapes": 2,
         "dilated_conv2d_one_channel": 4, "dilated_conv2d_padding": 3, "dilated_conv2d_stride": 3,
         "dilated_conv2d_all_together": 4, "receptive_field_stride_1": 4, "receptive_field_strides": 3,
         "coverage_map_counts": 5, "holes_on_rate_sequences": 5}
DILATE = {"dilate_kernel_zeros", "dilate_kernel_edge_shapes"}
CONV = {"dilated_conv2d_one_channel", "dilated_conv2d_padding", "dilated_conv2d_stride",
        "dilated_conv2d_all_together"}                # the instructor's zero-inserts with dilate_kernel
FIELD = {"receptive_field_stride_1", "receptive_field_strides"}
ALL = set(TESTS)

# name: (tests that must fail, status must start with, status must contain)
EXPECTED = {
    # honest work
    "source": (set(), "graded", []),
    "release": (ALL, "graded", []),
    "loops": (set(), "graded", []),
    # torch doing the graded work (through the setup's references and F.conv2d): torch is
    # not installed where the grader runs a student's code, so every cell is lost
    "uses_torch": (ALL, "graded", []),
    # wrong answers: each loses the cells of its rule (and of the functions built on it)
    "effective_size_off_by_one": ({"effective_kernel_size_values"}, "graded", []),
    "d_zeros_inserted": (DILATE | CONV, "graded", []),
    "dilated_input": (CONV, "graded", []),
    "field_sum_of_spans": (FIELD, "graded", []),
    "field_ignores_strides": ({"receptive_field_strides"}, "graded", []),
    "coverage_mask_not_counts": ({"coverage_map_counts"}, "graded", []),
    "holes_one_axis": ({"holes_on_rate_sequences"}, "graded", []),
    # right on the visible cases of coverage_map only; holes, built on it, loses its hidden ones too
    "visible_only": ({"coverage_map_counts", "holes_on_rate_sequences"}, "graded", []),
}
# Plausible mistakes: every cell the grader takes points for must fail visibly first,
# in the release the student holds (test_..._fails_a_visible_case_first).
WRONG = ["effective_size_off_by_one", "d_zeros_inserted", "dilated_input", "field_sum_of_spans",
         "field_ignores_strides", "coverage_mask_not_counts", "holes_one_axis"]
HONEST = ["loops"]


def test_torch_doing_the_work_scores_zero(graded):
    """uses_torch calls F.conv2d and the setup's torch references: where the grader runs a
    student's code there is no torch, so every call fails and every cell scores 0."""
    assert float(graded.row("uses_torch")["score"]) == 0
    page = graded.text("uses_torch")
    for grade_id in TESTS:
        row = page[page.index(grade_id):][:600]
        assert "failed" in row and ("torch" in row or "'F'" in row), (grade_id, row)


def test_a_failing_case_names_the_case_and_what_came_back(graded):
    assert ("your dilated_conv2d returned shape (1, 1, 11, 14), expected (1, 1, 3, 6), "
            "for x (1, 1, 7, 8), weight (1, 1, 3, 2), dilation=2"
            in graded.error("dilated_input", "dilated_conv2d_one_channel"))
    assert ("your effective_kernel_size returned 4, expected 5, for k=3, dilation=2"
            in graded.error("effective_size_off_by_one", "effective_kernel_size_values"))
    assert ("your receptive_field returned 7, expected 11, for layers=[(3, 2, 1), (3, 1, 2)]"
            in graded.error("field_ignores_strides", "receptive_field_strides"))
    assert ("your holes returned 6, expected 120, for kernel_size=3, dilations=[2, 2, 2]"
            in graded.error("holes_one_axis", "holes_on_rate_sequences"))

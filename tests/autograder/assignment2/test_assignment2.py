"""Assignment 2 (convolution arithmetic) end to end: honest, wrong and torch-calling
submissions, graded in the class run.

Each submission is the student release of assignment 2 with the solution cells filled in
from submissions/<name>/<grade_id>.py (the instructor's solution where there is no file);
all of them, with the untouched source and release, are graded in the one run of every
assignment's submissions (`class_run`, tests/autograder/conftest.py).

The wrong answers are also run through the release's test cells alone, as the student runs
them before submitting (visible cases only): each must fail visibly in exactly the cells the
grader takes its points for. And the source's full test cells run for several seeds: hidden
random cases must be valid for every student, and a mistake must cost the same whoever
makes it. Those tests are the ones every assignment shares (../assignment_suite.py, reading
the tables below); here are the tables and assignment 2's own tests.
"""
from assignment_suite import *  # noqa: F401,F403 - the tests every assignment passes
from assignment_suite import (  # noqa: F401 - the shared tests that apply here too
    test_every_submission_folder_is_in_the_table,
    test_every_submission_has_a_row_and_a_feedback_page,
    test_hidden_cases_catch_what_is_special_cased_for_the_visible_ones,
    test_the_release_holds_no_hidden_test_and_no_solution)
from assignment_suite import lost_to_the_mistakes, torch_is_right_for_the_student_and_scores_zero

ASSIGNMENT = "assignment2"
LEAKS_FOLDER = "notebooks"                  # the whole release, every assignment's
ALSO_RUN_VISIBLY = ["uses_torch"]           # right with torch: run as the student runs it
EXPECT_HELPERS = ("expect_int", "expect_ints", "expect_array")

# grade_id: points, in the notebook's order
TESTS = {"output_size_stride": 3, "output_size_padding": 2, "output_size_dilation": 3,
         "output_size_all_together": 2,
         "transpose_output_size_stride": 3, "transpose_output_size_padding": 2,
         "transpose_output_padding": 2, "transpose_output_size_dilation": 2,
         "transpose_returns_the_input_size": 3,
         "receptive_field_unit_strides": 2, "receptive_field_strides": 4,
         "receptive_field_dilation": 2,
         "jump_and_start_no_padding": 2, "jump_and_start_padding": 3,
         "pad_constant": 3, "pad_reflect": 3, "pad_replicate": 2, "pad_circular": 2}
OUTPUT_SIZE = {"output_size_stride", "output_size_padding", "output_size_dilation",
               "output_size_all_together"}
TRANSPOSE = {"transpose_output_size_stride", "transpose_output_size_padding",
             "transpose_output_padding", "transpose_output_size_dilation",
             "transpose_returns_the_input_size"}
RECEPTIVE = {"receptive_field_unit_strides", "receptive_field_strides", "receptive_field_dilation"}
JUMP = {"jump_and_start_no_padding", "jump_and_start_padding"}
PAD = {"pad_constant", "pad_reflect", "pad_replicate", "pad_circular"}
ALL = set(TESTS)

# name: (tests that must fail, status must start with, status must contain)
EXPECTED = {
    # honest work
    "source": (set(), "graded", []),
    "release": (ALL, "graded", []),
    "loops": (set(), "graded", []),
    # wrong answers: each loses the cells of its rule
    "stride_ceil": ({"output_size_stride", "output_size_all_together"}, "graded", []),
    "padding_total": ({"output_size_padding", "output_size_all_together"}, "graded", []),
    "dilation_times_kernel": ({"output_size_dilation", "output_size_all_together"}, "graded", []),
    "transposed_padding_once": ({"transpose_output_size_padding",
                                 "transpose_returns_the_input_size"}, "graded", []),
    "receptive_field_off_by_one": (RECEPTIVE, "graded", []),
    "jump_updated_first": ({"receptive_field_strides", "receptive_field_dilation"}, "graded", []),
    "start_ignores_jump": ({"jump_and_start_padding"}, "graded", []),
    "reflect_repeats_edge": ({"pad_reflect"}, "graded", []),
    "pad_order_rows_first": (PAD, "graded", []),
    "visible_only": (RECEPTIVE, "graded", []),     # passes the visible part, not the hidden
    # torch does the graded work: torch is not there where the student's code runs
    "uses_torch": (ALL, "graded", []),
}
# Plausible mistakes: every cell the grader takes points for must fail visibly first,
# in the release the student holds (test_..._fails_a_visible_case_first).
WRONG = ["stride_ceil", "padding_total", "dilation_times_kernel", "transposed_padding_once",
         "receptive_field_off_by_one", "jump_updated_first", "start_ignores_jump",
         "reflect_repeats_edge", "pad_order_rows_first"]
HONEST = ["loops"]


def test_torch_doing_the_work_passes_where_torch_is_and_scores_zero_in_the_grader(visible, graded):
    torch_is_right_for_the_student_and_scores_zero(visible, graded, "uses_torch")


def test_the_mistakes_cover_every_rule_but_those_without_a_plausible_one():
    lost = lost_to_the_mistakes(EXPECTED, WRONG)
    # no wrong answer above fails these on its own: their hidden cases are there for
    # mistakes that show only there (stride or dilation of a transposed layer, output_padding,
    # the jump, replicate and circular modes beyond the column order)
    assert ALL - lost == {"transpose_output_size_stride", "transpose_output_padding",
                          "transpose_output_size_dilation", "jump_and_start_no_padding"}


def test_a_failing_case_names_the_case_and_what_came_back(graded):
    assert ("your conv_output_size returned 3, expected 2, for n=6, k=3, stride=2"
            in graded.error("stride_ceil", "output_size_stride"))
    assert ("your conv_output_size returned 3, expected 4, for n=4, k=3, padding=1"
            in graded.error("padding_total", "output_size_padding"))
    assert ("your receptive_field returned 6, expected 7, for layers=[(3, 1, 1, 1), (3, 1, 1, 1), (3, 1, 1, 1)]"
            in graded.error("receptive_field_off_by_one", "receptive_field_unit_strides"))
    assert ("your jump_and_start returned (4, -4), expected (4, -5), for layers=[(7, 2, 1, 3), (3, 2, 1, 1)]"
            in graded.error("start_ignores_jump", "jump_and_start_padding"))
    assert ("your pad2d returned wrong values for x (1, 1, 1, 5), pad=(2, 2, 0, 0), mode='reflect': at index"
            in graded.error("reflect_repeats_edge", "pad_reflect"))

"""Assignment 3 end to end: honest, wrong and cheating submissions, graded in the class run.

Each submission is the student release of assignment 3 with the solution cells filled in
from submissions/<name>/<grade_id>.py (the instructor's solution where there is no file);
all of them, with the untouched source and release, are graded in the one run of every
assignment's submissions (`class_run`, tests/autograder/conftest.py).

The wrong answers are also run through the release's test cells alone, as the student runs
them before submitting (visible cases only): each must fail visibly in exactly the cells the
grader takes its points for. The source's full test cells run for several seeds: hidden
random cases must be valid for every student, and a mistake must cost the same whoever makes
it. Those tests are the ones every assignment shares (../assignment_suite.py, reading the
tables below). Here: letting torch do the work (its conv_transpose2d, or autograd through
its conv2d) is right when the student runs it and scores zero when graded, where torch is
not installed.
"""
from assignment_suite import *  # noqa: F401,F403 - the tests every assignment passes
from assignment_suite import (  # noqa: F401 - the shared tests that apply here too
    test_every_submission_has_a_row_and_a_feedback_page,
    test_hidden_cases_catch_what_is_special_cased_for_the_visible_ones,
    test_the_release_holds_no_hidden_test_and_no_solution)
from assignment_suite import lost_to_the_mistakes, torch_is_right_for_the_student_and_scores_zero

ASSIGNMENT = "assignment3"

# grade_id: points, in the notebook's order
TESTS = {"conv_transpose2d_one_channel": 4, "conv_transpose2d_stride": 4,
         "conv_transpose2d_padding": 4, "conv_transpose2d_output_padding": 4,
         "conv_transpose2d_channels": 4, "conv_transpose2d_bias": 2,
         "conv_transpose2d_groups": 4, "conv_transpose2d_all_together": 3,
         "insert_zeros_between_pixels": 2, "zero_insertion_one_channel": 4,
         "zero_insertion_padding_and_output_padding": 4, "zero_insertion_channels_and_groups": 4,
         "overlap_map_counts": 4}
SCATTER = {g for g in TESTS if g.startswith("conv_transpose2d_")}
ZERO_INSERTION = {g for g in TESTS if g.startswith("zero_insertion_")}
OVERLAP = {"overlap_map_counts"}
ALL = set(TESTS)

# name: (tests that must fail, status must start with, status must contain)
EXPECTED = {
    # honest work
    "source": (set(), "graded", []),
    "release": (ALL, "graded", []),
    "vectorised": (set(), "graded", []),
    # wrong answers: each loses the cells of its rule
    "scatter_flipped_kernel": (SCATTER, "graded", []),
    "padding_not_cropped": ({"conv_transpose2d_padding", "conv_transpose2d_output_padding",
                             "conv_transpose2d_all_together"}, "graded", []),
    "output_padding_zeros": ({"conv_transpose2d_output_padding", "conv_transpose2d_all_together"},
                             "graded", []),
    "groups_wrong_outputs": ({"conv_transpose2d_groups", "conv_transpose2d_all_together"},
                             "graded", []),
    "zero_insertion_unflipped": (ZERO_INSERTION, "graded", []),
    "zero_insertion_border_ignores_padding": ({"zero_insertion_padding_and_output_padding"},
                                              "graded", []),
    "zero_insertion_whole_swap": ({"zero_insertion_channels_and_groups"}, "graded", []),
    "overlap_no_right_edge": (OVERLAP, "graded", []),
    "visible_only": (OVERLAP, "graded", []),        # passes the visible part, not the hidden
    # torch doing the work: right where the student runs it, zero where it is graded
    "uses_torch": (ALL, "graded", []),
    "conv2d_autograd": (ALL, "graded", []),
}
WRONG = ["scatter_flipped_kernel", "padding_not_cropped", "output_padding_zeros",
         "groups_wrong_outputs", "zero_insertion_unflipped",
         "zero_insertion_border_ignores_padding", "zero_insertion_whole_swap",
         "overlap_no_right_edge"]
HONEST = ["vectorised"]
CHEATS = ["uses_torch", "conv2d_autograd"]
ALSO_RUN_VISIBLY = CHEATS           # right with torch: run as the student runs them


def test_the_mistakes_cover_every_rule_but_insert_zeros():
    lost = lost_to_the_mistakes(EXPECTED, WRONG)
    # insert_zeros has no wrong answer of its own here (a wrong one also fails the
    # zero-insertion cells, which use it): the budget of a dozen submissions went elsewhere
    assert ALL - lost == {"insert_zeros_between_pixels"}


def test_torch_doing_the_work_is_right_for_the_student_and_scores_zero(visible, graded):
    for student in CHEATS:
        page = torch_is_right_for_the_student_and_scores_zero(visible, graded, student)
        assert "torch" in page, student


def test_a_failing_case_names_the_case_and_what_came_back(graded):
    assert ("your conv_transpose2d returned shape (1, 1, 4, 4), expected (1, 1, 2, 2), "
            "for x (1, 1, 2, 2), weight (1, 1, 2, 2), stride=2, padding=1"
            in graded.error("padding_not_cropped", "conv_transpose2d_padding"))
    assert ("your conv_transpose2d returned wrong values for x (1, 1, 2, 2), weight (1, 1, 2, 2), "
            "stride=2, padding=1, output_padding=1: at index (0, 0, 2, 1) yours is 0, expected 8"
            in graded.error("output_padding_zeros", "conv_transpose2d_output_padding"))
    assert ("your overlap_map returned wrong values for input_shape=(2, 3), kernel_size=(3, 3), "
            "stride=2" in graded.error("overlap_no_right_edge", "overlap_map_counts"))

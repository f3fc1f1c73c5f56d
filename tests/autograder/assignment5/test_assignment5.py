"""Assignment 5 end to end: honest and wrong submissions, graded in the class run.

The pattern of tests/autograder/assignment1/test_assignment1.py: each submission is the
release of assignment 5 with the solution cells of submissions/<name>/ filled in (the
instructor's elsewhere), graded in the course's one class run (`class_run`). Each wrong
answer must also fail, visibly and as the student runs the release, exactly the cells it
loses in grading; the source's hidden cases must be valid for any seed (the tests every
assignment shares, ../assignment_suite.py, reading the tables below); and torch doing the
graded work (it is not installed where the grader runs the student's code) scores zero.
"""
from assignment_suite import *  # noqa: F401,F403 - the tests every assignment passes
from assignment_suite import (  # noqa: F401 - the shared tests that apply here too
    test_every_submission_folder_is_in_the_table,
    test_hidden_cases_catch_what_is_special_cased_for_the_visible_ones,
    test_the_release_holds_no_hidden_test_and_no_solution)
from assignment_suite import lost_to_the_mistakes

ASSIGNMENT = "assignment5"
EXPECT_HELPERS = ("expect_array", "expect_int", "expect_float", "expect_factors")

# grade_id: points, in the notebook's order
TESTS = {"kernel_rank_with_tolerance": 4, "rank1_factors_rebuild_the_kernel": 4,
         "separable_filter_matches_2d_pass": 5, "separable_filter_edge_shapes": 2,
         "depthwise_each_channel_alone": 5, "depthwise_stride_padding": 3,
         "depthwise_edge_shapes": 2, "depthwise_separable_matches_torch": 5,
         "depthwise_separable_parameter_count": 3, "depthwise_separable_multiply_adds": 4,
         "cost_ratio_separable_over_standard": 3}
SEPARABLE_FILTER = {"separable_filter_matches_2d_pass", "separable_filter_edge_shapes"}
# the instructor's depthwise_separable_conv2d calls depthwise_conv2d
MIXING = {"depthwise_each_channel_alone", "depthwise_separable_matches_torch"}
ALL = set(TESTS)

# name: (tests that must fail, status must start with, status must contain)
EXPECTED = {
    # honest work
    "source": (set(), "graded", []),
    "release": (ALL, "graded", []),
    "vectorised": (set(), "graded", []),
    # wrong answers: each loses the cells of its rule (and of the functions built on it)
    "rank_without_tolerance": ({"kernel_rank_with_tolerance"}, "graded", []),
    "factors_forget_sigma": ({"rank1_factors_rebuild_the_kernel"}, "graded", []),
    "np_convolve_flips": (SEPARABLE_FILTER, "graded", []),
    "depthwise_mixes_channels": (MIXING, "graded", []),
    "pointwise_first": ({"depthwise_separable_matches_torch"}, "graded", []),
    "params_depthwise_as_dense": ({"depthwise_separable_parameter_count"}, "graded", []),
    "pointwise_at_input_size": ({"depthwise_separable_multiply_adds"}, "graded", []),
    "cost_ratio_inverted": ({"cost_ratio_separable_over_standard"}, "graded", []),
    "ratio_without_one_over_k": ({"cost_ratio_separable_over_standard"}, "graded", []),
    "visible_only": ({"cost_ratio_separable_over_standard"}, "graded", []),   # hidden cases only
    # torch doing the graded work: right in the student's own kernel, zero in the grader's
    "uses_torch": (ALL, "graded", []),
}
WRONG = ["rank_without_tolerance", "factors_forget_sigma", "np_convolve_flips",
         "depthwise_mixes_channels", "pointwise_first", "params_depthwise_as_dense",
         "pointwise_at_input_size", "cost_ratio_inverted", "ratio_without_one_over_k"]
HONEST = ["vectorised"]


def test_torch_doing_the_work_is_named_in_the_feedback(graded):
    page = graded.text("uses_torch")
    assert "your depthwise_conv2d raised" in page and "torch" in page


def test_the_mistakes_cover_every_rule_but_stride_and_edge_shapes():
    lost = lost_to_the_mistakes(EXPECTED, WRONG)
    # no plausible mistake of this assignment's topic fails only these: the stride and
    # padding rules are assignment 1's, and the edge shapes are there for special cases
    assert ALL - lost == {"depthwise_stride_padding", "depthwise_edge_shapes"}


def test_a_failing_case_names_the_case_and_what_came_back(visible):
    assert ("your cost_ratio returned 7.89041, expected 0.126736, for out_channels=64, "
            "kernel_size=(3, 3)") in visible["cost_ratio_inverted"]["cost_ratio_separable_over_standard"]
    assert ("your depthwise_separable_params returned 11264, expected 2336, for in_channels=32"
            in visible["params_depthwise_as_dense"]["depthwise_separable_parameter_count"])
    assert ("your kernel_rank returned 2, expected 1, for k (3, 3)"
            in visible["rank_without_tolerance"]["kernel_rank_with_tolerance"])

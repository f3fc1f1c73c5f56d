"""Assignment 6 end to end: honest and wrong submissions, graded in the class run.

The pattern of tests/autograder/assignment1/test_assignment1.py: each submission is the
release of assignment 6 with the solution cells of submissions/<name>/ filled in (the
instructor's elsewhere), graded in the course's one class run (`class_run`). Each wrong
answer must also fail, visibly and as the student runs the release, exactly the cells it
loses in grading; the source's hidden cases must be valid for any seed (the tests every
assignment shares, ../assignment_suite.py, reading the tables below); and torch doing the
graded work (nn.ChannelShuffle, F.conv2d: not installed where the grader runs the student's
code) scores zero.
"""
from assignment_suite import *  # noqa: F401,F403 - the tests every assignment passes
from assignment_suite import (  # noqa: F401 - the shared tests that apply here too
    test_every_submission_folder_is_in_the_table,
    test_hidden_cases_catch_what_is_special_cased_for_the_visible_ones,
    test_the_mistakes_cover_every_rule,
    test_the_release_holds_no_hidden_test_and_no_solution)

ASSIGNMENT = "assignment6"
EXPECT_HELPERS = ("expect_array", "expect_int", "expect_float", "expect_factors")

# grade_id: points, in the notebook's order
TESTS = {"block_diagonal_blocks": 4, "block_diagonal_edge_groups": 3,
         "channel_shuffle_order": 4, "channel_shuffle_any_axes": 2,
         "channel_unshuffle_inverse": 3, "shufflenet_unit_stride_1": 5,
         "shufflenet_unit_stride_2": 5}
BLOCK = {"block_diagonal_blocks", "block_diagonal_edge_groups"}
SHUFFLE = {"channel_shuffle_order", "channel_shuffle_any_axes"}
# the instructor's shufflenet_unit calls block_diagonal_weight and channel_shuffle
UNIT = {"shufflenet_unit_stride_1", "shufflenet_unit_stride_2"}
ALL = set(TESTS)

# name: (tests that must fail, status must start with, status must contain)
EXPECTED = {
    # honest work
    "source": (set(), "graded", []),
    "release": (ALL, "graded", []),
    "loops": (set(), "graded", []),
    # wrong answers: each loses the cells of its rule (and of the functions built on it)
    "shuffle_wrong_way_round": (SHUFFLE | UNIT, "graded", []),
    "unshuffle_is_shuffle": ({"channel_unshuffle_inverse"}, "graded", []),
    "block_offset_by_filters": (BLOCK | UNIT, "graded", []),
    "relu_after_depthwise": (UNIT, "graded", []),
    "no_shuffle": (UNIT, "graded", []),
    "pooled_input_last": ({"shufflenet_unit_stride_2"}, "graded", []),
    "pool_excludes_padding": ({"shufflenet_unit_stride_2"}, "graded", []),
    "visible_only": (UNIT, "graded", []),       # padding 1 written in: hidden 1x1 and 5x5 kernels
    # torch doing the graded work: right in the student's own kernel, zero in the grader's
    "uses_torch": (ALL, "graded", []),
}
WRONG = ["shuffle_wrong_way_round", "unshuffle_is_shuffle", "block_offset_by_filters",
         "relu_after_depthwise", "no_shuffle", "pooled_input_last", "pool_excludes_padding"]
HONEST = ["loops"]


def test_torch_doing_the_work_is_named_in_the_feedback(graded):
    page = graded.text("uses_torch")
    assert "your channel_shuffle raised" in page and "torch" in page


def test_a_failing_case_names_the_case_and_what_came_back(visible):
    assert ("your channel_shuffle returned wrong values for x (1, 12, 1, 1), groups=3: at index "
            "(0, 3, 0, 0) yours is 9, expected 1"
            in visible["shuffle_wrong_way_round"]["channel_shuffle_order"])
    assert ("your channel_unshuffle returned wrong values for x (1, 12, 1, 1), groups=3"
            in visible["unshuffle_is_shuffle"]["channel_unshuffle_inverse"])
    assert ("your shufflenet_unit returned wrong values for x (2, 6, 7, 6), conv1_weight (12, 2, 1, 1)"
            in visible["pool_excludes_padding"]["shufflenet_unit_stride_2"])
    assert ("your shufflenet_unit returned shape"
            not in visible["pooled_input_last"]["shufflenet_unit_stride_2"])

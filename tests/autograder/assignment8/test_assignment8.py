"""Assignment 8 (squeeze-and-excitation) end to end: honest, wrong and cheating submissions,
graded in the class run, as assignment 1's test does it (../assignment1/test_assignment1.py
says how).

Each submission is the student release of assignment 8 with the solution cells filled in
from submissions/<name>/<grade_id>.py (the instructor's solution where there is no file).
The wrong answers also run through the release's test cells alone, as the student runs them
(visible cases only), and must fail visibly in exactly the cells the grader takes points
for; the source's full test cells run for several seeds (the tests every assignment shares,
../assignment_suite.py, reading the tables below). `uses_torchvision` has torch and
torchvision do all the graded work: it passes every visible case where torch is installed,
and scores zero where the grader runs it.
"""
from assignment_suite import *  # noqa: F401,F403 - the tests every assignment passes
from assignment_suite import (  # noqa: F401 - the shared tests that apply here too
    test_every_submission_has_a_row_and_a_feedback_page,
    test_hidden_cases_catch_what_is_special_cased_for_the_visible_ones,
    test_the_mistakes_cover_every_rule)
from assignment_suite import torch_is_right_for_the_student_and_scores_zero

ASSIGNMENT = "assignment8"
ALSO_RUN_VISIBLY = ["uses_torchvision"]     # right with torch: run as the student runs it

# grade_id: points, in the notebook's order
TESTS = {"squeeze_means": 3, "squeeze_edge_shapes": 2, "excitation_gates": 5,
         "excitation_reduction_ratios": 3, "squeeze_excitation_forward": 5,
         "squeeze_excitation_shapes_and_ratios": 4, "se_params_count": 3}
SQUEEZE = {"squeeze_means", "squeeze_edge_shapes"}
EXCITATION = {"excitation_gates", "excitation_reduction_ratios"}
SE = {"squeeze_excitation_forward", "squeeze_excitation_shapes_and_ratios"}   # the instructor's calls both
PARAMS = {"se_params_count"}
ALL = set(TESTS)

# name: (tests that must fail, status must start with, status must contain)
EXPECTED = {
    # honest work
    "source": (set(), "graded", []),
    "release": (ALL, "graded", []),
    "loops": (set(), "graded", []),
    # wrong answers: each loses the cells of its rule (and of the functions built on it)
    "pooling_wrong_axes": (SQUEEZE | SE, "graded", []),
    "gate_without_sigmoid": (EXCITATION | SE, "graded", []),
    "missing_relu": (EXCITATION | SE, "graded", []),
    "scale_wrong_axis": (SE, "graded", []),
    "params_weights_only": (PARAMS, "graded", []),
    "params_true_division": (PARAMS, "graded", []),
    "visible_only": (PARAMS, "graded", []),       # passes the visible part, not the hidden
    # torch and torchvision doing the graded work: not installed where the grader runs it
    "uses_torchvision": (ALL, "graded", []),
}
# Plausible mistakes: every cell the grader takes points for must fail visibly first,
# in the release the student holds (test_..._fails_a_visible_case_first).
WRONG = ["pooling_wrong_axes", "gate_without_sigmoid", "missing_relu", "scale_wrong_axis",
         "params_weights_only", "params_true_division"]
HONEST = ["loops"]


def test_torchvision_doing_the_work_passes_visibly_and_scores_zero(visible, graded):
    """Where torch is installed (the student's machine) it passes every visible case; where
    the grader runs it, torch and torchvision are absent and every cell is lost."""
    torch_is_right_for_the_student_and_scores_zero(visible, graded, "uses_torchvision")


def test_a_failing_case_names_the_case_and_what_came_back(graded):
    assert ("your squeeze returned shape (1, 3), expected (1, 2), for x (1, 2, 2, 3)"
            in graded.error("pooling_wrong_axes", "squeeze_means"))
    assert ("your excitation returned wrong values for z (1, 2), fc1_weight (1, 2), fc1_bias (1,), "
            "fc2_weight (2, 1), fc2_bias (2,): at index (0, 0) yours is 0, expected 0.5"
            in graded.error("gate_without_sigmoid", "excitation_gates"))
    assert ("your se_params returned 8464.0 (float), expected the int 8464, for channels=256, "
            "reduction=16" in graded.error("params_true_division", "se_params_count"))

"""Assignment 9 (computing convolution fast) end to end: honest, wrong and cheating submissions,
graded in the class run, as assignment 1's test does it (../assignment1/test_assignment1.py
says how).

Each submission is the student release of assignment 9 with the solution cells filled in
from submissions/<name>/<grade_id>.py (the instructor's solution where there is no file).
The wrong answers also run through the release's test cells alone, as the student runs them
(visible cases only), and must fail visibly in exactly the cells the grader takes points
for; the source's full test cells run for several seeds (the tests every assignment shares,
../assignment_suite.py, reading the tables below). `uses_torch` has torch do all the
graded work: it passes every visible case where torch is installed, and scores zero where the
grader runs it.
"""
from assignment_suite import *  # noqa: F401,F403 - the tests every assignment passes
from assignment_suite import (  # noqa: F401 - the shared tests that apply here too
    test_every_submission_has_a_row_and_a_feedback_page,
    test_the_mistakes_cover_every_rule)
from assignment_suite import torch_is_right_for_the_student_and_scores_zero

ASSIGNMENT = "assignment9"
VISIBLE_ONLY = []                   # no submission is right on the visible cases alone
ALSO_RUN_VISIBLY = ["uses_torch"]   # right with torch: run as the student runs it

# grade_id: points, in the notebook's order
TESTS = {"im2col_windows": 4, "im2col_stride": 3, "im2col_edges": 2, "conv2d_gemm_basic": 4,
         "conv2d_gemm_stride_padding": 4, "conv2d_gemm_bias": 2, "winograd_f23_products": 4,
         "winograd_f23_even": 3, "winograd_f23_odd": 3}
IM2COL = {"im2col_windows", "im2col_stride", "im2col_edges"}
GEMM = {"conv2d_gemm_basic", "conv2d_gemm_stride_padding", "conv2d_gemm_bias"}  # calls im2col
F23 = {"winograd_f23_products", "winograd_f23_even", "winograd_f23_odd"}   # f23 calls the products
ALL = set(TESTS)

# name: (tests that must fail, status must start with, status must contain)
EXPECTED = {
    # honest work
    "source": (set(), "graded", []),
    "release": (ALL, "graded", []),
    "loops": (set(), "graded", []),
    # wrong answers: each loses the cells of its rule (and of the functions built on it)
    "im2col_column_order": (IM2COL | GEMM, "graded", []),
    "im2col_row_order": (IM2COL | GEMM, "graded", []),
    "gemm_ignores_padding": ({"conv2d_gemm_stride_padding"}, "graded", []),
    "gemm_drops_bias": ({"conv2d_gemm_bias"}, "graded", []),
    "winograd_sign": (F23, "graded", []),
    "f23_drops_last_output": ({"winograd_f23_odd"}, "graded", []),
    # torch doing the graded work: not installed where the grader runs it
    "uses_torch": (ALL, "graded", []),
}
# Plausible mistakes: every cell the grader takes points for must fail visibly first,
# in the release the student holds (test_..._fails_a_visible_case_first).
WRONG = ["im2col_column_order", "im2col_row_order", "gemm_ignores_padding", "gemm_drops_bias",
         "winograd_sign", "f23_drops_last_output"]
HONEST = ["loops"]


def test_torch_doing_the_work_passes_visibly_and_scores_zero(visible, graded):
    """Where torch is installed (the student's machine) it passes every visible case; where
    the grader runs it, torch is absent and every cell is lost."""
    torch_is_right_for_the_student_and_scores_zero(visible, graded, "uses_torch")


def test_a_failing_case_names_the_case_and_what_came_back(graded):
    assert ("your im2col returned wrong values for x_padded (2, 3, 5, 6), kernel_size=(2, 3), "
            "stride=1: at index" in graded.error("im2col_row_order", "im2col_windows"))
    assert ("your conv2d_gemm returned shape (2, 3, 2, 2), expected (2, 3, 3, 3), for x (2, 3, 6, 6), "
            "weight (3, 3, 3, 3), stride=2, padding=1"
            in graded.error("gemm_ignores_padding", "conv2d_gemm_stride_padding"))
    assert ("your winograd_f23 returned shape (2,), expected (3,), for d (5,), g (3,)"
            in graded.error("f23_drops_last_output", "winograd_f23_odd"))

"""Assignment 1 end to end: honest and wrong submissions, graded in the class run.

Each submission is the student release of assignment 1 with the solution cells filled in
from submissions/<name>/<grade_id>.py (the instructor's solution where there is no file);
all of them, with the untouched source and release, are graded in the one run of every
assignment's submissions (`class_run`, tests/autograder/conftest.py). Attacks and broken
notebooks are in ../test_attacks.py and ../test_redteam.py.

The wrong answers are also run through the release's test cells alone, as the student runs
them before submitting (visible cases only): each must fail visibly in exactly the cells the
grader takes its points for, so that no plausible mistake loses points it was not warned of.
And the source's full test cells run for several seeds: hidden random cases must be valid
for every student, and a mistake must cost the same whoever makes it.

Those tests, the scores and the feedback pages are the ones every assignment shares
(../assignment_suite.py, reading the tables below); this module holds the tables and
assignment 1's own tests: the leak checker on its hidden lines and solutions, the cells no
mistake loses, and what failing cases say.
"""
import html
import json
import subprocess
import sys

import harness
from harness import cell_source as _source, grade_id as _grade_id, instructor_solutions
from assignment_suite import *  # noqa: F401,F403 - the tests every assignment passes
from assignment_suite import (  # noqa: F401 - the shared tests that apply here too
    test_every_submission_has_a_row_and_a_feedback_page,
    test_hidden_cases_catch_what_is_special_cased_for_the_visible_ones,
    test_the_release_holds_no_hidden_test_and_no_solution)
from assignment_suite import lost_to_the_mistakes

ASSIGNMENT = "assignment1"
SOURCE = harness.source_of(ASSIGNMENT)
LEAKS_FOLDER = "notebooks"          # the whole release, every assignment's

# grade_id: points, in the notebook's order
TESTS = {"corr2d_basics": 6, "corr2d_edge_shapes": 3, "convolve2d_full": 5,
         "conv2d_one_channel": 3, "conv2d_edge_shapes": 2, "conv2d_channels": 4, "conv2d_bias": 2,
         "conv2d_stride": 3, "conv2d_padding": 3, "conv2d_all_together": 3,
         "output_size": 3, "parameter_count": 2, "multiply_adds": 3, "flops": 2,
         "conv_matrix_reproduces_corr2d": 8, "conv_matrix_edge_shapes": 2,
         "corr2d_input_gradient_matches_autograd": 6}
CORR2D = {"corr2d_basics", "corr2d_edge_shapes"}
CONVOLVE = {"convolve2d_full"}                      # the instructor's convolve2d calls corr2d
CONV2D = {"conv2d_one_channel", "conv2d_edge_shapes", "conv2d_channels", "conv2d_bias",
          "conv2d_stride", "conv2d_padding", "conv2d_all_together"}
COUNTING = {"output_size", "parameter_count", "multiply_adds", "flops"}
MATRIX = {"conv_matrix_reproduces_corr2d", "conv_matrix_edge_shapes"}
GRADIENT = {"corr2d_input_gradient_matches_autograd"}   # the instructor's uses conv_matrix
ALL = set(TESTS)

# name: (tests that must fail, status must start with, status must contain)
EXPECTED = {
    # honest work
    "source": (set(), "graded", []),
    "release": (ALL, "graded", []),
    "loops": (set(), "graded", []),
    "vectorised": (set(), "graded", []),
    # wrong answers: each loses the cells of its rule (and of the functions built on it)
    "flipped_kernel": (CORR2D | CONVOLVE, "graded", []),
    "convolution_not_flipped": (CONVOLVE, "graded", []),
    "convolution_valid_only": (CONVOLVE, "graded", []),
    "channels_overwritten": ({"conv2d_channels", "conv2d_all_together"}, "graded", []),
    "missing_bias": ({"conv2d_bias", "conv2d_all_together"}, "graded", []),
    "bias_wrong_axis": ({"conv2d_bias", "conv2d_all_together"}, "graded", []),
    "stride_wrong": ({"conv2d_stride", "conv2d_all_together"}, "graded", []),
    "stride_ceil": ({"conv2d_stride", "conv2d_all_together"}, "graded", []),
    "off_by_one_padding": ({"conv2d_padding", "conv2d_all_together"}, "graded", []),
    "padding_total": ({"conv2d_padding", "conv2d_all_together"}, "graded", []),
    "output_size_off_by_one": ({"output_size", "multiply_adds", "flops"}, "graded", []),
    "params_forget_in_channels": ({"parameter_count"}, "graded", []),
    "macs_counted_as_flops": ({"multiply_adds", "flops"}, "graded", []),
    "flops_counted_as_macs": ({"flops"}, "graded", []),
    "matrix_rows_by_input_width": ({"conv_matrix_reproduces_corr2d"} | GRADIENT, "graded", []),
    "gradient_correlates": (GRADIENT, "graded", []),
    "visible_only": (CORR2D | CONVOLVE, "graded", []),   # passes the visible part, not the hidden
}
# Plausible mistakes: every cell the grader takes points for must fail visibly first,
# in the release the student holds (test_..._fails_a_visible_case_first).
WRONG = ["flipped_kernel", "convolution_not_flipped", "convolution_valid_only",
         "channels_overwritten", "missing_bias", "bias_wrong_axis", "stride_wrong", "stride_ceil",
         "off_by_one_padding", "padding_total", "output_size_off_by_one",
         "params_forget_in_channels", "macs_counted_as_flops", "flops_counted_as_macs",
         "matrix_rows_by_input_width", "gradient_correlates"]
HONEST = ["loops", "vectorised"]


def test_leaks_finds_a_hidden_line_in_highlighted_html(tmp_path):
    hidden = next(line.strip() for line in _source(next(
        c for c in json.loads(SOURCE.read_text())["cells"]
        if _grade_id(c) == "conv2d_stride")).splitlines() if "stride_cases.append" in line)
    highlighted = "".join(f'<span class="n">{html.escape(tok)}</span> ' for tok in hidden.split())
    (tmp_path / "page.html").write_text(f"<html><body><pre>{highlighted}</pre></body></html>")
    proc = subprocess.run([sys.executable, "-m", "autograder", "leaks", str(tmp_path)],
                          cwd=harness.ROOT, capture_output=True, text=True)
    assert proc.returncode == 1 and "stride_cases.append" in proc.stdout


def test_leaks_finds_a_pasted_solution_but_not_one_generic_line(tmp_path):
    solution = instructor_solutions()["conv_matrix_code"]
    (tmp_path / "generic.py").write_text("if bias is not None:\n    y = y + bias\n")
    ok = subprocess.run([sys.executable, "-m", "autograder", "leaks", str(tmp_path)],
                        cwd=harness.ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout
    (tmp_path / "answers.md").write_text(solution)
    leak = subprocess.run([sys.executable, "-m", "autograder", "leaks", str(tmp_path)],
                          cwd=harness.ROOT, capture_output=True, text=True)
    assert leak.returncode == 1 and "conv_matrix_code" in leak.stdout


def test_the_mistakes_cover_every_rule_but_the_edge_shapes():
    lost = lost_to_the_mistakes(EXPECTED, WRONG)
    # no wrong answer above fails these: their hidden cases are there for mistakes that
    # show only on edge shapes (a squeezed axis, a special case), which none of them makes
    assert ALL - lost == {"conv2d_one_channel", "conv2d_edge_shapes", "conv_matrix_edge_shapes"}


def test_a_failing_case_names_the_case_and_what_came_back(graded):
    assert ("AssertionError: your conv2d returned shape (1, 1, 3, 3), expected (1, 1, 2, 2), "
            "for x (1, 1, 6, 6), weight (1, 1, 3, 3), stride=2"
            in graded.error("stride_ceil", "conv2d_stride"))
    assert ("your conv2d raised ValueError (operands could not be broadcast"
            in graded.error("bias_wrong_axis", "conv2d_bias"))
    assert ("for x (1, 1, 5, 7), weight (3, 1, 3, 2), bias (3,)"
            in graded.error("bias_wrong_axis", "conv2d_bias"))
    assert ("your conv_flops returned 115605504, expected 231211008, for input_shape=(1, 64, 56, 56)"
            in graded.error("flops_counted_as_macs", "flops"))
    wrong_values = graded.error("convolution_not_flipped", "convolve2d_full")
    assert "your convolve2d returned wrong values for x (3, 3), k (2, 2): at index" in wrong_values

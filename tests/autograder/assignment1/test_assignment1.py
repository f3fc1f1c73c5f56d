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
"""
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import harness
from harness import cell_source as _source, grade_id as _grade_id, instructor_solutions, is_test

ROOT = Path(__file__).resolve().parents[3]
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
SOURCE, RELEASE = harness.source_of("assignment1"), harness.release_of("assignment1")

# grade_id: points, in the notebook's order
TESTS = {"corr2d_basics": 6, "corr2d_edge_shapes": 3, "convolve2d_full": 5,
         "conv2d_one_channel": 3, "conv2d_edge_shapes": 2, "conv2d_channels": 4, "conv2d_bias": 2,
         "conv2d_stride": 3, "conv2d_padding": 3, "conv2d_all_together": 3,
         "output_size": 3, "parameter_count": 2, "multiply_adds": 3, "flops": 2,
         "conv_matrix_reproduces_corr2d": 8, "conv_matrix_edge_shapes": 2,
         "corr2d_input_gradient_matches_autograd": 6}
FULL = sum(TESTS.values())
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


def assemble(name):
    """The release notebook, filled in as submissions/<name>/ says."""
    return harness.from_folder(SUBMISSIONS / name)


@pytest.fixture(scope="module")
def graded(class_run):
    return harness.view(class_run, "assignment1")


def test_every_submission_has_a_row_and_a_feedback_page(graded):
    for student in EXPECTED:
        row = graded.row(student)
        assert row["max_score"] == str(FULL), row
        assert graded.results(student), student


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_score_and_status(graded, student):
    failing, status_start, status_has = EXPECTED[student]
    row = graded.row(student)
    assert float(row["score"]) == FULL - sum(TESTS[t] for t in failing), row
    assert row["status"].startswith(status_start), row
    for word in status_has:
        assert word in row["status"], row


@pytest.mark.parametrize("student", sorted(s for s, e in EXPECTED.items() if e[1] == "graded"))
def test_feedback_shows_each_test_with_points_and_outcome(graded, student):
    results = graded.results(student)
    failing = EXPECTED[student][0]
    assert set(results) == set(TESTS)
    for grade_id, (earned, possible, passed) in results.items():
        assert possible == TESTS[grade_id]
        assert passed == (grade_id not in failing) and earned == (possible if passed else 0)


def test_leaks_finds_a_hidden_line_in_highlighted_html(tmp_path):
    hidden = next(line.strip() for line in _source(next(
        c for c in json.loads(SOURCE.read_text())["cells"]
        if _grade_id(c) == "conv2d_stride")).splitlines() if "stride_cases.append" in line)
    highlighted = "".join(f'<span class="n">{html.escape(tok)}</span> ' for tok in hidden.split())
    (tmp_path / "page.html").write_text(f"<html><body><pre>{highlighted}</pre></body></html>")
    proc = subprocess.run([sys.executable, "-m", "autograder", "leaks", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 1 and "stride_cases.append" in proc.stdout


def test_leaks_finds_a_pasted_solution_but_not_one_generic_line(tmp_path):
    solution = instructor_solutions()["conv_matrix_code"]
    (tmp_path / "generic.py").write_text("if bias is not None:\n    y = y + bias\n")
    ok = subprocess.run([sys.executable, "-m", "autograder", "leaks", str(tmp_path)],
                        cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout
    (tmp_path / "answers.md").write_text(solution)
    leak = subprocess.run([sys.executable, "-m", "autograder", "leaks", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True)
    assert leak.returncode == 1 and "conv_matrix_code" in leak.stdout


def test_the_release_holds_no_hidden_test_and_no_solution():
    proc = subprocess.run([sys.executable, "-m", "autograder", "leaks", "notebooks"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


# -- what the student sees before submitting, and the hidden cases across seeds ----------

RUNNER = r"""
import contextlib, io, json, sys
import matplotlib
matplotlib.use("Agg")
results = {}
for key, job in json.load(sys.stdin).items():
    namespace, failed = {"__name__": "__main__"}, {}
    for cell in job["cells"]:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(cell["source"], f"<{key} {cell['grade_id']}>", "exec"), namespace)
        except Exception as error:
            if cell["test"]:
                failed[cell["grade_id"]] = f"{type(error).__name__}: {error}"
        if cell["grade_id"] == "setup" and job["seed"] is not None:
            namespace["GRADING_SEED"] = job["seed"]          # as the grader sets it
    results[key] = failed
print(json.dumps(results))
"""


def notebook_cells(name, hidden=False):
    """The setup, solution and test cells of submission `name`, in order: as the student
    holds it (the release: test cells with their visible part only), or with the source's
    full test cells (hidden parts too) when hidden=True."""
    nb = json.loads(RELEASE.read_text()) if name == "release" else assemble(name)
    full = {_grade_id(c): _source(c) for c in json.loads(SOURCE.read_text())["cells"] if is_test(c)}
    return [{"grade_id": _grade_id(c), "test": is_test(c),
             "source": full[_grade_id(c)] if hidden and is_test(c) else _source(c)}
            for c in nb["cells"] if c["cell_type"] == "code" and _grade_id(c)]


def run_cells(jobs):
    """{key: {grade_id: message}} of the test cells that fail, one fresh namespace per job."""
    proc = subprocess.run([sys.executable, "-c", RUNNER], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, input=json.dumps(jobs))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def visible():
    """{submission: {grade_id: message}} of the release's test cells that fail when the
    student runs them (visible cases only)."""
    names = ["release", "visible_only", *HONEST, *WRONG]
    return run_cells({name: {"cells": notebook_cells(name), "seed": None} for name in names})


def test_hidden_cases_are_valid_for_any_seed_and_a_mistake_costs_the_same_for_all():
    """The source passes its hidden tests for 20 seeds (no random case torch rejects or a
    right answer fails), and each wrong answer loses the same cells for 3 more seeds than
    the grading run's one."""
    jobs = {f"source/{seed}": {"cells": notebook_cells("source", hidden=True), "seed": seed}
            for seed in range(20)}
    jobs.update({f"{name}/{seed}": {"cells": notebook_cells(name, hidden=True), "seed": seed}
                 for name in ["visible_only", *HONEST, *WRONG] for seed in range(3)})
    for key, failed in run_cells(jobs).items():
        assert set(failed) == EXPECTED[key.split("/")[0]][0], (key, failed)


@pytest.mark.parametrize("student", WRONG)
def test_a_plausible_mistake_fails_a_visible_case_first(visible, student):
    """The cells that fail visibly are exactly the cells whose points the grader takes."""
    assert set(visible[student]) == EXPECTED[student][0], visible[student]


def test_honest_work_passes_every_visible_case_and_the_release_none(visible):
    for student in HONEST:
        assert visible[student] == {}, (student, visible[student])
    assert set(visible["release"]) == ALL
    assert all("raised NotImplementedError" in m for m in visible["release"].values())


def test_hidden_cases_catch_what_is_special_cased_for_the_visible_ones(visible):
    assert visible["visible_only"] == {} and EXPECTED["visible_only"][0]


def test_the_mistakes_cover_every_rule_but_the_edge_shapes():
    assert set(WRONG) <= set(EXPECTED)
    assert all(EXPECTED[w][0] and EXPECTED[w][1] == "graded" for w in WRONG)
    lost = set().union(*(EXPECTED[w][0] for w in WRONG))
    # no wrong answer above fails these: their hidden cases are there for mistakes that
    # show only on edge shapes (a squeezed axis, a special case), which none of them makes
    assert ALL - lost == {"conv2d_one_channel", "conv2d_edge_shapes", "conv_matrix_edge_shapes"}


def test_each_graded_cell_states_its_points_and_runs_visible_cases():
    cells = {_grade_id(c): c for c in json.loads(RELEASE.read_text())["cells"] if is_test(c)}
    assert list(cells) == list(TESTS)
    for grade_id, cell in cells.items():
        first, source = _source(cell).splitlines()[0], _source(cell)
        points = cell["metadata"]["nbgrader"]["points"]
        assert points == TESTS[grade_id]
        assert first.startswith("# ") and first.endswith(f"({points} points)."), (grade_id, first)
        assert "expect_array(" in source or "expect_int(" in source, grade_id


def test_a_failing_case_names_the_case_and_what_came_back(graded):
    def error_of(student, grade_id):
        page = html.unescape(graded.page(student))
        row = re.search(rf"<code>{grade_id}</code>.*?</tr>", page, re.S).group(0)
        return re.sub(r"<[^>]*>", "", row)

    assert ("AssertionError: your conv2d returned shape (1, 1, 3, 3), expected (1, 1, 2, 2), "
            "for x (1, 1, 6, 6), weight (1, 1, 3, 3), stride=2") in error_of("stride_ceil", "conv2d_stride")
    assert ("your conv2d raised ValueError (operands could not be broadcast"
            in error_of("bias_wrong_axis", "conv2d_bias"))
    assert "for x (1, 1, 5, 7), weight (3, 1, 3, 2), bias (3,)" in error_of("bias_wrong_axis", "conv2d_bias")
    assert ("your conv_flops returned 115605504, expected 231211008, for input_shape=(1, 64, 56, 56)"
            in error_of("flops_counted_as_macs", "flops"))
    wrong_values = error_of("convolution_not_flipped", "convolve2d_full")
    assert "your convolve2d returned wrong values for x (3, 3), k (2, 2): at index" in wrong_values

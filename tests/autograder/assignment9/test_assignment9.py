"""Assignment 9 (computing convolution fast) end to end: honest, wrong and cheating submissions,
graded in the class run, as assignment 1's test does it (../assignment1/test_assignment1.py
says how).

Each submission is the student release of assignment 9 with the solution cells filled in
from submissions/<name>/<grade_id>.py (the instructor's solution where there is no file).
The wrong answers also run through the release's test cells alone, as the student runs them
(visible cases only), and must fail visibly in exactly the cells the grader takes points
for; the source's full test cells run for several seeds. `uses_torch` has torch do all the
graded work: it passes every visible case where torch is installed, and scores zero where the
grader runs it.
"""
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import harness
from harness import cell_source as _source, grade_id as _grade_id, is_test

ROOT = Path(__file__).resolve().parents[3]
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
SOURCE, RELEASE = harness.source_of("assignment9"), harness.release_of("assignment9")

# grade_id: points, in the notebook's order
TESTS = {"im2col_windows": 4, "im2col_stride": 3, "im2col_edges": 2, "conv2d_gemm_basic": 4,
         "conv2d_gemm_stride_padding": 4, "conv2d_gemm_bias": 2, "winograd_f23_products": 4,
         "winograd_f23_even": 3, "winograd_f23_odd": 3}
FULL = sum(TESTS.values())
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


def assemble(name):
    """The release notebook, filled in as submissions/<name>/ says."""
    return harness.from_folder(SUBMISSIONS / name, assignment="assignment9")


@pytest.fixture(scope="module")
def graded(class_run):
    return harness.view(class_run, "assignment9")


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
    names = ["release", "uses_torch", *HONEST, *WRONG]
    return run_cells({name: {"cells": notebook_cells(name), "seed": None} for name in names})


def test_hidden_cases_are_valid_for_any_seed_and_a_mistake_costs_the_same_for_all():
    """The source passes its hidden tests for 20 seeds (no random case torch rejects or a
    right answer fails), and each wrong answer loses the same cells for 3 more seeds than
    the grading run's one."""
    jobs = {f"source/{seed}": {"cells": notebook_cells("source", hidden=True), "seed": seed}
            for seed in range(20)}
    jobs.update({f"{name}/{seed}": {"cells": notebook_cells(name, hidden=True), "seed": seed}
                 for name in [*HONEST, *WRONG] for seed in range(3)})
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


def test_the_mistakes_cover_every_rule():
    assert set(WRONG) <= set(EXPECTED)
    assert all(EXPECTED[w][0] and EXPECTED[w][1] == "graded" for w in WRONG)
    assert set().union(*(EXPECTED[w][0] for w in WRONG)) == ALL


def test_torch_doing_the_work_passes_visibly_and_scores_zero(visible, graded):
    """Where torch is installed (the student's machine) it passes every visible case; where
    the grader runs it, torch is absent and every cell is lost."""
    assert visible["uses_torch"] == {}
    assert float(graded.row("uses_torch")["score"]) == 0
    page = html.unescape(graded.page("uses_torch"))
    assert "ModuleNotFoundError" in page


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

    assert ("your im2col returned wrong values for x_padded (2, 3, 5, 6), kernel_size=(2, 3), "
            "stride=1: at index" in error_of("im2col_row_order", "im2col_windows"))
    assert ("your conv2d_gemm returned shape (2, 3, 2, 2), expected (2, 3, 3, 3), for x (2, 3, 6, 6), "
            "weight (3, 3, 3, 3), stride=2, padding=1" in error_of("gemm_ignores_padding",
                                                                  "conv2d_gemm_stride_padding"))
    assert ("your winograd_f23 returned shape (2,), expected (3,), for d (5,), g (3,)"
            in error_of("f23_drops_last_output", "winograd_f23_odd"))

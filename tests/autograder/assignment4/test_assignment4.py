"""Assignment 4 end to end: honest, wrong and cheating submissions, graded in the class run.

Each submission is the student release of assignment 4 with the solution cells filled in
from submissions/<name>/<grade_id>.py (the instructor's solution where there is no file);
all of them, with the untouched source and release, are graded in the one run of every
assignment's submissions (`class_run`, tests/autograder/conftest.py). The pattern is
assignment 1's (tests/autograder/assignment1/test_assignment1.py): the wrong answers are
also run through the release's test cells alone, as the student runs them (visible cases
only), and must fail visibly in exactly the cells the grader takes points for; the source's
full test cells run for several seeds.
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
SOURCE, RELEASE = harness.source_of("assignment4"), harness.release_of("assignment4")

# grade_id: points, in the notebook's order
TESTS = {"effective_kernel_size_values": 3, "dilate_kernel_zeros": 4, "dilate_kernel_edge_shapes": 2,
         "dilated_conv2d_one_channel": 4, "dilated_conv2d_padding": 3, "dilated_conv2d_stride": 3,
         "dilated_conv2d_all_together": 4, "receptive_field_stride_1": 4, "receptive_field_strides": 3,
         "coverage_map_counts": 5, "holes_on_rate_sequences": 5}
FULL = sum(TESTS.values())
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


def assemble(name):
    """The release notebook, filled in as submissions/<name>/ says."""
    return harness.from_folder(SUBMISSIONS / name, assignment="assignment4")


@pytest.fixture(scope="module")
def graded(class_run):
    return harness.view(class_run, "assignment4")


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


def test_the_release_holds_no_hidden_test_and_no_solution():
    proc = subprocess.run([sys.executable, "-m", "autograder", "leaks", "notebooks/assignment4"],
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


def test_each_graded_cell_states_its_points_and_runs_visible_cases():
    cells = {_grade_id(c): c for c in json.loads(RELEASE.read_text())["cells"] if is_test(c)}
    assert list(cells) == list(TESTS)
    for grade_id, cell in cells.items():
        first, source = _source(cell).splitlines()[0], _source(cell)
        points = cell["metadata"]["nbgrader"]["points"]
        assert points == TESTS[grade_id]
        assert first.startswith("# ") and first.endswith(f"({points} points)."), (grade_id, first)
        assert "expect_array(" in source or "expect_int(" in source, grade_id


def test_the_mistakes_cover_every_rule():
    assert set(WRONG) <= set(EXPECTED)
    assert all(EXPECTED[w][0] and EXPECTED[w][1] == "graded" for w in WRONG)
    assert set().union(*(EXPECTED[w][0] for w in WRONG)) == ALL


def test_torch_doing_the_work_scores_zero(graded):
    """uses_torch calls F.conv2d and the setup's torch references: where the grader runs a
    student's code there is no torch, so every call fails and every cell scores 0."""
    assert float(graded.row("uses_torch")["score"]) == 0
    page = re.sub(r"<[^>]*>", "", html.unescape(graded.page("uses_torch")))
    for grade_id in TESTS:
        row = page[page.index(grade_id):][:600]
        assert "failed" in row and ("torch" in row or "'F'" in row), (grade_id, row)


def test_a_failing_case_names_the_case_and_what_came_back(graded):
    def error_of(student, grade_id):
        page = html.unescape(graded.page(student))
        row = re.search(rf"<code>{grade_id}</code>.*?</tr>", page, re.S).group(0)
        return re.sub(r"<[^>]*>", "", row)

    assert ("your dilated_conv2d returned shape (1, 1, 11, 14), expected (1, 1, 3, 6), "
            "for x (1, 1, 7, 8), weight (1, 1, 3, 2), dilation=2"
            in error_of("dilated_input", "dilated_conv2d_one_channel"))
    assert ("your effective_kernel_size returned 4, expected 5, for k=3, dilation=2"
            in error_of("effective_size_off_by_one", "effective_kernel_size_values"))
    assert ("your receptive_field returned 7, expected 11, for layers=[(3, 2, 1), (3, 1, 2)]"
            in error_of("field_ignores_strides", "receptive_field_strides"))
    assert ("your holes returned 6, expected 120, for kernel_size=3, dilations=[2, 2, 2]"
            in error_of("holes_one_axis", "holes_on_rate_sequences"))

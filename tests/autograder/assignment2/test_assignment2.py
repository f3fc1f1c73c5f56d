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
makes it.
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
ASSIGNMENT = "assignment2"
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
SOURCE, RELEASE = harness.source_of(ASSIGNMENT), harness.release_of(ASSIGNMENT)

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
FULL = sum(TESTS.values())
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


def assemble(name):
    """The release notebook, filled in as submissions/<name>/ says."""
    return harness.from_folder(SUBMISSIONS / name, assignment=ASSIGNMENT)


@pytest.fixture(scope="module")
def graded(class_run):
    return harness.view(class_run, ASSIGNMENT)


def test_every_submission_folder_is_in_the_table():
    folders = {p.name for p in SUBMISSIONS.iterdir() if p.is_dir()}
    assert folders == set(EXPECTED) - {"source", "release"}


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
    student runs them (visible cases only), where torch is installed."""
    names = ["release", "visible_only", "uses_torch", *HONEST, *WRONG]
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


def test_torch_doing_the_work_passes_where_torch_is_and_scores_zero_in_the_grader(visible, graded):
    assert visible["uses_torch"] == {}                       # it is right, with torch
    assert float(graded.row("uses_torch")["score"]) == 0
    page = html.unescape(graded.page("uses_torch"))
    assert "ModuleNotFoundError" in page


def test_the_mistakes_cover_every_rule_but_those_without_a_plausible_one():
    assert set(WRONG) <= set(EXPECTED)
    assert all(EXPECTED[w][0] and EXPECTED[w][1] == "graded" for w in WRONG)
    lost = set().union(*(EXPECTED[w][0] for w in WRONG))
    # no wrong answer above fails these on its own: their hidden cases are there for
    # mistakes that show only there (stride or dilation of a transposed layer, output_padding,
    # the jump, replicate and circular modes beyond the column order)
    assert ALL - lost == {"transpose_output_size_stride", "transpose_output_padding",
                          "transpose_output_size_dilation", "jump_and_start_no_padding"}


def test_each_graded_cell_states_its_points_and_runs_visible_cases():
    cells = {_grade_id(c): c for c in json.loads(RELEASE.read_text())["cells"] if is_test(c)}
    assert list(cells) == list(TESTS)
    for grade_id, cell in cells.items():
        first, source = _source(cell).splitlines()[0], _source(cell)
        points = cell["metadata"]["nbgrader"]["points"]
        assert points == TESTS[grade_id]
        assert first.startswith("# ") and first.endswith(f"({points} points)."), (grade_id, first)
        assert any(f"{helper}(" in source for helper in ("expect_int", "expect_ints", "expect_array")), grade_id


def test_a_failing_case_names_the_case_and_what_came_back(graded):
    def error_of(student, grade_id):
        page = html.unescape(graded.page(student))
        row = re.search(rf"<code>{grade_id}</code>.*?</tr>", page, re.S).group(0)
        return re.sub(r"<[^>]*>", "", row)

    assert ("your conv_output_size returned 3, expected 2, for n=6, k=3, stride=2"
            in error_of("stride_ceil", "output_size_stride"))
    assert ("your conv_output_size returned 3, expected 4, for n=4, k=3, padding=1"
            in error_of("padding_total", "output_size_padding"))
    assert ("your receptive_field returned 6, expected 7, for layers=[(3, 1, 1, 1), (3, 1, 1, 1), (3, 1, 1, 1)]"
            in error_of("receptive_field_off_by_one", "receptive_field_unit_strides"))
    assert ("your jump_and_start returned (4, -4), expected (4, -5), for layers=[(7, 2, 1, 3), (3, 2, 1, 1)]"
            in error_of("start_ignores_jump", "jump_and_start_padding"))
    assert ("your pad2d returned wrong values for x (1, 1, 1, 5), pad=(2, 2, 0, 0), mode='reflect': at index"
            in error_of("reflect_repeats_edge", "pad_reflect"))

"""Assignment 3 end to end: honest, wrong and cheating submissions, graded in the class run.

Each submission is the student release of assignment 3 with the solution cells filled in
from submissions/<name>/<grade_id>.py (the instructor's solution where there is no file);
all of them, with the untouched source and release, are graded in the one run of every
assignment's submissions (`class_run`, tests/autograder/conftest.py).

The wrong answers are also run through the release's test cells alone, as the student runs
them before submitting (visible cases only): each must fail visibly in exactly the cells the
grader takes its points for. The source's full test cells run for several seeds: hidden
random cases must be valid for every student, and a mistake must cost the same whoever makes
it. Letting torch do the work (its conv_transpose2d, or autograd through its conv2d) is right
when the student runs it and scores zero when graded, where torch is not installed.
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
SOURCE, RELEASE = harness.source_of("assignment3"), harness.release_of("assignment3")

# grade_id: points, in the notebook's order
TESTS = {"conv_transpose2d_one_channel": 4, "conv_transpose2d_stride": 4,
         "conv_transpose2d_padding": 4, "conv_transpose2d_output_padding": 4,
         "conv_transpose2d_channels": 4, "conv_transpose2d_bias": 2,
         "conv_transpose2d_groups": 4, "conv_transpose2d_all_together": 3,
         "insert_zeros_between_pixels": 2, "zero_insertion_one_channel": 4,
         "zero_insertion_padding_and_output_padding": 4, "zero_insertion_channels_and_groups": 4,
         "overlap_map_counts": 4}
FULL = sum(TESTS.values())
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


def assemble(name):
    """The release notebook, filled in as submissions/<name>/ says."""
    return harness.from_folder(SUBMISSIONS / name, assignment="assignment3")


@pytest.fixture(scope="module")
def graded(class_run):
    return harness.view(class_run, "assignment3")


def test_every_submission_has_a_row_and_a_feedback_page(graded):
    assert {p.name for p in SUBMISSIONS.iterdir() if p.is_dir()} | {"source", "release"} == set(EXPECTED)
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
    proc = subprocess.run([sys.executable, "-m", "autograder", "leaks", "notebooks/assignment3"],
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
    names = ["release", "visible_only", *HONEST, *WRONG, *CHEATS]
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


def test_the_mistakes_cover_every_rule_but_insert_zeros():
    assert set(WRONG) <= set(EXPECTED)
    assert all(EXPECTED[w][0] and EXPECTED[w][1] == "graded" for w in WRONG)
    lost = set().union(*(EXPECTED[w][0] for w in WRONG))
    # insert_zeros has no wrong answer of its own here (a wrong one also fails the
    # zero-insertion cells, which use it): the budget of a dozen submissions went elsewhere
    assert ALL - lost == {"insert_zeros_between_pixels"}


def test_torch_doing_the_work_is_right_for_the_student_and_scores_zero(visible, graded):
    for student in CHEATS:
        assert visible[student] == {}, (student, visible[student])      # right, with torch
        assert float(graded.row(student)["score"]) == 0
        page = html.unescape(graded.page(student))
        assert "ModuleNotFoundError" in page and "torch" in page


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

    assert ("your conv_transpose2d returned shape (1, 1, 4, 4), expected (1, 1, 2, 2), "
            "for x (1, 1, 2, 2), weight (1, 1, 2, 2), stride=2, padding=1"
            in error_of("padding_not_cropped", "conv_transpose2d_padding"))
    assert ("your conv_transpose2d returned wrong values for x (1, 1, 2, 2), weight (1, 1, 2, 2), "
            "stride=2, padding=1, output_padding=1: at index (0, 0, 2, 1) yours is 0, expected 8"
            in error_of("output_padding_zeros", "conv_transpose2d_output_padding"))
    assert ("your overlap_map returned wrong values for input_shape=(2, 3), kernel_size=(3, 3), "
            "stride=2" in error_of("overlap_no_right_edge", "overlap_map_counts"))

"""The tests every assignment's test module shares, each reading that module's own tables.

tests/autograder/<a>/test_<a>.py holds its assignment's tables: ASSIGNMENT, TESTS
(grade_id: points, in the notebook's order), EXPECTED (name: (the grade_ids it must fail,
what its status must start with, words its status must contain)), WRONG (the plausible
mistakes), HONEST (honest work done differently), and any of the constants below whose
default does not fit it. It takes the shared tests with

    from assignment_suite import *  # noqa: F401,F403 - the tests every assignment passes

which brings the tests of __all__, the `graded` and `visible` fixtures, and
`pytest_generate_tests`, which parametrizes their `student` from the module's EXPECTED and
WRONG; the optional tests further down it imports by name, where they apply. A test reads
the module it runs in through `request.module`. Building submissions and running their
test cells is harness.py's; the one grading run of the course, `class_run`, conftest.py's.
"""
import html
import json
import subprocess
import sys

import pytest

import harness

__all__ = ["pytest_generate_tests", "graded", "visible", "test_score_and_status",
           "test_feedback_shows_each_test_with_points_and_outcome",
           "test_hidden_cases_are_valid_for_any_seed_and_a_mistake_costs_the_same_for_all",
           "test_a_plausible_mistake_fails_a_visible_case_first",
           "test_honest_work_passes_every_visible_case_and_the_release_none",
           "test_each_graded_cell_states_its_points_and_runs_visible_cases"]

# The constants a test module may set, with their defaults:
VISIBLE_ONLY = ["visible_only"]     # right on the visible cases only: run visibly and per seed
ALSO_RUN_VISIBLY = []               # further submissions `visible` runs, for the module's tests
EXPECT_HELPERS = ("expect_array", "expect_int")    # every graded cell calls one of them
LEAKS_FOLDER = None                 # what `autograder leaks` reads; None: notebooks/<a>
SOURCE_SEEDS, MISTAKE_SEEDS = 10, 2     # seeds for the source's hidden cases, for the others'


def pytest_generate_tests(metafunc):
    """Parametrize `student` of three tests below, from the test module's tables: every
    name of EXPECTED, those of them graded (they have a feedback page), WRONG."""
    if metafunc.function.__module__ != __name__:
        return                                        # a test module's own test
    m, name = metafunc.module, metafunc.function.__name__
    if name == "test_score_and_status":
        metafunc.parametrize("student", sorted(m.EXPECTED))
    elif name == "test_feedback_shows_each_test_with_points_and_outcome":
        metafunc.parametrize("student", sorted(s for s, (_, status, _) in m.EXPECTED.items()
                                               if status == "graded"))
    elif name == "test_a_plausible_mistake_fails_a_visible_case_first":
        metafunc.parametrize("student", m.WRONG)


@pytest.fixture(scope="module")
def graded(request, class_run):
    """The assignment's part of the class run (harness.view)."""
    return harness.view(class_run, request.module.ASSIGNMENT)


@pytest.fixture(scope="module")
def visible(request):
    """{submission: {grade_id: message}} of the release's test cells that fail when the
    student runs them (visible cases only), where torch is installed."""
    m = request.module
    names = ["release", *getattr(m, "VISIBLE_ONLY", VISIBLE_ONLY),
             *getattr(m, "ALSO_RUN_VISIBLY", ALSO_RUN_VISIBLY), *m.HONEST, *m.WRONG]
    return harness.run_cells({name: {"cells": harness.notebook_cells(m.ASSIGNMENT, name),
                                      "seed": None} for name in names})


# -- the tests every assignment passes ---------------------------------------------------

def test_score_and_status(request, graded, student):
    m = request.module
    failing, status_start, status_has = m.EXPECTED[student]
    full = sum(m.TESTS.values())
    row = graded.row(student)
    assert row["max_score"] == str(full), row
    assert float(row["score"]) == full - sum(m.TESTS[t] for t in failing), row
    assert row["status"].startswith(status_start), row
    for word in status_has:
        assert word in row["status"], row


def test_feedback_shows_each_test_with_points_and_outcome(request, graded, student):
    m = request.module
    results = graded.results(student)
    failing = m.EXPECTED[student][0]
    assert set(results) == set(m.TESTS)
    for grade_id, (earned, possible, passed) in results.items():
        assert possible == m.TESTS[grade_id]
        assert passed == (grade_id not in failing) and earned == (possible if passed else 0)


def test_hidden_cases_are_valid_for_any_seed_and_a_mistake_costs_the_same_for_all(request):
    """The source passes its hidden tests for SOURCE_SEEDS (10) seeds (no random case torch
    rejects or a right answer fails), and each wrong answer, honest work and VISIBLE_ONLY
    loses the same cells for MISTAKE_SEEDS (2) more seeds than the grading run's one. (The
    class run adds one seed per student: every honest submission there has its own.)"""
    m = request.module
    names = [*getattr(m, "VISIBLE_ONLY", VISIBLE_ONLY), *m.HONEST, *m.WRONG]
    cells = {name: harness.notebook_cells(m.ASSIGNMENT, name, hidden=True)
             for name in ["source", *names]}
    jobs = {f"source/{seed}": {"cells": cells["source"], "seed": seed}
            for seed in range(getattr(m, "SOURCE_SEEDS", SOURCE_SEEDS))}
    jobs.update({f"{name}/{seed}": {"cells": cells[name], "seed": seed}
                 for name in names for seed in range(getattr(m, "MISTAKE_SEEDS", MISTAKE_SEEDS))})
    for key, failed in harness.run_cells(jobs).items():
        assert set(failed) == m.EXPECTED[key.split("/")[0]][0], (key, failed)


def test_a_plausible_mistake_fails_a_visible_case_first(request, visible, student):
    """The cells that fail visibly are exactly the cells whose points the grader takes."""
    assert set(visible[student]) == request.module.EXPECTED[student][0], visible[student]


def test_honest_work_passes_every_visible_case_and_the_release_none(request, visible):
    m = request.module
    for student in m.HONEST:
        assert visible[student] == {}, (student, visible[student])
    assert set(visible["release"]) == set(m.TESTS)
    assert all("raised NotImplementedError" in message for message in visible["release"].values())


def test_each_graded_cell_states_its_points_and_runs_visible_cases(request):
    m = request.module
    release = harness.release_of(m.ASSIGNMENT)
    cells = {harness.grade_id(c): c for c in json.loads(release.read_text())["cells"]
             if harness.is_test(c)}
    assert list(cells) == list(m.TESTS)
    helpers = getattr(m, "EXPECT_HELPERS", EXPECT_HELPERS)
    for grade_id, cell in cells.items():
        source = harness.cell_source(cell)
        first = source.splitlines()[0]
        points = cell["metadata"]["nbgrader"]["points"]
        assert points == m.TESTS[grade_id], grade_id
        assert first.startswith("# ") and first.endswith(f"({points} points)."), (grade_id, first)
        assert any(f"{helper}(" in source for helper in helpers), (grade_id, helpers)


# -- optional tests, imported by name by the modules they apply to -----------------------

def test_every_submission_has_a_row_and_a_feedback_page(request, graded):
    """Every folder of submissions/ is in EXPECTED, and each name there is graded in full."""
    m = request.module
    folders = {p.name for p in harness.submissions_of(m.ASSIGNMENT).iterdir() if p.is_dir()}
    assert folders | {"source", "release"} == set(m.EXPECTED)
    for student in m.EXPECTED:
        row = graded.row(student)
        assert row["max_score"] == str(sum(m.TESTS.values())), row
        assert graded.results(student), student


def test_every_submission_folder_is_in_the_table(request):
    m = request.module
    folders = {p.name for p in harness.submissions_of(m.ASSIGNMENT).iterdir() if p.is_dir()}
    assert folders == set(m.EXPECTED) - {"source", "release"}


def test_the_release_holds_no_hidden_test_and_no_solution(request):
    """`autograder leaks` finds no hidden-test or solution line in LEAKS_FOLDER."""
    m = request.module
    folder = getattr(m, "LEAKS_FOLDER", LEAKS_FOLDER) or f"notebooks/{m.ASSIGNMENT}"
    proc = subprocess.run([sys.executable, "-m", "autograder", "leaks", folder],
                          cwd=harness.ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_hidden_cases_catch_what_is_special_cased_for_the_visible_ones(request, visible):
    """VISIBLE_ONLY passes every visible case and still loses cells to the hidden ones."""
    m = request.module
    students = getattr(m, "VISIBLE_ONLY", VISIBLE_ONLY)
    assert students
    for student in students:
        assert visible[student] == {} and m.EXPECTED[student][0], (student, visible[student])


def test_the_mistakes_cover_every_rule(request):
    """Every graded cell is lost by some plausible mistake."""
    m = request.module
    assert lost_to_the_mistakes(m.EXPECTED, m.WRONG) == set(m.TESTS)


# -- helpers for a module's own tests ------------------------------------------------------

def lost_to_the_mistakes(expected, wrong):
    """The cells the plausible mistakes lose between them, each a graded submission of
    EXPECTED that loses some."""
    assert set(wrong) <= set(expected)
    assert all(expected[w][0] and expected[w][1] == "graded" for w in wrong)
    return set().union(*(expected[w][0] for w in wrong))


def torch_is_right_for_the_student_and_scores_zero(visible, graded, student):
    """`student` has torch do the graded work: it passes every visible case where torch is
    installed (the student's machine); where the grader runs it torch is absent, and every
    cell is lost to a ModuleNotFoundError. Returns its feedback page, entities decoded."""
    assert visible[student] == {}, (student, visible[student])
    assert float(graded.row(student)["score"]) == 0, graded.row(student)
    page = html.unescape(graded.page(student))
    assert "ModuleNotFoundError" in page, student
    return page

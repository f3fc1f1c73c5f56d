"""Assignment 6 end to end: honest and wrong submissions, graded in the class run.

The pattern of tests/autograder/assignment1/test_assignment1.py: each submission is the
release of assignment 6 with the solution cells of submissions/<name>/ filled in (the
instructor's elsewhere), graded in the course's one class run (`class_run`). Each wrong
answer must also fail, visibly and as the student runs the release, exactly the cells it
loses in grading; the source's hidden cases must be valid for any seed; and torch doing the
graded work (nn.ChannelShuffle, F.conv2d: not installed where the grader runs the student's
code) scores zero.
"""
import json
import re
import html
import subprocess
import sys
from pathlib import Path

import pytest

import harness
from harness import cell_source as _source, grade_id as _grade_id, is_test

ROOT = Path(__file__).resolve().parents[3]
ASSIGNMENT = "assignment6"
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
SOURCE, RELEASE = harness.source_of(ASSIGNMENT), harness.release_of(ASSIGNMENT)

# grade_id: points, in the notebook's order
TESTS = {"block_diagonal_blocks": 4, "block_diagonal_edge_groups": 3,
         "channel_shuffle_order": 4, "channel_shuffle_any_axes": 2,
         "channel_unshuffle_inverse": 3, "shufflenet_unit_stride_1": 5,
         "shufflenet_unit_stride_2": 5}
FULL = sum(TESTS.values())
BLOCK = {"block_diagonal_blocks", "block_diagonal_edge_groups"}
SHUFFLE = {"channel_shuffle_order", "channel_shuffle_any_axes"}
# the instructor's shufflenet_unit calls block_diagonal_weight and channel_shuffle
UNIT = {"shufflenet_unit_stride_1", "shufflenet_unit_stride_2"}
ALL = set(TESTS)

# name: (tests that must fail, status must start with)
EXPECTED = {
    # honest work
    "source": (set(), "graded"),
    "release": (ALL, "graded"),
    "loops": (set(), "graded"),
    # wrong answers: each loses the cells of its rule (and of the functions built on it)
    "shuffle_wrong_way_round": (SHUFFLE | UNIT, "graded"),
    "unshuffle_is_shuffle": ({"channel_unshuffle_inverse"}, "graded"),
    "block_offset_by_filters": (BLOCK | UNIT, "graded"),
    "relu_after_depthwise": (UNIT, "graded"),
    "no_shuffle": (UNIT, "graded"),
    "pooled_input_last": ({"shufflenet_unit_stride_2"}, "graded"),
    "pool_excludes_padding": ({"shufflenet_unit_stride_2"}, "graded"),
    "visible_only": (UNIT, "graded"),       # padding 1 written in: hidden 1x1 and 5x5 kernels
    # torch doing the graded work: right in the student's own kernel, zero in the grader's
    "uses_torch": (ALL, "graded"),
}
WRONG = ["shuffle_wrong_way_round", "unshuffle_is_shuffle", "block_offset_by_filters",
         "relu_after_depthwise", "no_shuffle", "pooled_input_last", "pool_excludes_padding"]
HONEST = ["loops"]


def assemble(name):
    """The release notebook, filled in as submissions/<name>/ says."""
    return harness.from_folder(SUBMISSIONS / name, assignment=ASSIGNMENT)


@pytest.fixture(scope="module")
def graded(class_run):
    return harness.view(class_run, ASSIGNMENT)


def test_every_submission_folder_is_in_the_table():
    assert {p.name for p in SUBMISSIONS.iterdir() if p.is_dir()} == set(EXPECTED) - {"source", "release"}


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_score_and_status(graded, student):
    failing, status_start = EXPECTED[student]
    row = graded.row(student)
    assert row["max_score"] == str(FULL), row
    assert float(row["score"]) == FULL - sum(TESTS[t] for t in failing), row
    assert row["status"].startswith(status_start), row


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_feedback_shows_each_test_with_points_and_outcome(graded, student):
    results = graded.results(student)
    failing = EXPECTED[student][0]
    assert set(results) == set(TESTS)
    for grade_id, (earned, possible, passed) in results.items():
        assert possible == TESTS[grade_id]
        assert passed == (grade_id not in failing) and earned == (possible if passed else 0)


def test_torch_doing_the_work_is_named_in_the_feedback(graded):
    page = re.sub(r"<[^>]*>", "", html.unescape(graded.page("uses_torch")))
    assert "your channel_shuffle raised" in page and "torch" in page


def test_the_release_holds_no_hidden_test_and_no_solution():
    proc = subprocess.run([sys.executable, "-m", "autograder", "leaks", f"notebooks/{ASSIGNMENT}"],
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
    holds it (visible parts only), or with the source's full test cells when hidden=True."""
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
    names = ["release", "visible_only", *HONEST, *WRONG]
    return run_cells({name: {"cells": notebook_cells(name), "seed": None} for name in names})


def test_hidden_cases_are_valid_for_any_seed_and_a_mistake_costs_the_same_for_all():
    jobs = {f"source/{seed}": {"cells": notebook_cells("source", hidden=True), "seed": seed}
            for seed in range(20)}
    jobs.update({f"{name}/{seed}": {"cells": notebook_cells(name, hidden=True), "seed": seed}
                 for name in ["visible_only", *HONEST, *WRONG] for seed in range(3)})
    for key, failed in run_cells(jobs).items():
        assert set(failed) == EXPECTED[key.split("/")[0]][0], (key, failed)


@pytest.mark.parametrize("student", WRONG)
def test_a_plausible_mistake_fails_a_visible_case_first(visible, student):
    assert set(visible[student]) == EXPECTED[student][0], visible[student]


def test_honest_work_passes_every_visible_case_and_the_release_none(visible):
    for student in HONEST:
        assert visible[student] == {}, (student, visible[student])
    assert set(visible["release"]) == ALL
    assert all("raised NotImplementedError" in m for m in visible["release"].values())


def test_hidden_cases_catch_what_is_special_cased_for_the_visible_ones(visible):
    assert visible["visible_only"] == {} and EXPECTED["visible_only"][0]


def test_the_mistakes_cover_every_rule():
    lost = set().union(*(EXPECTED[w][0] for w in WRONG))
    assert lost == ALL


def test_each_graded_cell_states_its_points_and_runs_visible_cases():
    cells = {_grade_id(c): c for c in json.loads(RELEASE.read_text())["cells"] if is_test(c)}
    assert list(cells) == list(TESTS)
    for grade_id, cell in cells.items():
        first, source = _source(cell).splitlines()[0], _source(cell)
        points = cell["metadata"]["nbgrader"]["points"]
        assert points == TESTS[grade_id]
        assert first.startswith("# ") and first.endswith(f"({points} points)."), (grade_id, first)
        assert re.search(r"expect_(array|int|float|factors)\(", source), grade_id


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

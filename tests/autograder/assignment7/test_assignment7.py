"""Assignment 7 end to end: honest and wrong submissions, graded in the class run.

The pattern of tests/autograder/assignment1/test_assignment1.py: each submission is the
release of assignment 7 with the solution cells of submissions/<name>/ filled in (the
instructor's elsewhere), graded in the course's one class run (`class_run`). Each wrong
answer must also fail, visibly and as the student runs the release, exactly the cells it
loses in grading; the source's hidden cases must be valid for any seed; and torch or
torchvision doing the graded work (neither is installed where the grader runs the
student's code) scores zero.
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
ASSIGNMENT = "assignment7"
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
SOURCE, RELEASE = harness.source_of(ASSIGNMENT), harness.release_of(ASSIGNMENT)

# grade_id: points, in the notebook's order
TESTS = {"bilinear_inside": 4, "bilinear_outside_is_zero": 4,
         "deform_conv2d_zero_offsets_is_conv2d": 4, "deform_conv2d_offset_layout": 6,
         "deform_conv2d_outside_reads_zero": 4, "deform_conv2d_channels_and_groups": 4,
         "deform_conv2d_offset_groups": 4, "deform_conv2d_stride_padding_dilation": 4,
         "deform_conv2d_mask": 5, "deform_conv2d_all_together": 6}
FULL = sum(TESTS.values())
ALL = set(TESTS)
TOGETHER = {"deform_conv2d_all_together"}

# name: (tests that must fail, status must start with)
EXPECTED = {
    # honest work
    "source": (set(), "graded"),
    "release": (ALL, "graded"),
    "vectorised": (set(), "graded"),
    # wrong answers: each loses the cells of its rule (and of the functions built on it:
    # the instructor's deform_conv2d samples with the student's bilinear)
    "swapped_dy_dx": ({"deform_conv2d_offset_layout"} | TOGETHER, "graded"),
    "taps_column_major": ({"deform_conv2d_offset_layout", "deform_conv2d_mask"} | TOGETHER, "graded"),
    "clamp_outside": ({"bilinear_outside_is_zero", "deform_conv2d_outside_reads_zero",
                       "deform_conv2d_stride_padding_dilation"} | TOGETHER, "graded"),
    "sigmoid_on_mask": ({"deform_conv2d_mask"} | TOGETHER, "graded"),
    "offset_groups_interleaved": ({"deform_conv2d_offset_groups"} | TOGETHER, "graded"),
    "visible_only": ({"deform_conv2d_mask"} | TOGETHER, "graded"),   # hidden cases only
    # torch doing the graded work: right in the student's own kernel, zero in the grader's
    "uses_torch": (ALL, "graded"),
}
WRONG = ["swapped_dy_dx", "taps_column_major", "clamp_outside", "sigmoid_on_mask",
         "offset_groups_interleaved"]
HONEST = ["vectorised"]


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
    assert "your bilinear raised" in page and "your deform_conv2d raised" in page and "torch" in page


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


def test_the_mistakes_cover_every_rule_but_those_no_deformable_mistake_breaks():
    lost = set().union(*(EXPECTED[w][0] for w in WRONG))
    # bilinear inside the image, zero offsets and channels with weight groups are the rules
    # of bilinear interpolation and of conv2d (assignment 1), here for special cases
    assert ALL - lost == {"bilinear_inside", "deform_conv2d_zero_offsets_is_conv2d",
                          "deform_conv2d_channels_and_groups"}


def test_each_graded_cell_states_its_points_and_runs_visible_cases():
    cells = {_grade_id(c): c for c in json.loads(RELEASE.read_text())["cells"] if is_test(c)}
    assert list(cells) == list(TESTS)
    for grade_id, cell in cells.items():
        first, source = _source(cell).splitlines()[0], _source(cell)
        points = cell["metadata"]["nbgrader"]["points"]
        assert points == TESTS[grade_id]
        assert first.startswith("# ") and first.endswith(f"({points} points)."), (grade_id, first)
        assert re.search(r"expect_array\(", source), grade_id




def test_a_failing_case_names_the_case_and_what_came_back(visible):
    assert ("your bilinear returned wrong values for image (2, 3), y (4,), x (4,): at index (2,) "
            "yours is 6, expected 0") in visible["clamp_outside"]["bilinear_outside_is_zero"]
    assert ("your deform_conv2d returned wrong values for x (1, 1, 2, 3), offset (1, 2, 2, 3), "
            "weight (1, 1, 1, 1), mask (1, 1, 2, 3): at index (0, 0, 1, 2) yours is 8.773, "
            "expected 12") in visible["sigmoid_on_mask"]["deform_conv2d_mask"]
    assert ("your deform_conv2d returned wrong values for x (1, 1, 5, 6), offset (1, 12, 4, 4), "
            "weight (1, 1, 2, 3)") in visible["swapped_dy_dx"]["deform_conv2d_offset_layout"]


def test_the_setups_torch_only_reference_is_torchvisions_deform_conv2d():
    """The release needs torch alone: its reference deform_conv2d (grid_sample, then one
    product per group) must give torchvision's numbers, on random layers with strides,
    padding, dilation, weight and offset groups, offsets far outside and on integers, masks."""
    import numpy as np
    import torch
    import torch.nn.functional as F
    import torchvision

    setup = next(c for c in json.loads(SOURCE.read_text())["cells"] if _grade_id(c) == "setup")
    namespace = {}
    exec(_source(setup), namespace)
    reference = namespace["torch_deform_conv2d"]
    rng = np.random.default_rng(7)
    t = torch.from_numpy
    for _ in range(150):
        g, G = (int(v) for v in rng.integers(1, 3, size=2))
        C, K = g * G * int(rng.integers(1, 3)), g * int(rng.integers(1, 3))
        kH, kW = (int(v) for v in rng.integers(1, 4, size=2))
        s, p, d = int(rng.integers(1, 3)), int(rng.integers(0, 3)), int(rng.integers(1, 3))
        H, W = d * (kH - 1) + 1 + int(rng.integers(0, 5)), d * (kW - 1) + 1 + int(rng.integers(0, 5))
        N = int(rng.integers(1, 3))
        H_out, W_out = (H + 2 * p - d * (kH - 1) - 1) // s + 1, (W + 2 * p - d * (kW - 1) - 1) // s + 1
        x, w, b = rng.standard_normal((N, C, H, W)), rng.standard_normal((K, C // g, kH, kW)), rng.standard_normal(K)
        offset = rng.uniform(-5, 5, (N, 2 * G * kH * kW, H_out, W_out))
        offset[:, :, 0] = np.round(offset[:, :, 0])
        mask = rng.random((N, G * kH * kW, H_out, W_out)) if rng.random() < 0.5 else None
        theirs = torchvision.ops.deform_conv2d(t(x), t(offset), t(w), t(b), stride=s, padding=p,
                                               dilation=d, mask=None if mask is None else t(mask))
        assert np.abs(reference(x, offset, w, b, s, p, d, mask) - theirs.numpy()).max() < 1e-12

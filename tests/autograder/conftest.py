"""The grader and harness are importable however pytest is started; and `class_run`, the one
grading run over every assignment's test submissions.

Each assignment has a folder tests/autograder/<assignment>/ with submissions/<name>/ (the
release with solution cells replaced by <grade_id>.py snippets, harness.from_folder) and
its test module. `class_run` grades all of them, plus each assignment's untouched source and
release, in ONE `python -m autograder grade` run with two jobs: the grader's start-up and
the workers' torch import are paid once for the whole course, and both cores stay busy.
Student ids are "<assignment>-<name>" (and "<assignment>-source", "<assignment>-release").
"""
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import harness  # noqa: E402

TIMEOUT, CELL_TIMEOUT, CALL_TIMEOUT = 60, 15, 10


def assignments():
    return sorted(p.parent.name for p in HERE.glob("*/submissions") if p.is_dir())


@pytest.fixture(scope="session")
def class_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    submitted, out = tmp / "submitted", tmp / "out"
    course = harness.course_copy(tmp)
    for assignment in assignments():
        for folder in sorted((HERE / assignment / "submissions").iterdir()):
            if folder.is_dir():
                harness.put(submitted, f"{assignment}-{folder.name}",
                            harness.from_folder(folder, assignment=assignment),
                            assignment=assignment)
        harness.put(submitted, f"{assignment}-source",
                    harness.source_of(assignment).read_text(), assignment=assignment)
        harness.put(submitted, f"{assignment}-release",
                    harness.release_of(assignment).read_text(), assignment=assignment)
    before = harness.git("status", "--porcelain", "--ignored", cwd=course)
    result = harness.grade(course, submitted, out, "--jobs", 2, "--timeout", TIMEOUT,
                           "--cell-timeout", CELL_TIMEOUT, "--call-timeout", CALL_TIMEOUT)
    result.before = before
    result.after = harness.git("status", "--porcelain", "--ignored", cwd=course)
    result.course = course
    return result

"""The grader and harness are importable however pytest is started; and `class_run`, the one
grading run over every assignment's test submissions.

Each assignment has a folder tests/autograder/<assignment>/ with submissions/<name>/ (the
release with solution cells replaced by <grade_id>.py snippets, harness.from_folder) and
its test module. `class_run` grades all of them, plus each assignment's untouched source and
release, in ONE `python -m autograder grade` run with two jobs: the grader's start-up and
the workers' torch import are paid once for the whole course, and both cores stay busy.
Student ids are "<assignment>-<name>" (and "<assignment>-source", "<assignment>-release").
The tests every assignment's module shares are in assignment_suite.py.
"""
import json
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.register_assert_rewrite("assignment_suite")   # the assignments' shared tests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import harness  # noqa: E402

TIMEOUT, CELL_TIMEOUT, CALL_TIMEOUT = 60, 15, 10


def pytest_configure(config):
    config.addinivalue_line("markers", "alone: needs the machine to itself (a CPU hog, two "
                            "grading runs at once); skipped under pytest-xdist, run with -n 0 -m alone")


def assignments():
    """Every assignment with test submissions; CONVZOO_ASSIGNMENTS=assignment3,assignment4
    restricts the class run to those while one is being written (CI sets nothing)."""
    found = sorted(p.parent.name for p in HERE.glob("*/submissions") if p.is_dir())
    only = [a for a in os.environ.get("CONVZOO_ASSIGNMENTS", "").split(",") if a]
    return [a for a in found if a in only] if only else found


@pytest.fixture(scope="session")
def class_run(tmp_path_factory, worker_id):
    """The run, made once per pytest session even with pytest-xdist: the first worker to
    ask grades, under a file lock, and leaves the result beside its OUT for the others."""
    if worker_id == "master":
        return _class_run(tmp_path_factory.mktemp("class"))
    import fcntl
    shared = tmp_path_factory.getbasetemp().parent / "class"
    with open(str(shared) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)              # released when the file is closed
        if not (shared / "result.json").exists():
            result = _class_run(shared)
            (shared / "result.json").write_text(json.dumps(
                {"returncode": result.proc.returncode, "stderr": result.proc.stderr,
                 "table": [[*key, row] for key, row in result.table.items()],
                 "header": result.header, "seconds": result.seconds,
                 "before": result.before, "after": result.after}))
    saved = json.loads((shared / "result.json").read_text())
    table = {(s, a): row for s, a, row in saved["table"]}
    return SimpleNamespace(
        proc=SimpleNamespace(returncode=saved["returncode"], stderr=saved["stderr"]),
        table=table, rows={s: row for (s, _), row in table.items()}, header=saved["header"],
        seconds=saved["seconds"], before=saved["before"], after=saved["after"],
        out=shared / "out", course=shared / "course")


def _class_run(tmp):
    tmp.mkdir(parents=True, exist_ok=True)
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

"""Building submissions of an assignment and grading them, for the end-to-end tests.

A submission is the student release with some solution cells replaced (by a snippet file,
by the instructor's solution, or left as the release's stub) and optionally one cell of
the student's own right after the setup cell. Grading runs `python -m autograder grade`
in a copy of the course that is a git repository of its own, so that "grading changes
nothing in the course" can be checked strictly, ignored files included. `run_cells` runs a
submission's test cells outside the grader instead, as the student runs the release (the
tests every assignment shares, assignment_suite.py, use both).
"""
import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
STUB = object()                       # "leave the release's cell as it is"


def source_of(assignment):
    """The instructor's notebook of an assignment (one notebook per assignment)."""
    return ROOT / "solutions" / assignment / f"{assignment}.ipynb"


def release_of(assignment):
    """The student release of an assignment."""
    return ROOT / "notebooks" / assignment / f"{assignment}.ipynb"


def submissions_of(assignment):
    """The folder of an assignment's hand-written submissions, one folder each."""
    return HERE / assignment / "submissions"


SOURCE, RELEASE = source_of("assignment1"), release_of("assignment1")


def cell_source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def is_test(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade") is True


def instructor_solutions(assignment="assignment1"):
    """{grade_id: source} of the source's solution cells, without the nbgrader markers."""
    nb = json.loads(source_of(assignment).read_text())
    return {grade_id(c): "".join(line for line in cell_source(c).splitlines(True)
                                 if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)
            for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")}


def notebook(replace=None, early=None, fill=True, substitute=None, assignment="assignment1"):
    """The release with every solution cell filled in by the instructor's solution (if
    fill), except those in replace ({grade_id: source, or STUB}); early: a cell of the
    student's own after the setup cell. {NAME} in any source becomes substitute[NAME]."""
    nb = json.loads(release_of(assignment).read_text())
    solutions = instructor_solutions(assignment)
    replace = dict(replace or {})

    def put(text):
        for key, value in (substitute or {}).items():
            text = text.replace("{" + key + "}", str(value))
        return text

    for cell in nb["cells"]:
        gid = grade_id(cell)
        if gid in solutions:
            new = replace.get(gid, solutions[gid] if fill else STUB)
            if new is not STUB:
                cell["source"] = put(new)
    if early is not None:
        at = [grade_id(c) for c in nb["cells"]].index("setup") + 1
        nb["cells"].insert(at, {"cell_type": "code", "execution_count": None, "id": "mine",
                                "metadata": {}, "outputs": [], "source": put(early)})
    return nb


def from_folder(folder, substitute=None, assignment="assignment1"):
    """A submission described by a folder: <grade_id>.py snippets, early.py or early.ipy."""
    folder = Path(folder)
    replace = {p.stem: p.read_text() for p in folder.glob("*.py") if p.stem != "early"}
    early = next((p.read_text() for p in (folder / "early.py", folder / "early.ipy")
                  if p.exists()), None)
    return notebook(replace, early, substitute=substitute, assignment=assignment)


def put(submitted, student, content, name=None, assignment="assignment1"):
    """Write a submission's notebook (and return its path) as nbgrader's layout has it."""
    name = name or f"{assignment}.ipynb"
    folder = submitted / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def git(*args, cwd):
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org",
                           *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def course_copy(tmp):
    """The parts of the course the grader reads, as a git repository of its own."""
    course = tmp / "course"
    for name in ("autograder", "solutions", "notebooks"):
        shutil.copytree(ROOT / name, course / name,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for name in ("nbgrader_config.py", ".gitignore"):
        shutil.copy2(ROOT / name, course / name)
    git("init", "-q", cwd=course)
    git("add", "-A", cwd=course)
    git("commit", "-q", "-m", "course", cwd=course)
    return course


def grade(course, submitted, out, *options, env=None, timeout=900):
    """Run the grader from the course folder. rows: {student: row} (for a student graded in
    several assignments, the row of one they submitted); table: {(student, assignment): row}."""
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(submitted), "--out", str(out),
         *map(str, options)],
        cwd=course, capture_output=True, text=True, timeout=timeout,
        env=dict(env or os.environ, PYTHONDONTWRITEBYTECODE="1"))
    rows, table, header = {}, {}, None
    if (out / "grades.csv").exists():
        with open(out / "grades.csv", newline="") as f:
            reader = csv.DictReader(f)
            for row in reader:
                table[(row["student_id"], row["assignment"])] = row
                if row["student_id"] not in rows or rows[row["student_id"]]["status"] \
                        .startswith("missing assignment: no folder"):
                    rows[row["student_id"]] = row
            header = reader.fieldnames
    return SimpleNamespace(proc=proc, rows=rows, table=table, header=header, out=out,
                           seconds=time.monotonic() - start)


def feedback_results(out, student, assignment="assignment1", name=None):
    """{grade_id: (earned, possible, passed)} as the student's feedback page shows them."""
    page = (out / "feedback" / student / assignment / f"{name or assignment}.html").read_text()
    rows = re.findall(r"<tr><td><code>(\w+)</code></td><td>([\d.]+) / ([\d.]+)</td>"
                      r"<td class=\"\w+\">(passed|failed)</td>", page)
    return {g: (float(e), float(p), r == "passed") for g, e, p, r in rows}


def passed(out, student, assignment="assignment1"):
    return {g for g, (_, _, ok) in feedback_results(out, student, assignment).items() if ok}


def log(out, student, assignment="assignment1", name=None):
    path = out / "logs" / student / assignment / f"{name or assignment}.log"
    return path.read_text(errors="replace")


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


def notebook_cells(assignment, name, hidden=False):
    """The setup, solution and test cells of submission `name` (submissions/<name>/, or
    "release", the untouched release), in order: as the student holds it (the release:
    test cells with their visible part only), or with the source's full test cells (hidden
    parts too) when hidden=True."""
    nb = (json.loads(release_of(assignment).read_text()) if name == "release" else
          from_folder(submissions_of(assignment) / name, assignment=assignment))
    full = {grade_id(c): cell_source(c)
            for c in json.loads(source_of(assignment).read_text())["cells"] if is_test(c)}
    return [{"grade_id": grade_id(c), "test": is_test(c),
             "source": full[grade_id(c)] if hidden and is_test(c) else cell_source(c)}
            for c in nb["cells"] if c["cell_type"] == "code" and grade_id(c)]


def run_cells(jobs):
    """{key: {grade_id: message}} of the test cells that fail, one fresh namespace per job;
    jobs: {key: {"cells": notebook_cells(...), "seed": GRADING_SEED to set, or None}}."""
    proc = subprocess.run([sys.executable, "-c", RUNNER], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, input=json.dumps(jobs))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def view(run, assignment):
    """One assignment's part of a run of many (conftest's class_run), by submission name:
    student ids there are "<assignment>-<name>"."""
    def student(name):
        return f"{assignment}-{name}"

    def page(name):
        return (run.out / "feedback" / student(name) / assignment /
                f"{assignment}.html").read_text()

    def text(name):
        """The feedback page as the student reads it: entities decoded, tags dropped."""
        return re.sub(r"<[^>]*>", "", html.unescape(page(name)))

    def error(name, grade_id):
        """The text of grade_id's row on the feedback page: what its failing case said."""
        row = re.search(rf"<code>{grade_id}</code>.*?</tr>", html.unescape(page(name)), re.S)
        return re.sub(r"<[^>]*>", "", row.group(0))

    return SimpleNamespace(
        run=run, out=run.out, student=student,
        row=lambda name: run.table[(student(name), assignment)],
        results=lambda name: feedback_results(run.out, student(name), assignment),
        passed=lambda name: passed(run.out, student(name), assignment),
        log=lambda name: log(run.out, student(name), assignment),
        page=page, text=text, error=error)

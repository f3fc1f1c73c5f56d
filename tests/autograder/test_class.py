"""The class run as an instructor sees it: one `grade` over every assignment's submissions
(conftest.py's class_run), its exit code, progress, grades.csv, feedback and the course."""
import html
import subprocess
import sys

import harness
from conftest import assignments


def test_the_run_exits_0_and_reports_progress_and_time(class_run):
    assert class_run.proc.returncode == 0, class_run.proc.stderr[-3000:]
    assert "submissions" in class_run.proc.stderr and "[####" in class_run.proc.stderr
    assert "s per submission" in class_run.proc.stderr
    print(class_run.proc.stderr.splitlines()[-2], f"(whole run {class_run.seconds:.0f} s)")


def test_grades_csv_has_one_sorted_row_per_student_and_assignment(class_run):
    assert class_run.header == ["student_id", "assignment", "score", "max_score", "status"]
    keys = list(class_run.table)
    students, graded = {s for s, _ in keys}, {a for _, a in keys}
    # every student gets a row for every assignment of the course, also those of which
    # CONVZOO_ASSIGNMENTS left its own submissions out
    assert set(assignments()) <= graded
    assert keys == sorted(keys) and len(keys) == len(students) * len(graded)
    for (student, assignment), row in class_run.table.items():
        mine = student.startswith(f"{assignment}-")
        assert mine != row["status"].startswith("missing assignment: no folder"), row


def test_every_submitted_notebook_gets_a_feedback_page_and_a_log(class_run):
    for (student, assignment), row in class_run.table.items():
        if student.startswith(f"{assignment}-"):
            assert harness.feedback_results(class_run.out, student, assignment), student
            assert "--- the grader ---" in harness.log(class_run.out, student, assignment)


def test_feedback_never_shows_hidden_tests_or_tracebacks(class_run):
    proc = subprocess.run([sys.executable, "-m", "autograder", "leaks",
                           str(class_run.out / "feedback")],
                          cwd=harness.ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
    for page in (class_run.out / "feedback").rglob("*.html"):
        text = html.unescape(page.read_text())
        assert "Traceback" not in text and "BEGIN HIDDEN" not in text
        assert "grader_rng" not in text and "GRADING_SEED" not in text


def test_grading_leaves_the_course_unchanged_ignored_files_included(class_run):
    assert class_run.before == "" and class_run.after == ""

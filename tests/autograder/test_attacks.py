"""The grader against a cheating student, end to end, and honest work in every style.

One grading run (two jobs) over attacking submissions (tests/autograder/attacks/<name>/),
their controls, a victim and honest submissions written in unusual styles
(tests/autograder/honest/<name>/). An attack that replaces some solution cells must pass
exactly the tests that its control passes: the same notebook with those cells left as the
release's stub. Attacks that only add a cell of their own must leave an otherwise honest
notebook its full marks, and what they print (in the instructor's log) must show that
they found nothing, reached nothing and outlived nothing. Smaller runs check the secret
seed, the layout statuses, the refusal without bubblewrap and the course/SUBMITTED check.
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

import harness
from harness import STUB

HERE = Path(__file__).resolve().parent
ATTACKS, HONEST = HERE / "attacks", HERE / "honest"
TOKEN = f"autograder-daemon-{uuid.uuid4().hex}"
TIMEOUT, CALL_TIMEOUT = 60, 3

# attack: solution cells it leaves as the release's stub besides those it replaces
STUBBED = {"patched_allclose": {"conv2d_code", "conv_matrix_code"},
           "input_transformer": {"conv2d_code", "conv_matrix_code"}}
# attacks whose control is another submission than "the replaced cells as stubs"
CONTROL = {"endless_call": "stride_refused"}
# attacks that only add a cell: an honest notebook otherwise, full marks expected
EARLY_ONLY = {"finds_torch", "snoops_proc", "writes_everywhere", "daemon", "fork_bomb",
              "fills_disk", "crash", "segfault", "sleeps"}
# a cell of the student's own that ends the sandbox or hangs is left out, the rest graded
LEFT_OUT = {"crash": "ended the kernel (exit code 1)", "segfault": "ended the kernel (SIGSEGV)",
            "sleeps": "did not finish within 15 s"}


def attack_cells(name):
    folder = ATTACKS / name
    return {p.stem for p in folder.glob("*.py") if p.stem != "early"} | STUBBED.get(name, set())


def control_name(cells):
    return "control_" + "_".join(sorted(c.replace("_code", "") for c in cells))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("attacks")
    submitted, out = tmp / "submitted", tmp / "out"
    course = harness.course_copy(tmp)
    paths = {"SOURCE_NOTEBOOK": course / "solutions" / "assignment1" / "assignment1.ipynb",
             "COURSE": course, "SUBMITTED": submitted, "OUT": out, "TOKEN": TOKEN}
    controls = set()
    for folder in sorted(p for p in ATTACKS.iterdir() if p.is_dir()):
        nb = harness.from_folder(folder, substitute=paths)
        for cell in nb["cells"]:                      # the extra stubs some attacks need
            if harness.grade_id(cell) in STUBBED.get(folder.name, ()):
                cell["source"] = next(c["source"] for c in json.loads(
                    harness.RELEASE.read_text())["cells"] if harness.grade_id(c) == harness.grade_id(cell))
        harness.put(submitted, folder.name, nb)
        if folder.name not in EARLY_ONLY and folder.name not in CONTROL:
            controls.add(frozenset(attack_cells(folder.name)))
    for cells in controls:
        harness.put(submitted, control_name(cells),
                    harness.notebook({c: STUB for c in cells}))
    for folder in sorted(p for p in HONEST.iterdir() if p.is_dir()):
        path = harness.put(submitted, "honest_" + folder.name, harness.from_folder(folder))
        for extra in (folder / "files").glob("*") if (folder / "files").is_dir() else []:
            shutil.copy(extra, path.parent / extra.name)
    harness.put(submitted, "victim", harness.SOURCE.read_text())
    partial = harness.notebook({"conv2d_code": STUB, "conv_matrix_code": STUB})
    harness.put(submitted, "deleted_tests",
                dict(partial, cells=[c for c in partial["cells"] if not harness.is_test(c)]))
    edited = json.loads(json.dumps(partial))
    for cell in edited["cells"]:
        if harness.is_test(cell):
            cell["source"] = "pass  # tests? what tests?"
            cell["metadata"]["nbgrader"]["points"] = 1000
    harness.put(submitted, "edited_tests", edited)
    before = harness.git("status", "--porcelain", "--ignored", cwd=course)
    result = harness.grade(course, submitted, out, "--jobs", 2, "--timeout", TIMEOUT,
                           "--call-timeout", CALL_TIMEOUT, "--cell-timeout", 15)
    time.sleep(1)                                     # a daemon would have written by now
    result.course, result.submitted = course, submitted
    result.before, result.after = before, harness.git("status", "--porcelain", "--ignored",
                                                      cwd=course)
    result.host_processes = [p for p in Path("/proc").iterdir() if p.name.isdigit()
                             and TOKEN.encode() in _read(p / "cmdline")]
    return result


def _read(path):
    try:
        return path.read_bytes()
    except OSError:
        return b""


def test_the_run_ends_normally_and_grades_everyone(run):
    assert run.proc.returncode == 0, run.proc.stderr[-3000:]
    assert run.rows["victim"]["status"] == "graded" and \
        run.rows["victim"]["score"] == run.rows["victim"]["max_score"], run.rows["victim"]
    print(run.proc.stderr.splitlines()[-2], f"(whole run {run.seconds:.0f} s)")


CHEATS = sorted(p.name for p in ATTACKS.iterdir() if p.is_dir()
                and p.name not in EARLY_ONLY and p.name not in ("stride_refused", "seed_probe",
                                                                "forges_replies", "slow_calls"))


@pytest.mark.parametrize("attack", CHEATS)
def test_an_attack_passes_no_test_its_control_fails(run, attack):
    control = CONTROL.get(attack) or control_name(attack_cells(attack))
    assert harness.passed(run.out, attack) == harness.passed(run.out, control), \
        (run.rows[attack], run.rows[control])
    assert "FOUND" not in harness.log(run.out, attack)


@pytest.mark.parametrize("name", ["deleted_tests", "edited_tests"])
def test_deleting_or_editing_test_cells_changes_nothing(run, name):
    assert harness.passed(run.out, name) == harness.passed(run.out, control_name(
        {"conv2d_code", "conv_matrix_code"}))


@pytest.mark.parametrize("attack", sorted(EARLY_ONLY))
def test_an_attack_in_a_cell_of_its_own_leaves_honest_work_its_marks(run, attack):
    row = run.rows[attack]
    assert row["status"].startswith("graded") and row["score"] == row["max_score"], row
    assert "FOUND" not in harness.log(run.out, attack)


@pytest.mark.parametrize("attack", sorted(LEFT_OUT))
def test_a_cell_that_crashes_or_hangs_is_left_out_and_said_so(run, attack):
    status = run.rows[attack]["status"]
    assert status.startswith("graded; left out: your cell") and LEFT_OUT[attack] in status
    page = html.unescape((run.out / "feedback" / attack / "assignment1" /
                          "assignment1.html").read_text())
    assert LEFT_OUT[attack] in page and "ran your notebook again without this cell" in page


def test_a_notebook_past_its_deadline_scores_0_and_says_where_it_was(run):
    row = run.rows["slow_calls"]
    assert row["status"].startswith(f"timeout after {TIMEOUT} s in test conv2d_"), row
    assert "calling conv2d(array(" in row["status"] and float(row["score"]) == 0


def test_magics_warnings_and_stderr_output_are_no_errors(run):
    page = (run.out / "feedback" / "honest_noisy" / "assignment1" / "assignment1.html").read_text()
    assert "Cells that raised an error" not in page
    log = harness.log(run.out, "honest_noisy")
    assert "RuntimeWarning" in log and "conv2d called" in log      # it did warn and print


@pytest.mark.parametrize("style", sorted(p.name for p in HONEST.iterdir() if p.is_dir()))
def test_honest_work_in_any_style_gets_full_marks(run, style):
    row = run.rows["honest_" + style]
    assert row["status"].startswith("graded") and row["score"] == row["max_score"], row


def test_torch_scipy_and_the_course_are_nowhere_in_the_sandbox(run):
    log = harness.log(run.out, "finds_torch")
    searched = int(re.search(r"searched (\d+) names", log).group(1))
    assert searched > 1000, log[-2000:]               # it did look: numpy, matplotlib, /usr
    assert "FOUND" not in log


def test_other_processes_and_the_network_are_out_of_sight(run):
    log = harness.log(run.out, "snoops_proc")
    pids = json.loads(re.search(r"PIDS (\[.*?\])", log).group(1))
    assert len(pids) <= 3, log                        # bwrap's init, the sandbox, a child
    assert "PPID 1 UID 65534 HOSTNAME sandbox" in log
    assert "no network ('127.0.0.1', 22)" in log and "FOUND" not in log
    assert str(run.submitted) not in log and str(run.course) not in log


def test_nothing_outside_the_sandbox_can_be_written(run):
    log = harness.log(run.out, "writes_everywhere")
    assert "could not write" in log and "WROTE" not in log, log[-3000:]
    assert run.before == "" and run.after == "", run.after           # course untouched
    assert harness.passed(run.out, "victim") == set(harness.feedback_results(run.out, "victim"))
    assert json.loads((run.submitted / "victim" / "assignment1" / "assignment1.ipynb")
                      .read_text()) == json.loads(harness.SOURCE.read_text())


def test_no_process_of_a_sandbox_outlives_the_run(run):
    assert "daemons started" in harness.log(run.out, "daemon")
    assert run.host_processes == []
    assert "99" not in (run.out / "grades.csv").read_text()


def test_killing_the_grader_only_ends_ones_own_sandbox(run):
    assert run.proc.returncode == 0
    assert harness.passed(run.out, "kills_grader") <= harness.passed(
        run.out, control_name({"conv2d_code"}))
    others = [s for s in run.rows if s != "kills_grader"]
    assert all(not run.rows[s]["status"].startswith("grader error") for s in others)


def test_a_fork_bomb_meets_the_process_limit(run):
    log = harness.log(run.out, "fork_bomb")
    children = int(re.search(r"(?:CHILDREN|FORK FAILED after) (\d+)", log).group(1))
    assert children < 64, log[-1000:]


def test_the_disk_the_grader_uses_cannot_be_filled(run):
    log = harness.log(run.out, "fills_disk")
    found = dict(re.findall(r"DISK FULL in (\S+) after (\d+) MB", log))
    assert set(found) == {".", "/tmp"}, log[-1000:]
    assert int(found["."]) <= 256 and int(found["/tmp"]) <= 64


def test_an_endless_call_costs_that_test_and_seconds_not_the_notebook(run):
    page = html.unescape((run.out / "feedback" / "endless_call" / "assignment1" /
                          "assignment1.html").read_text())
    assert f"your conv2d did not return within {CALL_TIMEOUT:g} s" in page
    assert harness.passed(run.out, "endless_call")           # the other tests still ran
    log = harness.log(run.out, "endless_call")
    assert float(re.search(r"seconds: ([\d.]+)", log).group(1)) < TIMEOUT / 2


def test_a_crash_in_a_call_costs_that_test_and_says_why(run):
    page = (run.out / "feedback" / "crash_in_call" / "assignment1" / "assignment1.html").read_text()
    assert "your conv_matrix ended the sandbox: kernel died (SIGSEGV)" in html.unescape(page)


def test_forged_replies_are_a_protocol_error(run):
    row = run.rows["forges_replies"]
    assert row["status"].startswith("protocol error") and float(row["score"]) == 0


def test_feedback_carries_only_short_messages_and_the_log_the_rest(run):
    page = html.unescape((run.out / "feedback" / "long_messages" / "assignment1" /
                          "assignment1.html").read_text())
    runs = re.findall(r"EXFIL\S*", page)
    assert runs and max(map(len, runs)) < 200
    assert len(max(re.findall(r"EXFIL\S*", harness.log(run.out, "long_messages")), key=len)) > 10000


def test_feedback_never_shows_hidden_tests_or_tracebacks(run):
    proc = subprocess.run([sys.executable, "-m", "autograder", "leaks", str(run.out / "feedback")],
                          cwd=harness.ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
    for page in (run.out / "feedback").rglob("*.html"):
        text = html.unescape(page.read_text())
        assert "Traceback" not in text and "GRADING_SEED" not in text and "grader_rng" not in text


def test_torch_import_errors_say_what_graded_code_may_use(run):
    page = html.unescape((run.out / "feedback" / "uses_torch" / "assignment1" /
                          "assignment1.html").read_text())
    assert "your conv2d raised ModuleNotFoundError" in page and "No module named 'torch'" in page
    assert "graded code may use NumPy and matplotlib" in page
    assert "imports torch" in run.rows["uses_torch"]["status"]      # a hint for the instructor


# -- smaller runs -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_course(tmp_path_factory):
    return harness.course_copy(tmp_path_factory.mktemp("small"))


def test_the_hidden_inputs_follow_a_secret_kept_in_out(small_course, tmp_path):
    submitted = tmp_path / "submitted"
    harness.put(submitted, "probe", harness.from_folder(ATTACKS / "seed_probe"))

    def inputs(out, *options):
        result = harness.grade(small_course, submitted, out, "--jobs", 1, *options)
        assert result.proc.returncode == 0, result.proc.stderr
        return re.findall(r"INPUT (\w+)", harness.log(out, "probe"))

    first, again, other = inputs(tmp_path / "a"), inputs(tmp_path / "a"), inputs(tmp_path / "b")
    seed = tmp_path / "a" / "grading-seed.txt"
    assert oct(seed.stat().st_mode & 0o777) == "0o600" and len(seed.read_text().strip()) == 32
    assert len(first) > 5 and first == again      # a rerun into the same OUT: same inputs
    assert first != other                          # a fresh OUT: a fresh secret
    assert inputs(tmp_path / "c", "--seed", "x") == inputs(tmp_path / "d", "--seed", "x")


def test_layout_mistakes_get_statuses_that_say_what_was_found(small_course, tmp_path):
    submitted = tmp_path / "submitted"
    nb = harness.SOURCE.read_text()
    harness.put(submitted, "renamed", nb, name="my work.ipynb")
    harness.put(submitted, "upper", nb, name="assignment1.IPYNB")
    (submitted / "nested" / "assignment1" / "assignment1").mkdir(parents=True)
    (submitted / "nested" / "assignment1" / "assignment1" / "assignment1.ipynb").write_text(nb)
    (submitted / "loose").mkdir()
    (submitted / "loose" / "assignment1.ipynb").write_text(nb)
    harness.put(submitted, "cased", nb, assignment="Assignment1")
    harness.put(submitted, "invalid_json", b'{"cells": [ this is not JSON')
    harness.put(submitted, "not_a_notebook", json.dumps({"hello": "world", "cells": "none"}))
    (submitted / "no_folder" / "assignment9").mkdir(parents=True)
    linked = submitted / "linked" / "assignment1"
    linked.mkdir(parents=True)
    (linked / "assignment1.ipynb").symlink_to(harness.SOURCE)
    result = harness.grade(small_course, submitted, tmp_path / "out", "--jobs", 2)
    assert result.proc.returncode == 0, result.proc.stderr
    status = {s: r["status"] for (s, a), r in result.table.items() if a == "assignment1"}
    assert status["renamed"] == ("missing notebook: found my work.ipynb (renamed?), "
                                 "expected assignment1.ipynb")
    assert "found assignment1.IPYNB (the extension must be .ipynb)" in status["upper"]
    assert "found assignment1/assignment1.ipynb (in a nested folder)" in status["nested"]
    assert status["loose"] == ("missing assignment: found assignment1.ipynb directly in the "
                               "student's folder, expected assignment1/assignment1.ipynb")
    assert status["cased"] == ("missing assignment: found folder Assignment1/ (names are "
                               "case-sensitive), expected assignment1/")
    assert status["linked"].startswith("invalid notebook (not a plain file")
    assert status["invalid_json"] == "invalid notebook (not JSON)"
    assert status["not_a_notebook"] == "invalid notebook (no list of cells)"
    assert status["no_folder"] == "missing assignment: no folder assignment1/"
    assert all(float(r["score"]) == 0 for r in result.rows.values())


def test_without_bubblewrap_grading_refuses_unless_told_it_is_unsafe(small_course, tmp_path):
    submitted = tmp_path / "submitted"
    harness.put(submitted, "alice", harness.SOURCE.read_text())
    bin_dir = tmp_path / "bin"                      # a PATH without bwrap
    bin_dir.mkdir()
    env = dict(os.environ, PATH=f"{bin_dir}:{Path(sys.executable).parent}")
    refused = harness.grade(small_course, submitted, tmp_path / "out", env=env)
    assert refused.proc.returncode != 0 and not (tmp_path / "out" / "grades.csv").exists()
    assert "apt-get install bubblewrap" in refused.proc.stderr
    assert "--unsafe-no-sandbox" in refused.proc.stderr
    unsafe = harness.grade(small_course, submitted, tmp_path / "out", "--unsafe-no-sandbox",
                           env=env)
    assert unsafe.proc.returncode == 0, unsafe.proc.stderr
    row = unsafe.rows["alice"]
    assert row["score"] == row["max_score"] and "UNSAFE" in row["status"]


def test_a_change_to_submitted_during_grading_withholds_the_grades(small_course, tmp_path):
    submitted = tmp_path / "submitted"
    harness.put(submitted, "slow", harness.notebook(early="import time\ntime.sleep(4)\n"))
    bystander = harness.put(submitted, "bystander", harness.SOURCE.read_text())
    temporary = tmp_path / "tmpdir"                 # the grader's TMPDIR, to see it at work
    temporary.mkdir()

    def touch_once_grading_has_begun():              # its logs folder: made after the first
        deadline = time.monotonic() + 120            # fingerprint, before any notebook runs
        while not list(temporary.glob("autograder-*/logs/slow")) and time.monotonic() < deadline:
            time.sleep(0.05)
        bystander.write_text(bystander.read_text() + " ")

    toucher = threading.Thread(target=touch_once_grading_has_begun)
    toucher.start()
    result = harness.grade(small_course, submitted, tmp_path / "out", "--jobs", 1,
                           env=dict(os.environ, TMPDIR=str(temporary)))
    toucher.join()
    assert result.proc.returncode == 2
    assert "changed during grading" in result.proc.stderr and str(bystander) in result.proc.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()

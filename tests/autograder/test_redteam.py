"""The red team's attacks on the grader (tests/autograder/redteam/<name>/), end to end.

Each asserts what the README promises, so a test here fails while its attack succeeds.

- One grading run (two jobs) over the attacks that leave the run itself alone, their
  controls (the same notebook with the attacked solution cells left as the release's stubs)
  and a victim (an honest classmate: the source notebook). While it runs, a watcher thread
  polls the grader's processes (judge memory; every descendant, for "nothing outlives the
  run"), the grader's temporary log files (set-uid bits) and whether this (root) process
  can still make an inotify instance. This test process joins a session keyring of its own
  with a secret in it first, as a login with pam_keyinit has one (x86_64 syscall numbers).
- One run with a short --timeout over the attacks on the judge's own time (work the judge
  does on the host for a submission, where no deadline is checked), the attack on the
  run's exit code, and a victim.
- One small run (attacker + victim, into an OUT holding a stale grades.csv) per attack on
  the whole run: a crash, no grades.csv. Each must end with exit 0 and the victim graded.

Submissions that need what a git folder cannot hold (hard links, symbolic links, FIFOs,
sparse files, undecodable names, 1100 nested folders) are built here, by LAYOUTS; the
attack's folder then holds an ATTACK.md that says what is built.
"""
import base64
import ctypes
import html
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import harness
from harness import STUB

HERE = Path(__file__).resolve().parent
REDTEAM = HERE / "redteam"
TIMEOUT, CALL_TIMEOUT, CELL_TIMEOUT = 20, 3, 15
SHORT_TIMEOUT = 12         # the run of the attacks on the judge's time (DEADLINE); the victim needs ~3 s
FLOOD_KEYS = 28_000        # hash_flood: 10-20 s of the judge's time in protocol.decode
BOMB_MB = 32               # json_bomb: one progress line of this size (up to 256 get in)
JUDGE_MEMORY_MB = 1500     # a judge worker with torch imported and nine assignments loaded: 900-1020 MB here
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
ALL_CELLS = {"corr2d_code", "conv2d_code", "conv_matrix_code"}

# attacks that replace solution cells -> the cells their control leaves as stubs
CONTROLLED = {"odd_returns": {"corr2d_code"}, "exception_names": {"conv2d_code"},
              "hardlink_to_source": ALL_CELLS, "symlinked_assignment_folder": ALL_CELLS}
# attacks in a cell of their own (or in files) beside honest work: full marks expected
HONEST_OTHERWISE = {"setuid_log", "host_devices", "writable_hidden_tmpfs",
                    "special_files", "inotify_quota", "session_keyring"}
# attacks on the channel: a protocol error (0 points), and the judge unharmed
CHANNEL = {"json_bomb"}
# attacks on the judge's time: the notebook's deadline must still hold
DEADLINE = {"hash_flood", "slow_flags"}
# an attack on the run's exit code, in the run with the short deadline (it is slow too)
GRADER_ERROR = "escape_loop"
# attacks on the run as a whole: one small run each (two at a time, one job each)
RUN_LEVEL = ["deep_folder", "sparse_huge_file", "surrogate_message", "undecodable_name"]


def control_name(cells):
    return "control_" + "_".join(sorted(c.replace("_code", "") for c in cells))


# -- what a git folder cannot hold -------------------------------------------------------

def _hardlink_to_source(folder, course):
    os.link(course / "solutions" / "assignment1" / "assignment1.ipynb", folder / "notes.ipynb")


def _symlinked_assignment_folder(folder, course):
    notebook = folder / "assignment1.ipynb"          # the harness's notebook goes away:
    notebook.unlink()                                # the folder becomes a link to the source
    folder.rmdir()
    folder.symlink_to(os.path.relpath(course / "solutions" / "assignment1", folder.parent))


def _special_files(folder, course):
    os.mkfifo(folder / "fifo")
    (folder / "source.ipynb").symlink_to(course / "solutions" / "assignment1" / "assignment1.ipynb")
    (folder / "linked").symlink_to(course / "solutions" / "assignment1")
    (folder / ".ipynb_checkpoints").mkdir()
    shutil.copy(harness.SOURCE, folder / ".ipynb_checkpoints" / "assignment1-checkpoint.ipynb")
    (folder / "nested").mkdir()
    shutil.copy(harness.RELEASE, folder / "nested" / "assignment1.ipynb")
    (folder / "x\nstatus: graded (checked by hand)").symlink_to("nowhere")


def _deep_folder(folder, course, depth=1100):
    fd = os.open(folder, os.O_RDONLY)
    for _ in range(depth):                           # os.makedirs would recurse itself
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(os.open("f.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd))
    os.close(fd)


def _sparse_huge_file(folder, course):
    with open(folder / "data.bin", "wb") as f:
        f.truncate(100 * 2**30)                      # 100 GB, no disk used


def _undecodable_name(folder, course):
    os.symlink("nowhere", os.fsencode(folder) + b"/\xff")


LAYOUTS = {"hardlink_to_source": _hardlink_to_source,
           "symlinked_assignment_folder": _symlinked_assignment_folder,
           "special_files": _special_files, "deep_folder": _deep_folder,
           "sparse_huge_file": _sparse_huge_file, "undecodable_name": _undecodable_name}


def put_attack(submitted, course, name, paths):
    path = harness.put(submitted, name, harness.from_folder(REDTEAM / name, substitute=paths))
    files = REDTEAM / name / "files"
    if files.is_dir():
        shutil.copytree(files, path.parent, dirs_exist_ok=True)
    if name in LAYOUTS:
        LAYOUTS[name](path.parent, course)
    return path


def remove(path):
    """rm -rf: shutil.rmtree recurses and fails on deep_folder's 1100 levels."""
    subprocess.run(["rm", "-rf", str(path)], check=False)


# -- watching the grader while it runs ---------------------------------------------------

def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def _processes():
    """{pid: (ppid, start time, cmdline)} of every process on the machine."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _read(f"/proc/{entry}/stat").rsplit(b")", 1)[-1].split()
            if len(fields) > 20:
                found[int(entry)] = (int(fields[1]), fields[19], _read(f"/proc/{entry}/cmdline"))
    return found


class Watcher(threading.Thread):
    """Polls while the grader whose command line names `out` runs: the peak memory of its
    workers (the judges), every process descended from it, set-uid files in its logs, and
    whether this process (root, like the sandbox's host uid) can make an inotify instance."""

    def __init__(self, out, students):
        super().__init__(daemon=True)
        self.out, self.students = str(out).encode(), students
        self.done = threading.Event()
        self.judge_mb, self.descendants, self.setuid = {}, {}, set()
        self.inotify_failures = 0

    def run(self):
        while not self.done.is_set():
            procs = _processes()
            roots = [p for p, (_, _, cmd) in procs.items()
                     if self.out in cmd and b"autograder" in cmd and b"grade" in cmd]
            todo = list(roots)
            while todo:
                pid = todo.pop()
                for child, (ppid, start, cmd) in procs.items():
                    if ppid == pid and child not in self.descendants:
                        self.descendants[child] = (start, cmd)
                        todo.append(child)
            for pid, (ppid, _, cmd) in procs.items():
                if ppid in roots and b"multiprocessing" in cmd:
                    for line in _read(f"/proc/{pid}/status").splitlines():
                        if line.startswith(b"VmHWM:"):
                            self.judge_mb[pid] = max(self.judge_mb.get(pid, 0),
                                                     int(line.split()[1]) // 1024)
            for student in self.students:
                for log in Path("/tmp").glob(f"autograder-*/logs/{student}/*/*.log"):
                    try:
                        st = log.stat()
                    except OSError:
                        continue
                    if st.st_mode & (stat.S_ISUID | stat.S_ISGID):
                        self.setuid.add((str(log), oct(st.st_mode), st.st_uid))
            self.inotify_failures += not inotify_works()        # as any root process would
            time.sleep(0.1)

    def survivors(self, wait=5):
        """The descendants still alive `wait` seconds after the run (the same pid and start
        time: not a reused pid)."""
        deadline = time.monotonic() + wait
        while True:
            now = _processes()
            alive = [(pid, cmd[:200]) for pid, (start, cmd) in self.descendants.items()
                     if pid in now and now[pid][1] == start]
            if not alive or time.monotonic() > deadline:
                return alive
            time.sleep(0.2)


LIBC = ctypes.CDLL(None, use_errno=True)
SYS_ADD_KEY, SYS_KEYCTL = 248, 250                   # x86_64, as in redteam/session_keyring
SECRET = b"the instructor's secret"


def join_session_keyring():
    """What pam_keyinit gives a login: a session keyring (here this test process's own), with
    a secret in it; the grader started from here inherits it. False where keyctl is refused."""
    return (LIBC.syscall(SYS_KEYCTL, 1, b"redteam-login-session") > 0            # JOIN_SESSION
            and LIBC.syscall(SYS_ADD_KEY, b"user", b"redteam-secret", SECRET, len(SECRET), -3) > 0)


def planted_key():
    return LIBC.syscall(SYS_KEYCTL, 10, -3, b"user", b"redteam-planted", 0) > 0   # KEYCTL_SEARCH


def inotify_works():
    fd = LIBC.inotify_init1(0)
    if fd >= 0:
        os.close(fd)
    return fd >= 0


def device_times():
    return {d: os.stat(d).st_ctime_ns for d in DEVICES}


# -- the runs ----------------------------------------------------------------------------

def grading_run(tmp, attacks, controls, timeout):
    """Grade the attacks, the controls and a victim with a watcher running; the result of
    harness.grade plus what was seen around it."""
    submitted, out = tmp / "submitted", tmp / "out"
    course = harness.course_copy(tmp)
    paths = {"SOURCE_NOTEBOOK": course / "solutions" / "assignment1" / "assignment1.ipynb",
             "COURSE": course, "SUBMITTED": submitted, "OUT": out,
             "FLOOD_KEYS": FLOOD_KEYS, "BOMB_MB": BOMB_MB}
    for name in attacks:
        put_attack(submitted, course, name, paths)
    for cells in controls:
        harness.put(submitted, control_name(cells), harness.notebook({c: STUB for c in cells}))
    harness.put(submitted, "victim", harness.SOURCE.read_text())
    before = harness.git("status", "--porcelain", "--ignored", cwd=course)
    devices = device_times()
    watcher = Watcher(out, attacks)
    watcher.start()
    result = harness.grade(course, submitted, out, "--jobs", 2, "--timeout", timeout,
                           "--call-timeout", CALL_TIMEOUT, "--cell-timeout", CELL_TIMEOUT)
    time.sleep(0.5)
    watcher.done.set()
    watcher.join()
    result.course, result.submitted, result.watcher = course, submitted, watcher
    result.before, result.devices_before = before, devices
    result.after = harness.git("status", "--porcelain", "--ignored", cwd=course)
    result.devices_after = device_times()
    return result


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    keyring = join_session_keyring()
    result = grading_run(tmp_path_factory.mktemp("redteam"),
                         sorted(set(CONTROLLED) | HONEST_OTHERWISE | CHANNEL),
                         {frozenset(c) for c in CONTROLLED.values()}, TIMEOUT)
    result.keyring, result.planted_key = keyring, keyring and planted_key()
    print(f"main red-team run: {result.seconds:.0f} s")
    return result


@pytest.fixture(scope="module")
def slow_run(tmp_path_factory):
    """The attacks on the judge's time, with a short deadline, beside a victim."""
    result = grading_run(tmp_path_factory.mktemp("redteam_slow"),
                         sorted(DEADLINE | {GRADER_ERROR}), set(), SHORT_TIMEOUT)
    print(f"red-team run with --timeout {SHORT_TIMEOUT}: {result.seconds:.0f} s")
    return result


def seconds(out, student):
    return float(re.search(r"seconds: ([\d.]+)", harness.log(out, student)).group(1))


def test_the_run_ends_normally_and_the_victim_keeps_full_marks(run):
    assert run.proc.returncode == 0, run.proc.stderr[-3000:]
    victim = run.rows["victim"]
    assert victim["status"] == "graded" and victim["score"] == victim["max_score"], victim


def test_the_victims_feedback_is_what_an_undisturbed_run_writes(run):
    from autograder import feedback
    from autograder.course import load_course, secret_lines
    nb = load_course(run.course / "solutions")["assignment1"][0]
    undisturbed = {"student": "victim", "assignment": "assignment1", "notebook": nb.name,
                   "score": nb.max_score, "max_score": nb.max_score, "status": "graded",
                   "tests": [{"grade_id": t.grade_id, "points": t.points, "earned": t.points,
                              "passed": True, "error": None} for t in nb.tests],
                   "cell_errors": []}
    expected = feedback.render(undisturbed, secret_lines(load_course(run.course / "solutions"),
                                                         run.course / "notebooks"))
    page = run.out / "feedback" / "victim" / "assignment1" / "assignment1.html"
    assert page.read_text() == expected


@pytest.mark.parametrize("attack", sorted(CONTROLLED))
def test_an_attack_gains_no_points_over_its_control(run, attack):
    control = control_name(CONTROLLED[attack])
    assert float(run.rows[attack]["score"]) <= float(run.rows[control]["score"]), \
        (run.rows[attack], run.rows[control])
    assert harness.passed(run.out, attack) <= harness.passed(run.out, control)


@pytest.mark.parametrize("attack", sorted(HONEST_OTHERWISE))
def test_an_attack_beside_honest_work_leaves_it_its_marks(run, attack):
    row = run.rows[attack]
    assert row["status"].startswith("graded") and row["score"] == row["max_score"], row


def test_the_course_and_submitted_are_unchanged(run):
    assert run.proc.returncode != 2, run.proc.stderr[-2000:]
    assert run.before == "" and run.after == "", run.after
    victim = run.submitted / "victim" / "assignment1" / "assignment1.ipynb"
    assert victim.read_text() == harness.SOURCE.read_text()


def test_no_process_of_the_run_outlives_it(run):
    assert run.watcher.descendants, "the watcher saw no process of the grader"
    assert run.watcher.survivors() == []


def test_no_hidden_line_reaches_the_feedback(run):
    proc = subprocess.run([sys.executable, "-m", "autograder", "leaks", str(run.out / "feedback")],
                          cwd=run.course, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_no_hidden_line_reaches_the_feedback_encoded(run):
    from autograder.course import load_course, secret_lines, squeeze
    secrets = secret_lines(load_course(run.course / "solutions"), run.course / "notebooks")
    decoded = []
    for page in (run.out / "feedback").rglob("*.html"):
        for token in re.findall(r"LEAK([A-Za-z0-9+/=]+)", html.unescape(page.read_text())):
            try:
                decoded.append(base64.b64decode(token + "=" * (-len(token) % 4)).decode())
            except ValueError:
                pass
    assert not [text for text in decoded if secrets.hidden_in(squeeze(text))], decoded


def test_a_hard_link_beside_the_notebook_gives_nothing_of_the_course(run):
    log = harness.log(run.out, "hardlink_to_source")
    found = re.search(r"FOUND solutions (\[.*?\]) and (\d+) hidden", log)
    assert found and found.group(1) == "[]" and found.group(2) == "0", log[-2000:]


def test_a_linked_assignment_folder_is_not_graded_as_the_students(run):
    row = run.rows["symlinked_assignment_folder"]
    assert float(row["score"]) == 0, row


def test_copied_files_are_regular_files_of_the_submission_only(run):
    log = harness.log(run.out, "special_files")
    copied = {p for p in re.findall(r"COPIED \./(\S+)", log)
              if not p.startswith((".config/", ".ipython/"))}     # matplotlib's cache, IPython
    assert copied == {"assignment1.ipynb", "nested/assignment1.ipynb"}, log[-2000:]
    assert "FOUND" not in log


def test_the_short_deadline_run_grades_the_victim_and_leaves_nothing_running(slow_run):
    victim = slow_run.rows["victim"]
    assert victim["status"] == "graded" and victim["score"] == victim["max_score"], victim
    assert slow_run.watcher.survivors() == []


def test_file_names_cannot_write_lines_of_the_grader_section_of_the_log(run):
    grader_part = harness.log(run.out, "special_files").split("--- the grader ---", 1)[1]
    assert [line for line in grader_part.splitlines() if line.startswith("status:")] == \
        ["status: graded"], grader_part


@pytest.mark.parametrize("attack", sorted(DEADLINE))
def test_a_submission_cannot_hold_the_judge_past_its_deadline(slow_run, attack):
    assert seconds(slow_run.out, attack) <= SHORT_TIMEOUT + 3, \
        harness.log(slow_run.out, attack)[-1500:]


def test_a_reply_cannot_make_the_judge_take_gigabytes(run):
    # the judge stops reading at 4 MB, so the sandbox never gets to print "BOMB sent"
    row = run.rows["json_bomb"]
    assert row["status"].startswith("protocol error") and float(row["score"]) == 0, row
    assert run.watcher.judge_mb and max(run.watcher.judge_mb.values()) < JUDGE_MEMORY_MB, \
        run.watcher.judge_mb


def test_the_sandbox_cannot_make_a_host_file_set_uid(run):
    assert run.watcher.setuid == set()
    assert "FCHMOD OK" not in harness.log(run.out, "setuid_log")


def test_the_sandbox_cannot_change_the_hosts_devices(run):
    assert run.devices_after == run.devices_before
    log = harness.log(run.out, "host_devices")
    assert "CHMOD OK" not in log, re.findall(r"CHMOD OK .*", log)


def test_the_sandbox_cannot_use_up_the_hosts_per_user_quotas(run):
    log = harness.log(run.out, "inotify_quota")
    assert "INOTIFY held" in log
    assert run.watcher.inotify_failures == 0, (run.watcher.inotify_failures,
                                               re.findall(r"INOTIFY .*", log))


def test_the_sandbox_has_no_access_to_the_graders_session_keyring(run):
    if not run.keyring:
        pytest.skip("this machine refuses keyctl: no session keyring to share")
    log = harness.log(run.out, "session_keyring")
    assert "SESSION KEYRING" in log and SECRET.decode() not in log, re.findall(r"KEY .*", log)
    assert not run.planted_key


def test_only_the_two_scratch_folders_are_writable(run):
    log = harness.log(run.out, "writable_hidden_tmpfs")
    assert "WROTE" not in log, re.findall(r"WROTE .*", log)


def test_odd_values_and_exception_names_fail_their_tests(run):
    for attack, test in (("odd_returns", "corr2d_basics"),
                         ("exception_names", "conv2d_one_channel")):
        assert test not in harness.passed(run.out, attack)


# -- attacks on the run as a whole: one small run each -----------------------------------

def test_a_submission_cannot_make_the_run_exit_with_a_grader_error(slow_run):
    row = slow_run.rows[GRADER_ERROR]
    assert not row["status"].startswith("grader error"), row
    assert slow_run.proc.returncode == 0, slow_run.proc.stderr[-1500:]


STALE = "student_id,assignment,score,max_score,status\nvictim,assignment1,0,50,stale\n"


def _small_run(course, tmp, attack):
    submitted, out, temporary = tmp / "submitted", tmp / "out", tmp / "tmpdir"
    out.mkdir()                                    # an OUT graded into before
    (out / "grades.csv").write_text(STALE)
    temporary.mkdir()                              # the grader's TMPDIR, to see what it leaves
    put_attack(submitted, course, attack, {"COURSE": course})
    harness.put(submitted, "victim", harness.SOURCE.read_text())
    try:
        result = harness.grade(course, submitted, out, "--jobs", 1, "--timeout", TIMEOUT,
                               "--call-timeout", CALL_TIMEOUT, "--cell-timeout", CELL_TIMEOUT,
                               env=dict(os.environ, TMPDIR=str(temporary)))
    finally:
        remove(submitted / attack)
    result.left_behind = sorted(p.name for p in temporary.iterdir())
    return result


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory):
    import concurrent.futures
    course = harness.course_copy(tmp_path_factory.mktemp("redteam_small"))
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {a: pool.submit(_small_run, course, tmp_path_factory.mktemp(a), a)
                   for a in RUN_LEVEL}
        results = {a: f.result() for a, f in futures.items()}
    print(f"small red-team runs: {time.monotonic() - start:.0f} s")
    return results


@pytest.mark.parametrize("attack", RUN_LEVEL)
def test_one_submission_cannot_take_down_the_run(small_runs, attack):
    result = small_runs[attack]
    tail = result.proc.stderr[-1500:]
    assert result.proc.returncode == 0, tail
    victim = result.rows.get("victim", {})
    assert victim.get("status") == "graded" and victim.get("score") == victim.get("max_score"), \
        (result.rows, tail)                                                # not stale
    assert attack in result.rows and result.rows[attack]["status"].startswith("graded"), \
        result.rows.get(attack)


@pytest.mark.parametrize("attack", RUN_LEVEL)
def test_the_grader_removes_its_temporary_folder_whatever_happens(small_runs, attack):
    assert small_runs[attack].left_behind == []

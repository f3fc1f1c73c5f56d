"""`python -m autograder grade SUBMITTED --out OUT`: grade every student's every assignment.

SUBMITTED holds <student_id>/<assignment>/<notebook>.ipynb (nbgrader's submitted layout).
The assignments, their notebooks and their points come from the source notebooks. Each
submitted notebook's code runs in a bubblewrap sandbox of its own (isolation.py); the
tests run here, in worker processes. Only when every sandbox of the run is gone, and the
course folder and SUBMITTED are checked to be as they were, are OUT/grades.csv
(student_id,assignment,score,max_score,status), OUT/feedback/<student_id>/<assignment>/
<notebook>.html (for the student) and OUT/logs/... (for the instructor) written.
"""
import concurrent.futures
import csv
import hashlib
import multiprocessing
import os
import secrets as secrets_mod
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder import feedback, isolation
from autograder.course import load_course, secret_lines

CSV_COLUMNS = ["student_id", "assignment", "score", "max_score", "status"]
SEED_FILE = "grading-seed.txt"
MAX_LOG_BYTES = 2**20
MAX_STATUS_CHARS = 1000           # a row's status in all (one notebook's: judge.short_status)
MAX_LISTED = 2000                 # entries of a student's folder looked at for a status
UNSAFE = "UNSAFE: graded without an OS sandbox (--unsafe-no-sandbox)"


_slot = 0
_slot_lock = None


def _init_worker():
    """A worker: a slot of its own on this machine (the sandbox uid it uses), and torch
    loaded once."""
    global _slot, _slot_lock
    from autograder.limits import claim_slot
    _slot, _slot_lock = claim_slot()
    sys.dont_write_bytecode = True
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:                                   # the tests' reference; load it once per worker
        import torch
        torch.set_num_threads(1)
    except ImportError:
        pass


def _grade(job):
    from autograder.judge import grade_notebook
    return grade_notebook(dict(job, slot=_slot))


class Progress:
    """A plain-text progress bar on stderr (one line per step when stderr is not a tty)."""

    def __init__(self, total, width=30):
        self.total, self.width, self.done = total, width, 0
        self.start = time.monotonic()
        self.tty = sys.stderr.isatty()

    def step(self, label):
        self.done += 1
        filled = self.width * self.done // max(1, self.total)
        bar = "#" * filled + "." * (self.width - filled)
        text = (f"[{bar}] {self.done}/{self.total} submissions, "
                f"{time.monotonic() - self.start:.0f} s  {label}")
        if self.tty:
            sys.stderr.write("\r" + text[:120].ljust(120))
            if self.done == self.total:
                sys.stderr.write("\n")
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()


def _status(result):
    status = result["status"]
    if result.get("flags"):
        status += "; flagged: " + ", ".join(dict.fromkeys(result["flags"]))
    return _capped(status)


def _capped(status):
    """The grader's sentence on one line, at most MAX_STATUS_CHARS: a status quotes file
    names and the detail of an error, and grades.csv must stay a table (csv's readers
    refuse fields over 128 kB)."""
    status = " ".join(status.split())
    if len(status) > MAX_STATUS_CHARS:
        status = status[:MAX_STATUS_CHARS - 3] + "..."
    return status


def _placeholder(student, nb, status):
    return {"student": student, "assignment": nb.assignment, "notebook": nb.name,
            "score": 0.0, "max_score": nb.max_score, "status": status, "tests": [],
            "cell_errors": [], "flags": [], "notes": [], "seconds": 0.0,
            "grader_error": None, "left_running": False}


# -- what instructors meet in real exports ------------------------------------------------

def _listing(paths, folder, limit=5):
    names = sorted(repr(str(p.relative_to(folder)))[1:-1] for p in paths)
    names = [n if len(n) <= 80 else n[:77] + "..." for n in names]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _walk_files(folder, depth=8, limit=MAX_LISTED):
    """Plain files under folder (no links followed), at most `depth` folders down and
    `limit` entries looked at: an explicit stack, so 1100 nested folders are no recursion."""
    found, pending, seen = [], [(Path(folder), 0)], 0
    while pending and seen < limit:
        current, level = pending.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > limit:
                break
            try:
                if entry.is_dir(follow_symlinks=False):
                    if level + 1 < depth and entry.name != ".ipynb_checkpoints":
                        pending.append((Path(entry.path), level + 1))
                elif entry.is_file(follow_symlinks=False):
                    found.append(Path(entry.path))
            except OSError:
                continue
    return found


def missing_notebook(folder, expected):
    """'missing notebook: found X, expected Y' for a folder without the expected notebook."""
    notebooks = [p for p in _walk_files(folder) if p.suffix.lower() == ".ipynb"]
    if not notebooks:
        return f"missing notebook: no notebook in {folder.name}/, expected {expected}"
    hints = []
    for p in notebooks:
        if p.parent != folder:
            hints.append("in a nested folder")
        elif p.suffix != ".ipynb":
            hints.append("the extension must be .ipynb")
        elif p.name.lower() == expected.lower():
            hints.append("names are case-sensitive")
        else:
            hints.append("renamed?")
    return (f"missing notebook: found {_listing(notebooks, folder)} "
            f"({'; '.join(dict.fromkeys(hints))}), expected {expected}")


def missing_assignment(student_dir, assignment, notebooks):
    """'missing assignment: found ...' when <student>/<assignment>/ is absent."""
    near = [p for p in student_dir.iterdir() if p.name.lower() == assignment.lower()]
    if near:
        return (f"missing assignment: found folder {near[0].name}/ (names are "
                f"case-sensitive), expected {assignment}/")
    loose = [p for p in student_dir.iterdir() if p.is_file() and p.name in notebooks]
    if loose:
        return (f"missing assignment: found {loose[0].name} directly in the student's "
                f"folder, expected {assignment}/{loose[0].name}")
    return f"missing assignment: no folder {assignment}/"


# -- secrets and checks -------------------------------------------------------------------

def secret_seed(out, given):
    """The secret mixed into every hidden-test seed: --seed if given, else the one kept in
    OUT (drawn at random on the first grading into OUT, readable by its owner only)."""
    path = out / SEED_FILE
    stored = path.read_text().strip() if path.is_file() else None
    if given is not None:
        if stored is not None and stored != given:
            print(f"autograder grade: using --seed, not the seed kept in {path}",
                  file=sys.stderr)
        seed = given
    else:
        seed = stored or secrets_mod.token_hex(16)
    if stored is None:
        path.write_text(seed + "\n")
        path.chmod(0o600)
    return seed


def fingerprint(root, skip=(), contents=False, max_hashed=64 * 2**20):
    """{path: (mode, size, mtime, ctime[, sha256])} of everything under root (symbolic
    links not followed; files larger than max_hashed by their times only), without the
    skipped folders and __pycache__. An explicit stack: any depth of folders is walked."""
    skip = {str(s) for s in skip}
    found, stack = {}, [str(root)]
    while stack:
        path = stack.pop()
        try:
            st = os.lstat(path)
        except OSError:
            continue
        entry = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        if stat.S_ISDIR(st.st_mode):
            try:
                names = os.listdir(path)
            except OSError:
                names = []
            stack.extend(os.path.join(path, n) for n in names
                         if n != "__pycache__" and os.path.join(path, n) not in skip)
        elif contents and stat.S_ISREG(st.st_mode) and st.st_size <= max_hashed:
            digest = hashlib.sha256()
            try:
                with open(path, "rb") as f:
                    for block in iter(lambda: f.read(2**20), b""):
                        digest.update(block)
            except OSError:
                pass
            entry += (digest.hexdigest(),)
        found[path] = entry
    return found


def changes(before, after):
    return sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))


def _prewarm_matplotlib(mpl_dir, sites):
    """Build matplotlib's font cache once, as the sandbox's interpreter sees matplotlib
    (the cache holds font paths: from another site folder it would be built again)."""
    command = isolation.python_command(0, 1, sites)[:5] + [
        "import site, sys; [site.addsitedir(d) for d in sys.argv[1:]]; "
        "import matplotlib.font_manager", *sites]
    env = dict(isolation.sandbox_environment(mpl_dir), MPLCONFIGDIR=mpl_dir)
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)


def _copy_log(source, target, result):
    """The instructor's log: what the code printed (capped), then what the grader noted."""
    target.parent.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes() if source.is_file() else b""
    if len(data) > MAX_LOG_BYTES:
        half = MAX_LOG_BYTES // 2
        data = (data[:half] + f"\n[... {len(data) - 2 * half} bytes left out ...]\n".encode()
                + data[-half:])
    lines = [f"status: {_status(result)}", f"seconds: {result['seconds']:.1f}"]
    lines += [f"cell {c['label']} raised {c['type']}: {c['message']}"
              for c in result.get("cell_errors", [])]
    lines += [f"test {t['grade_id']}: {t['error']['type']}: {t['error']['message']}"
              + (f" [last call {t['error']['call']}]" if t["error"].get("call") else "")
              for t in result.get("tests", []) if t.get("error")]
    lines += result.get("notes", [])
    grader = "\n".join(line.replace("\n", "\\n") for line in lines)   # one line per note
    target.write_bytes(b"--- what the notebook printed ---\n" + data + b"\n--- the grader ---\n"
                       + grader.encode("utf-8", "backslashreplace") + b"\n")


def run(args):
    sys.dont_write_bytecode = True
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"          # the workers write no __pycache__
    source = Path(args.source).resolve()
    release = Path(args.release).resolve()
    submitted = Path(args.submitted).resolve()
    out = Path(args.out).resolve()
    if not submitted.is_dir():
        sys.exit(f"autograder grade: {args.submitted} is not a folder")
    if not source.is_dir():
        sys.exit(f"autograder grade: source folder {args.source} not found")
    if min(args.timeout, args.call_timeout, args.cell_timeout, args.jobs or 1) <= 0:
        sys.exit("autograder grade: --timeout, --cell-timeout, --call-timeout and --jobs "
                 "must be positive")
    course = load_course(source)
    if not course:
        sys.exit(f"autograder grade: no assignment notebooks in {args.source}")
    work = Path(tempfile.mkdtemp(prefix="autograder-"))
    try:
        work.chmod(0o755)
        return _run(args, source, release, submitted, out, course, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def linked_names(root):
    """{(device, inode): [paths]} of the plain files under root that have more than one
    name (hard links), every folder walked with an explicit stack, links not followed."""
    found, stack = {}, [str(root)]
    while stack:
        path = stack.pop()
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            try:
                stack.extend(os.path.join(path, n) for n in os.listdir(path))
            except OSError:
                pass
        elif stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
            found.setdefault((st.st_dev, st.st_ino), []).append(path)
    return found


def _names(path, submitted, links):
    """How many names the notebook at path has inside SUBMITTED (hard links), and a note
    for the instructor's log naming the others. A second name in another student's folder
    (an archive with hard links makes them) does not make a classmate's notebook invalid;
    a name outside SUBMITTED (the source notebook, say) does, since it is not the
    student's file."""
    try:
        st = os.lstat(path)
    except OSError:
        return 1, None                       # gone: read_submission says so
    if st.st_nlink <= 1:
        return 1, None
    if "map" not in links:
        links["map"] = linked_names(submitted)
    names = links["map"].get((st.st_dev, st.st_ino), [])
    others = sorted(os.path.relpath(n, submitted) for n in names if n != str(path))
    note = (f"this notebook has {st.st_nlink} names (hard links), {len(names)} in SUBMITTED: "
            f"{', '.join(repr(o) for o in others[:5])[:500]}")
    return len(names), note


def _jobs(args, submitted, release, course, work, seed, unsafe_site):
    """(results already known, jobs to grade) for every student, assignment and notebook."""
    students = sorted(d.name for d in submitted.iterdir()
                      if (d.is_dir() or d.is_symlink()) and not d.name.startswith("."))
    for extra in sorted({a.name for s in students if (submitted / s).is_dir()
                         for a in (submitted / s).iterdir() if a.is_dir()}
                        - set(course) - {".ipynb_checkpoints"}):
        if not any(extra.lower() == a.lower() for a in course):
            print(f"autograder grade: ignoring {extra!r}: not an assignment in {args.source}",
                  file=sys.stderr)
    results, jobs, links = {}, [], {}
    for student in students:
        for assignment, notebooks in course.items():
            folder = submitted / student / assignment
            names = {nb.name for nb in notebooks}
            for nb in notebooks:
                key = (student, assignment, nb.name)
                linked = [p for p in (submitted / student, folder) if p.is_symlink()]
                if linked:
                    results[key] = _placeholder(student, nb, (
                        f"invalid submission: {linked[0].relative_to(submitted)} is a "
                        f"symbolic link"))
                elif not folder.is_dir():
                    results[key] = _placeholder(
                        student, nb, missing_assignment(submitted / student, assignment, names))
                elif not (folder / nb.name).is_file():
                    results[key] = _placeholder(student, nb, missing_notebook(folder, nb.name))
                else:
                    log = work / "logs" / student / assignment / (Path(nb.name).stem + ".log")
                    log.parent.mkdir(parents=True, exist_ok=True)
                    names, note = _names(folder / nb.name, submitted, links)
                    jobs.append({"student": student, "source_nb": nb, "names": names,
                                 "link_note": note,
                                 "path": str(folder / nb.name),
                                 "release_dir": str(release / assignment),
                                 "work_dir": str(work), "log_path": str(log),
                                 "timeout": args.timeout, "call_timeout": args.call_timeout,
                                 "cell_timeout": args.cell_timeout,
                                 "secret": seed, "memory_mb": args.memory,
                                 "processes": args.processes, "scratch_mb": args.scratch,
                                 "mpl_cache": str(work / "matplotlib"),
                                 "lib_dir": str(work / "lib"),
                                 "unsafe": unsafe_site is not None, "unsafe_site": unsafe_site})
    return students, results, jobs


def _run(args, source, release, submitted, out, course, work):
    unsafe = args.unsafe_no_sandbox
    if not unsafe:
        problem = isolation.bwrap_problem(work)
        if problem:
            print(f"autograder grade: refusing to grade: {problem}", file=sys.stderr)
            return 1
    hidden = secret_lines(course, release)
    course_root = source.parent
    out.mkdir(parents=True, exist_ok=True)
    seed = secret_seed(out, args.seed)
    skip = {out, work}
    before = (fingerprint(course_root, skip), fingerprint(submitted, skip, contents=True))
    (work / "matplotlib").mkdir()
    isolation.copy_sandbox_files(work / "lib")
    unsafe_site = isolation.unsafe_site(work / "unsafe" / "site") if unsafe else None
    _prewarm_matplotlib(str(work / "matplotlib"),
                        [unsafe_site[0]] if unsafe else isolation.site_entries()[1])
    students, results, jobs = _jobs(args, submitted, release, course, work, seed, unsafe_site)

    n_jobs = min(args.jobs or os.cpu_count() or 1, max(1, len(jobs)))
    progress = Progress(len(jobs))
    started = time.monotonic()
    if jobs:
        with concurrent.futures.ProcessPoolExecutor(
                max_workers=n_jobs, mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker) as pool:
            futures = {pool.submit(_grade, job): job for job in jobs}
            for future in concurrent.futures.as_completed(futures):
                job = futures[future]
                key = (job["student"], job["source_nb"].assignment, job["source_nb"].name)
                try:
                    results[key] = future.result()
                except Exception as error:  # the grader's own failure
                    results[key] = _placeholder(
                        job["student"], job["source_nb"],
                        f"grader error: {type(error).__name__}: {error}")
                    results[key]["grader_error"] = str(error)
                progress.step(f"{key[0]}/{key[1]}: {results[key]['status']}")
    # every worker has exited, and with it every sandbox (each is killed, with its cgroup
    # and PID namespace, before its worker returns a result)
    elapsed = time.monotonic() - started
    after = (fingerprint(course_root, skip), fingerprint(submitted, skip, contents=True))
    changed = changes(before[0], after[0]) + changes(before[1], after[1])
    left = [r for r in results.values() if r.get("left_running")]
    if changed or left:
        for path in changed[:20]:
            print(f"autograder grade: changed during grading: {path!r}", file=sys.stderr)
        for r in left:
            print(f"autograder grade: the sandbox of {r['student']!r}/{r['assignment']} "
                  f"could not be ended", file=sys.stderr)
        print("autograder grade: no grades written: the course folder or SUBMITTED "
              "changed while grading, or a sandbox outlived its run", file=sys.stderr)
        return 2
    write_outputs(out, work, students, course, results, hidden, unsafe)

    seconds = [r["seconds"] for r in results.values() if r["seconds"]]
    if seconds:
        print(f"graded {len(seconds)} notebooks in {elapsed:.1f} s with {n_jobs} jobs: "
              f"{sum(seconds) / len(seconds):.1f} s per submission on average, "
              f"{max(seconds):.1f} s at most", file=sys.stderr)
    print(f"wrote {out / 'grades.csv'} and {out / 'feedback'}", file=sys.stderr)
    errors = [r for r in results.values() if r.get("grader_error")]
    for r in errors:
        print(f"grader error for {r['student']!r}/{r['assignment']}/{r['notebook']}: "
              f"{r['grader_error']}", file=sys.stderr)
    return 1 if errors else 0


def write_outputs(out, work, students, course, results, hidden, unsafe):
    """grades.csv, feedback/ and logs/, written into a fresh folder in OUT and then moved
    into place: a run that fails while writing leaves the previous outputs as they were."""
    fresh = Path(tempfile.mkdtemp(prefix=".writing-", dir=out))
    rows = []
    for student in students:
        for assignment, notebooks in course.items():
            parts = [results[(student, assignment, nb.name)] for nb in notebooks]
            if len(parts) == 1:
                status = _status(parts[0])
            elif all(p["status"] == parts[0]["status"] for p in parts) and not any(
                    p["flags"] for p in parts):
                status = parts[0]["status"]
            else:
                status = "; ".join(f"{p['notebook']}: {_status(p)}" for p in parts)
            if unsafe:
                status += "; " + UNSAFE
            rows.append({"student_id": student, "assignment": assignment,
                         "score": feedback.number(sum(p["score"] for p in parts)),
                         "max_score": feedback.number(sum(p["max_score"] for p in parts)),
                         "status": status})
            for p in parts:
                stem = Path(p["notebook"]).stem
                page = fresh / "feedback" / student / assignment / f"{stem}.html"
                page.parent.mkdir(parents=True, exist_ok=True)
                page.write_text(feedback.render(p, hidden), encoding="utf-8", errors="replace")
                _copy_log(work / "logs" / student / assignment / f"{stem}.log",
                          fresh / "logs" / student / assignment / f"{stem}.log", p)
    rows.sort(key=lambda r: (r["student_id"], r["assignment"]))
    with open(fresh / "grades.csv", "w", newline="", encoding="utf-8", errors="replace") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    for name in ("feedback", "logs", "grades.csv"):
        old = out / name
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        elif old.exists() or old.is_symlink():
            old.unlink()
        (fresh / name).rename(old)
    fresh.rmdir()

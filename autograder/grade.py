"""`python -m autograder grade SUBMITTED --out OUT`: grade every student's every assignment.

SUBMITTED holds <student_id>/<assignment>/<notebook>.ipynb (nbgrader's submitted layout).
The assignments, their notebooks and their points come from the source notebooks. Writes
OUT/grades.csv (student_id,assignment,score,max_score,status), OUT/feedback/<student_id>/
<assignment>/<notebook>.html and OUT/logs/... (what the student's code printed; for the
instructor). Notebooks are graded in parallel processes; each runs the student's code in a
sandbox of its own, in a temporary folder, so nothing in the course folder changes.
"""
import concurrent.futures
import csv
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder import feedback
from autograder.course import load_course, secret_lines

CSV_COLUMNS = ["student_id", "assignment", "score", "max_score", "status"]


def _init_worker(mpl_dir):
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["MPLCONFIGDIR"] = mpl_dir
    os.environ["AUTOGRADER_MPLCONFIGDIR"] = mpl_dir
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:                                   # the tests' reference; load it once per worker
        import torch
        torch.set_num_threads(1)
    except ImportError:
        pass


def _grade(job):
    from autograder.judge import grade_notebook
    return grade_notebook(job)


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
    return status


def _placeholder(student, nb, status):
    return {"student": student, "assignment": nb.assignment, "notebook": nb.name,
            "score": 0.0, "max_score": nb.max_score, "status": status, "tests": [],
            "cell_errors": [], "flags": [], "seconds": 0.0, "grader_error": None}


def _prewarm_matplotlib(mpl_dir):
    """Build matplotlib's font cache once, for every sandbox to read."""
    env = dict(os.environ, MPLCONFIGDIR=mpl_dir, MPLBACKEND="Agg")
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def run(args):
    source = Path(args.source).resolve()
    release = Path(args.release).resolve()
    submitted = Path(args.submitted).resolve()
    out = Path(args.out).resolve()
    if not submitted.is_dir():
        sys.exit(f"autograder grade: {args.submitted} is not a folder")
    if not source.is_dir():
        sys.exit(f"autograder grade: source folder {args.source} not found")
    course = load_course(source)
    if not course:
        sys.exit(f"autograder grade: no assignment notebooks in {args.source}")
    if args.timeout <= 0 or (args.jobs is not None and args.jobs < 1):
        sys.exit("autograder grade: --timeout and --jobs must be positive")
    secrets = secret_lines(course, release)
    students = sorted(d.name for d in submitted.iterdir()
                      if d.is_dir() and not d.name.startswith("."))
    for extra in sorted({a.name for s in students for a in (submitted / s).iterdir()
                         if a.is_dir()} - set(course) - {".ipynb_checkpoints"}):
        print(f"autograder grade: ignoring {extra!r}: not an assignment in {args.source}",
              file=sys.stderr)

    out.mkdir(parents=True, exist_ok=True)
    for name in ("feedback", "logs"):
        shutil.rmtree(out / name, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix="autograder-"))
    mpl_dir = str(work / "matplotlib")
    os.makedirs(mpl_dir)
    _prewarm_matplotlib(mpl_dir)
    roots = {source.parent, source, release, submitted, out, work}
    secret_roots = sorted(str(r) for r in roots if str(r) != "/")
    # the sandbox may read the Python installation, the shared font cache, and this
    # package (IPython's tracebacks quote it); nothing else of the course
    package = str(Path(__file__).resolve().parent)
    read_roots = sorted({sys.prefix, sys.base_prefix, mpl_dir, package})

    results, jobs = {}, []
    for student in students:
        for assignment, notebooks in course.items():
            folder = submitted / student / assignment
            for nb in notebooks:
                key = (student, assignment, nb.name)
                if not folder.is_dir():
                    results[key] = _placeholder(student, nb, "missing assignment")
                elif not (folder / nb.name).is_file():
                    results[key] = _placeholder(student, nb, "missing notebook")
                else:
                    log = out / "logs" / student / assignment / (Path(nb.name).stem + ".log")
                    log.parent.mkdir(parents=True, exist_ok=True)
                    jobs.append({"student": student, "source_nb": nb,
                                 "path": str(folder / nb.name),
                                 "release_dir": str(release / assignment),
                                 "work_dir": str(work), "log_path": str(log),
                                 "timeout": args.timeout, "seed": args.seed,
                                 "memory_mb": args.memory, "secret_roots": secret_roots,
                                 "read_roots": read_roots})

    n_jobs = args.jobs or os.cpu_count() or 1
    progress = Progress(len(jobs))
    started = time.monotonic()
    try:
        if jobs:
            with concurrent.futures.ProcessPoolExecutor(
                    max_workers=min(n_jobs, len(jobs)),
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_init_worker, initargs=(mpl_dir,)) as pool:
                futures = {pool.submit(_grade, job): job for job in jobs}
                for future in concurrent.futures.as_completed(futures):
                    job = futures[future]
                    key = (job["student"], job["source_nb"].assignment, job["source_nb"].name)
                    try:
                        results[key] = future.result()
                    except Exception as error:  # the grader's own failure
                        results[key] = _placeholder(job["student"], job["source_nb"],
                                                    f"grader error: {type(error).__name__}: {error}")
                        results[key]["grader_error"] = str(error)
                    progress.step(f"{key[0]}/{key[1]}: {results[key]['status']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - started

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
            rows.append({"student_id": student, "assignment": assignment,
                         "score": feedback.number(sum(p["score"] for p in parts)),
                         "max_score": feedback.number(sum(p["max_score"] for p in parts)),
                         "status": status})
            for p in parts:
                page = out / "feedback" / student / assignment / (Path(p["notebook"]).stem + ".html")
                page.parent.mkdir(parents=True, exist_ok=True)
                page.write_text(feedback.render(p, secrets), encoding="utf-8")
    rows.sort(key=lambda r: (r["student_id"], r["assignment"]))
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)

    seconds = [r["seconds"] for r in results.values() if r["seconds"]]
    if seconds:
        print(f"graded {len(seconds)} notebooks in {elapsed:.1f} s with {n_jobs} jobs: "
              f"{sum(seconds) / len(seconds):.1f} s per submission on average, "
              f"{max(seconds):.1f} s at most", file=sys.stderr)
    print(f"wrote {out / 'grades.csv'} ({len(rows)} rows) and {out / 'feedback'}",
          file=sys.stderr)
    errors = [r for r in results.values() if r.get("grader_error")]
    for r in errors:
        print(f"grader error for {r['student']}/{r['assignment']}/{r['notebook']}: "
              f"{r['grader_error']}", file=sys.stderr)
    return 1 if errors else 0

"""The judge: grades one submitted notebook without ever running the student's code itself.

The student's code runs in a sandbox process (autograder/sandbox.py). The judge runs the
SOURCE notebook's read-only setup cells and then each test cell's full source (visible and
hidden parts, from solutions/, never from the submission) in a fresh namespace in which
the student's function names are proxies: calling one sends the arguments to the sandbox
and returns what the student's function returned there. A test cell earns its points if it
runs without an exception (nbgrader's rule).
"""
import builtins
import contextlib
import hashlib
import io
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from autograder import course as course_mod
from autograder import forbidden, protocol, static

MAX_NOTEBOOK_BYTES = 50 * 2**20
MAX_MESSAGE_CHARS = 500
PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)
# -P: the sandbox's folder (the student's files) does not shadow modules before it starts
SAFE_PATH = ["-P"] if sys.version_info >= (3, 11) else []


# -- what can end a submission early (BaseException: a test's `except Exception` cannot
# swallow them) -------------------------------------------------------------------------

class Abort(BaseException):
    status = "error"


class Timeout(Abort):
    pass


class SandboxDied(Abort):
    pass


class ProtocolViolation(Abort):
    pass


class GraderError(Exception):
    """A fault of the grader or of the course's own cells, not of the submission."""


# -- what the proxies raise in the test code ---------------------------------------------

class ForbiddenLibraryError(RuntimeError):
    """The student's function used (or loaded) a library graded code may not use."""


class StudentError(RuntimeError):
    """An exception of the student's function whose type is not a builtin."""


def student_exception(kind, message, function):
    cls = getattr(builtins, kind, None) if isinstance(kind, str) else None
    error = None
    if kind == "ForbiddenLibraryError":
        error = ForbiddenLibraryError(message)
    elif isinstance(cls, type) and issubclass(cls, Exception):
        try:
            error = cls(message)
        except Exception:  # builtins with other constructors (UnicodeDecodeError, ...)
            error = None
    if error is None:
        error = StudentError(f"{kind}: {message}")
    error.raised_by = function
    return error


def grading_seed(seed, student_id):
    """A stable per-student seed for the hidden tests' shapes."""
    digest = hashlib.sha256(f"{seed}:{student_id}".encode()).hexdigest()
    return int(digest[:8], 16)


# -- the channel to the sandbox ---------------------------------------------------------

class Sandbox:
    """A running sandbox process and the two pipes to it."""

    def __init__(self, folder, log_path, deadline, timeout):
        self.deadline, self.timeout = deadline, timeout
        self.next_id = 0
        self.buffer = b""
        self.loaded = set()            # forbidden libraries seen in the sandbox's memory
        self.blocked = []              # what the sandbox's audit hook refused
        req_r, self.req_w = os.pipe()
        self.resp_r, resp_w = os.pipe()
        env = {
            "PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin",
            "HOME": str(folder), "IPYTHONDIR": str(folder / ".ipython"), "TMPDIR": str(folder),
            "MPLCONFIGDIR": os.environ.get("AUTOGRADER_MPLCONFIGDIR", str(folder / ".matplotlib")),
            "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
            "PYTHONPATH": PACKAGE_PARENT, "PYTHONHASHSEED": "0", "PYTHONUNBUFFERED": "1",
            "PYTHONIOENCODING": "utf-8", "LANG": "C.UTF-8",
        }
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, *SAFE_PATH, "-m", "autograder.sandbox", str(req_r), str(resp_w)],
                cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                pass_fds=(req_r, resp_w), start_new_session=True, close_fds=True)
        os.close(req_r)
        os.close(resp_w)
        os.set_blocking(self.req_w, False)

    # low level
    def _remaining(self):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise Timeout(f"timeout after {self.timeout:g} s")
        return remaining

    def _send(self, message):
        data = protocol.dumps(message)
        while data:
            _, writable, _ = select.select([], [self.req_w], [], self._remaining())
            if not writable:
                continue
            try:
                data = data[os.write(self.req_w, data):]
            except BlockingIOError:
                continue
            except BrokenPipeError:
                raise self._died() from None

    def _receive(self):
        while b"\n" not in self.buffer:
            readable, _, _ = select.select([self.resp_r], [], [], self._remaining())
            if not readable:
                continue
            chunk = os.read(self.resp_r, 1 << 20)
            if not chunk:
                raise self._died()
            self.buffer += chunk
            if len(self.buffer) > protocol.MAX_LINE_BYTES:
                raise ProtocolViolation("protocol error: message too long")
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            return protocol.loads(line)
        except protocol.ProtocolError as error:
            raise ProtocolViolation(f"protocol error: {error}") from None

    def _died(self):
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return SandboxDied("kernel died (closed its channel)")
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return SandboxDied(f"kernel died ({name})")
        return SandboxDied(f"kernel died (exit code {code})")

    def request(self, message):
        self.next_id += 1
        message = dict(message, id=self.next_id)
        self._send(message)
        reply = self._receive()
        if reply.get("id") != self.next_id:
            raise ProtocolViolation("protocol error: reply to another request")
        blocked = reply.get("blocked")
        if isinstance(blocked, list):
            self.blocked = [str(b)[:200] for b in blocked[:50]]
        self.check_memory(self.process.pid)
        return reply

    def check_memory(self, *pids):
        for pid in pids:
            self.loaded.update(forbidden.libraries_loaded(pid))

    def check_session(self):
        self.check_memory(*forbidden.session_members(self.process.pid))

    # high level
    def run(self, cells, memory_mb, sandbox_dir, secret_roots, read_roots):
        reply = self.request({"op": "run", "cells": cells, "memory_mb": memory_mb,
                              "sandbox_dir": str(sandbox_dir), "secret_roots": secret_roots,
                              "read_roots": read_roots})
        report = reply.get("cells")
        if reply.get("type") != "ready" or not isinstance(report, list):
            raise ProtocolViolation("protocol error: bad ready message")
        self.check_session()
        errors = []
        for item in report[:len(cells)]:
            error = item.get("error") if isinstance(item, dict) else None
            if isinstance(error, dict):
                errors.append({"label": str(item.get("label", "?"))[:100],
                               "type": str(error.get("type", "?"))[:100],
                               "message": str(error.get("message", ""))[:MAX_MESSAGE_CHARS]})
        return errors

    def call(self, name, args, kwargs):
        try:
            message = {"op": "call", "name": name,
                       "args": [protocol.encode(a) for a in args],
                       "kwargs": [[k, protocol.encode(v)] for k, v in kwargs.items()]}
        except TypeError as error:
            raise GraderError(f"a test passed {name} an argument that cannot be sent: {error}")
        reply = self.request(message)
        if self.loaded:
            raise ForbiddenLibraryError(
                f"{', '.join(sorted(self.loaded))} got loaded into your notebook's process; "
                f"graded code may not use it")
        keys = {"ok", "error", "forbidden"} & set(reply)
        if len(keys) != 1:
            raise ProtocolViolation("protocol error: reply without a result")
        if "forbidden" in reply:
            names = reply["forbidden"] if isinstance(reply["forbidden"], list) else []
            self.loaded.update(str(n)[:40] for n in names)
            raise ForbiddenLibraryError(f"{name} used {', '.join(map(str, names))}; "
                                        f"graded code may not use it")
        if "error" in reply:
            error = reply["error"] if isinstance(reply["error"], dict) else {}
            raise student_exception(str(error.get("type", "Exception"))[:100],
                                    str(error.get("message", ""))[:MAX_MESSAGE_CHARS], name)
        try:
            return protocol.decode(reply["ok"])
        except protocol.ProtocolError as error:
            raise ProtocolViolation(f"protocol error: {error}") from None

    def kill(self):
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for fd in (self.req_w, self.resp_r):
            try:
                os.close(fd)
            except OSError:
                pass


class StudentFunction:
    """Stands in the test's namespace for the student's function of that name."""

    def __init__(self, sandbox, name):
        self._sandbox, self.__name__ = sandbox, name

    def __call__(self, *args, **kwargs):
        return self._sandbox.call(self.__name__, args, kwargs)

    def __repr__(self):
        return f"<your function {self.__name__}, run in the sandbox>"


# -- reading a submission ---------------------------------------------------------------

class InvalidNotebook(Exception):
    pass


def read_submission(path):
    """The cells of a submitted notebook, checked only as far as grading needs."""
    if Path(path).stat().st_size > MAX_NOTEBOOK_BYTES:
        raise InvalidNotebook("invalid notebook (larger than 50 MB)")
    try:
        nb = json.loads(Path(path).read_bytes())
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidNotebook("invalid notebook (not JSON)") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) and "cell_type" in c
                                              for c in cells):
        raise InvalidNotebook("invalid notebook (no list of cells)")
    return cells


def execution_plan(source_nb, cells):
    """What the sandbox runs: for each code cell of the submission, in its order, the
    student's content (solution cells and cells the student added) or the source's
    content (read-only cells); test cells are left out."""
    known = source_nb.by_grade_id()
    plan, student_sources = [], []
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        grade_id = course_mod.nbgrader_meta(cell).get("grade_id")
        original = known.get(grade_id) if isinstance(grade_id, str) else None
        if original is not None and original.kind == "test":
            continue
        if original is not None and original.kind == "setup":
            plan.append({"label": f"{grade_id} (read-only)", "source": original.source})
            continue
        source = course_mod.cell_source(cell)
        label = grade_id if original is not None and original.kind == "solution" \
            else f"your cell {i + 1}"
        plan.append({"label": label, "source": source})
        student_sources.append(source)
    return plan, student_sources


# -- running the tests ------------------------------------------------------------------

class _NoIPython:
    """get_ipython() in the judge: magics in the course's own cells do nothing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _compile(source, label):
    from IPython.core.inputtransformer2 import TransformerManager
    return compile(TransformerManager().transform_cell(source), f"<{label}>", "exec")


def run_test(test, setup, proxies, seed):
    """None if the test cell passes, else (exception type, message, raised_by)."""
    namespace = {"__name__": "__main__", "__builtins__": builtins,
                 "get_ipython": lambda: _NoIPython()}
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cell in setup:
            try:
                exec(_compile(cell.source, f"setup {cell.grade_id}"), namespace)
            except Exception as error:
                raise GraderError(f"the course's setup cell {cell.grade_id} failed: "
                                  f"{type(error).__name__}: {error}") from None
        namespace.update(proxies)
        namespace["GRADING_SEED"] = seed
        try:
            exec(_compile(test.source, f"test {test.grade_id}"), namespace)
        except GraderError:
            raise
        except Exception as error:
            return type(error).__name__, str(error)[:MAX_MESSAGE_CHARS], \
                getattr(error, "raised_by", None)
    return None


def grade_notebook(job):
    """Grade one submitted notebook. job is a dict (see grade.py); returns a result dict."""
    source_nb = job["source_nb"]
    result = {"student": job["student"], "assignment": source_nb.assignment,
              "notebook": source_nb.name, "score": 0.0, "max_score": source_nb.max_score,
              "status": "", "tests": [], "cell_errors": [], "flags": [],
              "seconds": 0.0, "grader_error": None}
    start = time.monotonic()
    try:
        cells = read_submission(job["path"])
    except InvalidNotebook as error:
        result["status"] = str(error)
        return result
    plan, student_sources = execution_plan(source_nb, cells)
    result["flags"] = static.flags(student_sources)
    folder = Path(tempfile.mkdtemp(prefix="sandbox-", dir=job["work_dir"]))
    sandbox = None
    tests = [{"grade_id": t.grade_id, "points": t.points, "earned": 0.0, "passed": False,
              "error": None} for t in source_nb.tests]
    result["tests"] = tests
    try:
        release = job.get("release_dir")
        if release and Path(release).is_dir():
            shutil.copytree(release, folder, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        shutil.copyfile(job["path"], folder / source_nb.name)
        (folder / ".ipython").mkdir(exist_ok=True)
        sandbox = Sandbox(folder, job["log_path"], start + job["timeout"], job["timeout"])
        result["cell_errors"] = sandbox.run(plan, job["memory_mb"], folder,
                                            job["secret_roots"], job["read_roots"])
        proxies = {name: StudentFunction(sandbox, name) for name in source_nb.functions}
        seed = grading_seed(job["seed"], job["student"])
        for test, entry in zip(source_nb.tests, tests):
            failure = run_test(test, source_nb.setup, proxies, seed)
            sandbox.check_session()
            if failure is None:
                entry.update(passed=True, earned=test.points)
            else:
                kind, message, raised_by = failure
                entry["error"] = {"type": kind, "message": message, "raised_by": raised_by}
        result["score"] = sum(t["earned"] for t in tests)
        result["status"] = "graded"
    except Abort as error:
        for entry in tests:
            entry.update(passed=False, earned=0.0)
        result["score"] = 0.0
        result["status"] = str(error)
    except GraderError as error:
        result["status"] = f"grader error: {error}"
        result["grader_error"] = str(error)
    finally:
        if sandbox is not None:
            sandbox.kill()
            if sandbox.loaded:
                result["flags"].append(f"loaded {', '.join(sorted(sandbox.loaded))}")
            if sandbox.blocked:
                result["flags"].append("sandbox blocked: " + "; ".join(
                    sorted({b.split(":")[0].split(" /")[0] for b in sandbox.blocked})))
        shutil.rmtree(folder, ignore_errors=True)
        result["seconds"] = time.monotonic() - start
    return result

"""The judge: grades one submitted notebook without ever running the student's code itself.

The student's code runs in a sandbox process inside bubblewrap (isolation.py, limits.py,
sandbox.py). The judge runs the SOURCE notebook's read-only setup cells and then each test
cell's full source (visible and hidden parts, from solutions/, never from the submission)
in a fresh namespace in which the student's function names are proxies: calling one sends
the arguments to the sandbox and returns what the student's function returned there. A
test cell earns its points if it runs without an exception (nbgrader's rule).

Each call has its own deadline (--call-timeout) as well as the notebook's (--timeout). A
call that overruns it, or that ends the sandbox, fails that test only: the sandbox is
killed, started again for the remaining tests (at most MAX_RESTARTS times), and the
student's cells are run again in it.
"""
import builtins
import contextlib
import hashlib
import io
import json
import os
import re
import select
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

from autograder import course as course_mod
from autograder import isolation, limits, protocol, static

MAX_NOTEBOOK_BYTES = 50 * 2**20
MAX_MESSAGE_CHARS = 300          # of an exception message, in the judge
STUDENT_MESSAGE_CHARS = 160      # of a message the student's own code wrote, from the start:
                                 # a test that quotes it in its own message quotes no more
MAX_RESTARTS = 5
MAX_STATUS_CHARS = 300           # of the sentence a submission's status is: the grader's
MAX_NOTEBOOK_CONTAINERS = 200_000  # lists and objects in a submitted notebook's JSON
MAX_RUN_REPLY_BYTES = 4 * 2**20  # of a progress or ready message (cell reports are short)
MAX_LOGGED_BYTES = 4 * 2**20     # of what a notebook prints, kept for the instructor
MAX_SUBMITTED_BYTES = 50 * 2**20  # the student's files beside the notebook, in all
MAX_SUBMITTED_FILES = 1000


# -- what can end a submission early (BaseException: a test's `except Exception` cannot
# swallow them) -------------------------------------------------------------------------

class Abort(BaseException):
    pass


class Timeout(Abort):
    pass


class SandboxDied(Abort):
    pass


class ProtocolViolation(Abort):
    pass


class Verdict(BaseException):
    """Raised through the test code, which cannot catch it with `except Exception`."""


class GraderError(Verdict):
    """A fault of the grader or of the course's own cells, not of the submission."""


# -- what the proxies raise in the test code ---------------------------------------------

class StudentError(RuntimeError):
    """An exception of the student's function whose type is not a builtin."""


class CallFailed(Verdict):
    """The student's function did not return: it overran its deadline or ended the sandbox."""


class CellFailed(Exception):
    """A cell of the notebook overran its deadline or ended the sandbox."""

    def __init__(self, index, kind, message):
        super().__init__(message)
        self.index, self.kind, self.message = index, kind, message


def student_exception(kind, message, function):
    cls = getattr(builtins, kind, None) if isinstance(kind, str) else None
    error = None
    if isinstance(cls, type) and issubclass(cls, Exception):
        try:
            error = cls(message)
        except Exception:  # builtins with other constructors (UnicodeDecodeError, ...)
            error = None
    if error is None:
        error = StudentError(f"{kind}: {message}")
    error.raised_by = function
    return error


def short_status(text):
    """A status the grader writes, at most MAX_STATUS_CHARS on one line: what it quotes of
    a submission (a protocol error's detail, a message) must not make it the student's."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_STATUS_CHARS else text[:MAX_STATUS_CHARS - 3] + "..."


def grading_seed(secret, student_id):
    """The hidden tests' seed for one student: secret (kept in OUT) mixed with the id."""
    digest = hashlib.sha256(f"{secret}:{student_id}".encode()).hexdigest()
    return int(digest[:16], 16)          # 64 bits: the inputs a student sees give no search


def describe(value, depth=0):
    """A short description of an argument for the feedback: shapes, not values."""
    import numpy as np
    if isinstance(value, np.ndarray):
        return f"array{tuple(value.shape)} {value.dtype}"
    if isinstance(value, (list, tuple)) and depth < 2:
        inner = ", ".join(describe(v, depth + 1) for v in value[:6])
        inner += ", ..." if len(value) > 6 else ""
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def describe_call(name, args, kwargs):
    parts = [describe(a) for a in args] + [f"{k}={describe(v)}" for k, v in kwargs.items()]
    text = f"{name}({', '.join(parts)})"
    return text if len(text) <= 300 else text[:297] + "..."


# -- the channel to one sandbox process -------------------------------------------------

class Sandbox:
    """A running sandbox (bwrap, or a plain process with --unsafe-no-sandbox) and its pipes."""

    def __init__(self, job, staging, log):
        self.job, self.next_id, self.buffer, self.scanned = job, 0, bytearray(), 0
        self.activity = "while starting"
        self.raised = []                     # the student's exceptions in full, for the log
        self.log, self.logged = log, 0
        self.max_line = MAX_RUN_REPLY_BYTES
        self.cgroup = limits.Cgroup.create(job["memory_mb"], job["processes"])
        req_r, self.req_w = os.pipe()
        self.resp_r, resp_w = os.pipe()
        self.out_r, out_w = os.pipe()        # stdout and stderr: a pipe, never a host file
        cpu = job["timeout"] + 5
        rlimits = limits.rlimits(job["memory_mb"], cpu, processes=job["processes"])
        if job["unsafe"]:
            self.home = Path(tempfile.mkdtemp(prefix="home-", dir=job["work_dir"]))
            site, lib = job["unsafe_site"]
            command = (limits.launch_command(self.cgroup, rlimits)
                       + isolation.python_command(req_r, resp_w, [site], lib))
            env, cwd = isolation.sandbox_environment(str(self.home)), self.home
            self.paths = {"submission_dir": str(staging), "mpl_cache": job["mpl_cache"]}
        else:
            self.home = None
            _, sites = isolation.site_entries()
            command = (limits.launch_command(self.cgroup, rlimits,
                                             uid=limits.sandbox_uid(job.get("slot", 0)),
                                             scratch=isolation.SCRATCH_INODES)
                       + isolation.bwrap_command(staging, job["mpl_cache"], job["scratch_mb"],
                                                 job.get("lib_dir"))
                       + isolation.python_command(req_r, resp_w, sites))
            env, cwd = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, "/"
            self.paths = {"submission_dir": isolation.SUBMISSION,
                          "mpl_cache": isolation.MPL_CACHE}
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=out_w, stderr=out_w,
            pass_fds=(req_r, resp_w), start_new_session=True, close_fds=True)
        self.process.stdin.close()
        for fd in (req_r, resp_w, out_w):
            os.close(fd)
        os.set_blocking(self.req_w, False)
        os.set_blocking(self.out_r, False)

    def _drain_output(self):
        """Copy what the sandbox printed into the log, up to MAX_LOGGED_BYTES."""
        for _ in range(256):                 # at most 16 MB per call: a writer cannot hold us
            if self.out_r is None:
                return
            try:
                chunk = os.read(self.out_r, 1 << 16)
            except BlockingIOError:
                return
            if not chunk:
                os.close(self.out_r)
                self.out_r = None
                return
            if self.logged < MAX_LOGGED_BYTES:
                self.log.write(chunk[:MAX_LOGGED_BYTES - self.logged])
            self.logged += len(chunk)

    def _wait(self, read, write, remaining):
        watch = [read] if read is not None else []
        if self.out_r is not None:
            watch.append(self.out_r)
        readable, writable, _ = select.select(watch, [write] if write is not None else [], [],
                                              remaining)
        if self.out_r in readable:
            self._drain_output()
        return read in readable, write in writable

    # low level: every wait ends at the deadline given
    def _send(self, message, deadline, on_timeout):
        data = protocol.dumps(message)
        while data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise on_timeout()
            if not self._wait(None, self.req_w, remaining)[1]:
                continue
            try:
                data = data[os.write(self.req_w, data):]
            except BlockingIOError:
                continue
            except BrokenPipeError:
                raise self.died() from None

    def _receive(self, deadline, on_timeout):
        while True:
            end = self.buffer.find(b"\n", self.scanned)
            if end >= 0:
                break
            self.scanned = len(self.buffer)
            if len(self.buffer) > self.max_line:
                raise ProtocolViolation("protocol error: message too long")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise on_timeout()
            if not self._wait(self.resp_r, None, remaining)[0]:
                continue
            chunk = os.read(self.resp_r, 1 << 20)
            if not chunk:
                raise self.died()
            self.buffer += chunk
        line = bytes(self.buffer[:end])
        del self.buffer[:end + 1]
        self.scanned = 0
        if len(line) > self.max_line:
            raise ProtocolViolation("protocol error: message too long")
        try:
            return protocol.loads(line)
        except protocol.ProtocolError as error:
            raise ProtocolViolation(f"protocol error: {error}") from None

    def died(self):
        """The SandboxDied for a sandbox whose channel closed: how it ended, and doing what."""
        self._drain_output()
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            how = "closed its channel"
        else:
            if code < 0:
                try:
                    how = signal.Signals(-code).name
                except ValueError:
                    how = f"signal {-code}"
            elif code > 128 and code - 128 in set(signal.Signals):
                how = signal.Signals(code - 128).name      # bwrap reports its child's signal
            else:
                how = f"exit code {code}"
        if self.cgroup is not None and self.cgroup.memory_exceeded():
            how += f", memory limit of {self.job['memory_mb']} MB"
        died = SandboxDied(f"kernel died ({how}) {self.activity}")
        died.how = how
        return died

    # high level
    def run(self, cells, deadline, timeout, cell_timeout):
        """Run the cells; the errors they raised. A cell that overruns cell_timeout or ends
        the sandbox raises CellFailed; the notebook's deadline raises Timeout."""
        current, cell_end = None, deadline

        def late():
            if time.monotonic() >= deadline or current is None:
                return Timeout(f"timeout after {timeout:g} s {self.activity}")
            return CellFailed(current, "CellTimeout", f"did not finish within {cell_timeout:g} s")

        self.next_id += 1
        self.max_line = MAX_RUN_REPLY_BYTES
        self._send({"op": "run", "id": self.next_id, "cells": cells, **self.paths},
                   deadline, late)
        while True:
            try:
                reply = self._receive(min(deadline, cell_end), late)
            except SandboxDied as died:
                if current is None or cells[current].get("statements"):
                    raise                            # the course's own cells are never left out
                raise CellFailed(current, "KernelDied", f"ended the kernel ({died.how})") from None
            if reply.get("id") != self.next_id:
                raise ProtocolViolation("protocol error: reply to another request")
            if reply.get("type") == "progress":
                index = reply.get("index")
                if not isinstance(index, int) or not 0 <= index < len(cells):
                    raise ProtocolViolation("protocol error: bad progress message")
                current = index
                cell_end = deadline if cells[index].get("statements") else \
                    time.monotonic() + cell_timeout      # read-only cells: the notebook's deadline
                self.activity = f"while running cell {cells[index]['label']}"
                continue
            break
        report = reply.get("cells")
        if reply.get("type") != "ready" or not isinstance(report, list):
            raise ProtocolViolation("protocol error: bad ready message")
        errors = []
        for item, cell in zip(report, cells):
            error = item.get("error") if isinstance(item, dict) else None
            if isinstance(error, dict):
                errors.append({"label": cell["label"], "read_only": bool(cell.get("statements")),
                               "type": str(error.get("type", "?"))[:100],
                               "message": str(error.get("message", ""))[:2000]})
        return errors

    def call(self, name, args, kwargs, deadline, call_deadline, timeout, call_timeout, where):
        try:
            message = {"op": "call", "name": name,
                       "args": [protocol.encode(a) for a in args],
                       "kwargs": [[k, protocol.encode(v)] for k, v in kwargs.items()]}
        except TypeError as error:
            raise GraderError(f"a test passed {name} an argument that cannot be sent: {error}")
        self.activity = f"in test {where}, calling {describe_call(name, args, kwargs)}"
        self.next_id += 1
        message["id"] = self.next_id

        def late():
            if time.monotonic() >= deadline:
                return Timeout(f"timeout after {timeout:g} s {self.activity}")
            return CallFailed(f"your {name} did not return within {call_timeout:g} s")

        end = min(deadline, call_deadline)
        self.max_line = protocol.MAX_LINE_BYTES
        self._send(message, end, late)
        reply = self._receive(end, late)
        if reply.get("id") != self.next_id:
            raise ProtocolViolation("protocol error: reply to another request")
        keys = {"ok", "error"} & set(reply)
        if len(keys) != 1:
            raise ProtocolViolation("protocol error: reply without a result")
        if "error" in reply:
            error = reply["error"] if isinstance(reply["error"], dict) else {}
            kind, message = str(error.get("type", "Exception"))[:100], str(error.get("message", ""))
            message = message[:2000]             # before any work on it: it may be 100 MB
            self.raised.append(f"in test {where}, your {name} raised {kind}: {message}")
            short = " ".join(message.split())
            if len(short) > STUDENT_MESSAGE_CHARS:
                short = short[:STUDENT_MESSAGE_CHARS - 3] + "..."
            raise student_exception(kind, short, name)
        try:
            return protocol.decode(reply["ok"])
        except protocol.ProtocolError as error:
            raise ProtocolViolation(f"protocol error: {error}") from None

    def kill(self):
        """End the sandbox and everything it started; True when nothing of it is left."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        gone = True
        if self.cgroup is not None:
            gone = self.cgroup.kill()
            self.cgroup.remove()
        self._drain_output()
        for fd in (self.req_w, self.resp_r, self.out_r):
            try:
                if fd is not None:
                    os.close(fd)
            except OSError:
                pass
        self.out_r = None
        if self.logged > MAX_LOGGED_BYTES:
            self.log.write(f"\n[... {self.logged - MAX_LOGGED_BYTES} more bytes printed, "
                           f"not kept ...]\n".encode())
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
        return gone and self.process.poll() is not None


class Session:
    """The sandbox of one submission, started again after a call that failed it."""

    def __init__(self, job, staging, plan, log, deadline):
        self.job, self.staging, self.plan, self.log = job, staging, plan, log
        self.deadline = deadline
        self.sandbox = None
        self.restarts = 0
        self.skipped = []                    # cells left out after they failed the sandbox
        self.notes = []                      # for the instructor's log
        self.test = "?"
        self.last_call = None

    def start(self):
        """Start the sandbox and run the cells, leaving out any cell that overruns its
        deadline or ends the sandbox (and starting again without it); their errors."""
        while True:
            self.sandbox = Sandbox(self.job, self.staging, self.log)
            try:
                return self.sandbox.run(self.plan, self.deadline, self.job["timeout"],
                                        self.job["cell_timeout"])
            except CellFailed as failed:
                self.stop()
                cell = self.plan.pop(failed.index)
                self.skipped.append({"label": cell["label"], "type": failed.kind,
                                     "read_only": bool(cell.get("statements")),
                                     "message": f"{failed.message}; the grader ran your "
                                                f"notebook again without this cell"})
                self.notes.append(f"cell {cell['label']} {failed.message}: left out")
                self.restarts += 1
                if self.restarts > MAX_RESTARTS:
                    raise SandboxDied(f"kernel died: {self.restarts} cells ended the sandbox "
                                      f"or did not finish") from None

    def call(self, name, args, kwargs):
        self.last_call = describe_call(name, args, kwargs)
        if self.sandbox is None:
            if self.restarts >= MAX_RESTARTS:
                raise CallFailed(f"not run: your code failed {MAX_RESTARTS} calls already "
                                 f"(timeouts or crashes), so the sandbox was not restarted")
            self.restarts += 1
            self.notes.append(f"sandbox restarted ({self.restarts}) for test {self.test}")
            try:
                self.start()
            except SandboxDied as error:
                self.stop()
                raise CallFailed(f"your notebook's cells ended the sandbox when it was "
                                 f"started again: {error}") from None
        call_deadline = time.monotonic() + self.job["call_timeout"]
        try:
            return self.sandbox.call(name, args, kwargs, self.deadline, call_deadline,
                                     self.job["timeout"], self.job["call_timeout"], self.test)
        except CallFailed as error:
            self.notes.append(f"test {self.test}: {error}; {self.last_call}")
            self.stop()
            raise
        except SandboxDied as error:
            self.notes.append(f"test {self.test}: {error}")
            self.stop()
            raise CallFailed(f"your {name} ended the sandbox: {str(error).split(' in test')[0]}") \
                from None

    def stop(self):
        gone = True
        if self.sandbox is not None:
            self.notes += self.sandbox.raised[:200]
            gone = self.sandbox.kill()
            self.sandbox = None
        return gone


class StudentFunction:
    """Stands in the test's namespace for the student's function of that name."""

    def __init__(self, session, name):
        self._session, self.__name__ = session, name

    def __call__(self, *args, **kwargs):
        return self._session.call(self.__name__, args, kwargs)

    def __repr__(self):
        return f"<your function {self.__name__}, run in the sandbox>"


# -- reading a submission ---------------------------------------------------------------

class InvalidNotebook(Exception):
    pass


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')


def json_containers(data):
    """The number of lists and objects in JSON text (brackets outside its strings); the
    brackets of the whole text when that is at most MAX_NOTEBOOK_CONTAINERS (quick)."""
    if data.count(b"[") + data.count(b"{") <= MAX_NOTEBOOK_CONTAINERS:
        return data.count(b"[") + data.count(b"{")
    bare = _JSON_STRING.sub(b"", data)
    return bare.count(b"[") + bare.count(b"{")


def read_submission(path, names=1):
    """The cells of a submitted notebook, checked only as far as grading needs. names: how
    many names (hard links) of the file the grader found inside SUBMITTED; a file with more
    names has one outside it (a course file, say) and is not the student's."""
    path = Path(path)
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink > max(1, names):
        raise InvalidNotebook("invalid notebook (not a plain file: a symbolic or hard link?)")
    if st.st_size > MAX_NOTEBOOK_BYTES:
        raise InvalidNotebook("invalid notebook (larger than 50 MB)")
    data = path.read_bytes()
    # json.loads of "[[],[],...]" makes a Python list per pair of brackets: millions of
    # them, gigabytes of the judge's memory, from a file well under 50 MB
    if json_containers(data) > MAX_NOTEBOOK_CONTAINERS:
        raise InvalidNotebook(f"invalid notebook (more than {MAX_NOTEBOOK_CONTAINERS} JSON "
                              f"lists and objects)")
    try:
        nb = json.loads(data)
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
            plan.append({"label": f"{grade_id} (read-only)", "source": original.source,
                         "statements": True})
            continue
        source = course_mod.cell_source(cell)
        label = grade_id if original is not None and original.kind == "solution" \
            else f"your cell {i + 1}"
        plan.append({"label": label, "source": source})
        student_sources.append(source)
    return plan, student_sources


def stage_files(job, staging, notes):
    """The files the sandbox gets: the student's (plain files only, beside the notebook or
    in folders under it, at most MAX_SUBMITTED_FILES and MAX_SUBMITTED_BYTES in all), then
    the release's, then the submitted notebook. Links of any kind are left out: a hard
    link could be a second name of a file the student may not read."""
    folder = Path(job["path"]).parent
    total, count, pending = 0, 0, [folder]
    while pending:
        current = pending.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            relative = path.relative_to(folder)
            if entry.name == ".ipynb_checkpoints" or path == Path(job["path"]):
                continue
            st = os.lstat(path)
            if stat.S_ISDIR(st.st_mode):
                if len(relative.parts) < 8:
                    pending.append(path)
                else:
                    notes.append(f"not copied into the sandbox (nested too deep): {str(relative)[:200]!r}")
                continue
            if not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:
                notes.append(f"not copied into the sandbox (not a plain file: a link, "
                             f"a device, a pipe?): {str(relative)[:200]!r}")
                continue
            if total + st.st_size > MAX_SUBMITTED_BYTES or count >= MAX_SUBMITTED_FILES:
                notes.append(f"not copied into the sandbox (over {MAX_SUBMITTED_FILES} files "
                             f"or 50 MB in all): {str(relative)[:200]!r}")
                continue
            total, count = total + st.st_size, count + 1
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, staging / relative, follow_symlinks=False)
    release = job.get("release_dir")
    if release and Path(release).is_dir():
        shutil.copytree(release, staging, dirs_exist_ok=True, symlinks=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copyfile(job["path"], staging / job["source_nb"].name, follow_symlinks=False)
    for path in [staging, *staging.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


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
        except CallFailed as error:
            return "CallFailed", str(error), None
        except Exception as error:
            return type(error).__name__, str(error)[:MAX_MESSAGE_CHARS], \
                getattr(error, "raised_by", None)
    return None


def grade_notebook(job):
    """Grade one submitted notebook. job is a dict (see grade.py); returns a result dict."""
    source_nb = job["source_nb"]
    result = {"student": job["student"], "assignment": source_nb.assignment,
              "notebook": source_nb.name, "score": 0.0, "max_score": source_nb.max_score,
              "status": "", "tests": [], "cell_errors": [], "flags": [], "notes": [],
              "seconds": 0.0, "grader_error": None, "left_running": False}
    start = time.monotonic()
    if job.get("link_note"):
        result["notes"].append(job["link_note"])
    try:
        cells = read_submission(job["path"], job.get("names", 1))
    except InvalidNotebook as error:
        result["status"] = str(error)
        return result
    plan, student_sources = execution_plan(source_nb, cells)
    try:
        result["flags"] = static.flags(student_sources)
    except Exception as error:  # noqa: BLE001 - hints only: never the grade's business
        result["flags"] = [f"not read ({type(error).__name__})"]
    staging = Path(tempfile.mkdtemp(prefix="submission-", dir=job["work_dir"]))
    staging.chmod(0o755)
    tests = [{"grade_id": t.grade_id, "points": t.points, "earned": 0.0, "passed": False,
              "error": None} for t in source_nb.tests]
    result["tests"] = tests
    session, cell_errors = None, []
    try:
        stage_files(job, staging, result["notes"])
        with open(job["log_path"], "ab") as log:
            session = Session(job, staging, plan, log, start + job["timeout"])
            cell_errors = session.start()
            proxies = {name: StudentFunction(session, name) for name in source_nb.functions}
            seed = grading_seed(job["secret"], job["student"])
            for test, entry in zip(source_nb.tests, tests):
                session.test, session.last_call = test.grade_id, None
                failure = run_test(test, source_nb.setup, proxies, seed)
                if failure is None:
                    entry.update(passed=True, earned=test.points)
                else:
                    kind, message, raised_by = failure
                    entry["error"] = {"type": kind, "message": message,
                                      "raised_by": raised_by, "call": session.last_call}
        result["score"] = sum(t["earned"] for t in tests)
        result["status"] = "graded"
    except Abort as error:
        for entry in tests:
            entry.update(passed=False, earned=0.0, error=None)
        result["score"] = 0.0
        result["status"] = short_status(str(error))
    except GraderError as error:
        result["status"] = f"grader error: {error}"
        result["grader_error"] = str(error)
    finally:
        if session is not None:
            result["left_running"] = not session.stop()
            result["notes"] += session.notes
            result["cell_errors"] = session.skipped + cell_errors
            if session.skipped and result["status"] == "graded":
                result["status"] += "; left out: " + ", ".join(
                    f"{c['label']} ({c['message'].split(';')[0]})" for c in session.skipped)
        shutil.rmtree(staging, ignore_errors=True)
        result["seconds"] = time.monotonic() - start
    return result

"""The sandbox: the one process that runs a student's code.

Started by the judge as ``python -P -m autograder.sandbox REQUEST_FD RESPONSE_FD`` in a
temporary folder, with stdout and stderr going to a log file (never to the judge). The
first request carries the cells to run; the sandbox runs them in order in an IPython
InteractiveShell (so magics work), records each error and goes on, then answers
``call`` requests: call the student's function by name, send back the result or the
exception's type and message. Before any student code runs it

- sets resource limits (address space, core dumps, file size);
- installs a poison import hook: ``import torch`` (scipy, convzoo, ...) succeeds, but any
  use of an attribute raises ForbiddenLibraryError;
- installs an audit hook (PEP 578) that refuses to start processes, send signals, open
  sockets, write outside the sandbox folder, read the course, the other submissions or
  other processes' /proc entries, or import a forbidden module past the poison hook.

After every call it reads /proc/self/maps: if the native code of a forbidden library got
loaded anyway, the call is reported as forbidden. The judge checks the same from outside.
None of this is a security boundary against native code (ctypes); see autograder/README.md.
"""
import importlib.machinery
import os
import sys
import threading

from autograder import forbidden, protocol

MAX_MESSAGE_CHARS = 2000


class ForbiddenLibraryError(AttributeError):
    """Graded code used a library it may not use. An AttributeError, because libraries
    probe sys.modules (matplotlib: ``sys.modules.get("torch").Tensor``) and expect one."""


def _message(error):
    try:
        text = str(error)
    except BaseException:  # a student's __str__ may raise
        text = "<unprintable>"
    return text[:MAX_MESSAGE_CHARS]


def _error(error):
    return {"type": type(error).__name__, "message": _message(error)}


# -- the poison import hook ---------------------------------------------------------------

def _poison_module_type():
    import types

    def refuse(what):
        return ForbiddenLibraryError(f"{what}: {what.split('.')[0]} may not be used in "
                                     f"graded code; write it with NumPy")

    class PoisonModule(types.ModuleType):
        def __getattr__(self, name):
            if name.startswith("__") and name.endswith("__"):
                raise AttributeError(name)
            raise refuse(f"{self.__name__}.{name}")

        def __call__(self, *args, **kwargs):
            # `from scipy.signal import correlate2d` imports a poison submodule
            raise refuse(self.__name__)

    return PoisonModule


class PoisonFinder:
    """A meta path finder that gives a poison module for every forbidden name."""

    def __init__(self):
        self.module_type = _poison_module_type()

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in forbidden.MODULES:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return self.module_type(spec.name)

    def exec_module(self, module):
        pass

    def invalidate_caches(self):
        pass


# -- the audit hook -----------------------------------------------------------------------

_BLOCKED_EVENTS = {
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
    "os.forkpty", "pty.spawn", "os.kill", "os.killpg", "socket.connect", "socket.bind",
    "socket.sendto", "socket.sendmsg", "os.startfile", "webbrowser.open",
}
_WRITE_EVENTS = {
    "os.remove": (0,), "os.rmdir": (0,), "os.rename": (0, 1), "os.replace": (0, 1),
    "os.mkdir": (0,), "os.chmod": (0,), "os.chown": (0,), "os.truncate": (0,),
    "os.symlink": (0, 1), "os.link": (0, 1), "os.utime": (0,), "shutil.rmtree": (0,),
    "shutil.move": (0, 1), "shutil.copyfile": (1,), "shutil.copytree": (1,),
}
_READ_EVENTS = {"os.listdir": 0, "os.scandir": 0, "glob.glob": 0}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class AuditPolicy:
    def __init__(self, sandbox_dir, secret_roots, read_roots, poison):
        self.sandbox_dir = os.path.realpath(sandbox_dir)
        self.secret_roots = [os.path.realpath(p) for p in secret_roots]
        self.read_roots = [os.path.realpath(p) for p in read_roots]
        self.poison = poison
        self.pid = os.getpid()
        self.blocked = []
        self.busy = threading.local()

    @staticmethod
    def _under(path, root):
        return path == root or path.startswith(root.rstrip("/") + "/")

    def _deny(self, what, error=PermissionError):
        if len(self.blocked) < 50 and what not in self.blocked:
            self.blocked.append(what)
        try:
            sys.stderr.write(f"[autograder sandbox] blocked: {what}\n")
        except BaseException:  # noqa: BLE001 - stderr may be closed
            pass
        raise error(f"the grader's sandbox does not allow this: {what}")

    def _path(self, value):
        if isinstance(value, int) or value is None:
            return None
        try:
            return os.path.realpath(os.fsdecode(value))
        except (TypeError, ValueError):
            return None

    def _check_path(self, event, value, write):
        path = self._path(value)
        if path is None:
            return
        if path.startswith("/proc/"):
            head = path.split("/")[2]
            if head.isdigit() and int(head) != self.pid:
                self._deny(f"{event} {path}")
        if self._under(path, self.sandbox_dir):
            return
        if write:
            if event == "os.mkdir" and os.path.isdir(path):
                return                                     # fails with EEXIST anyway
            if path != "/dev/null":
                self._deny(f"{event} for writing outside the sandbox: {path}")
            return
        if any(self._under(path, root) for root in self.read_roots):
            return
        if any(self._under(path, root) for root in self.secret_roots):
            self._deny(f"{event} {path}")

    def __call__(self, event, args):
        if getattr(self.busy, "on", False):
            return
        self.busy.on = True
        try:
            self._audit(event, args)
        finally:
            self.busy.on = False

    def _audit(self, event, args):
        if event == "open":
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            mode = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
            write = bool(flags & _WRITE_FLAGS) or any(c in mode for c in "wax+")
            self._check_path(event, args[0], write)
        elif event in _READ_EVENTS:
            if args:
                self._check_path(event, args[_READ_EVENTS[event]], False)
        elif event in _WRITE_EVENTS:
            for i in _WRITE_EVENTS[event]:
                if i < len(args):
                    self._check_path(event, args[i], True)
        elif event in _BLOCKED_EVENTS:
            self._deny(event)
        elif event == "import":
            name = args[0] if args and isinstance(args[0], str) else ""
            meta_path = args[3] if len(args) > 3 and isinstance(args[3], list) else []
            if name.split(".")[0] in forbidden.MODULES and \
                    not (meta_path and meta_path[0] is self.poison):
                self._deny(f"import {name} past the poison hook", ImportError)


# -- running cells and answering calls ----------------------------------------------------

def _limit_resources(memory_mb):
    import resource
    limits = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_FSIZE, 64 * 2**20)]
    if memory_mb:
        limits.append((resource.RLIMIT_AS, int(memory_mb) * 2**20))
    for which, value in limits:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


def _make_shell():
    from traitlets.config import Config
    from IPython.core.interactiveshell import InteractiveShell
    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.xmode = "Plain"

    class SandboxShell(InteractiveShell):
        def enable_gui(self, gui=None):
            """%matplotlib inline (or any GUI) works as in a kernel; figures go nowhere."""

    return SandboxShell.instance(config=config)


def _run_cells(shell, cells):
    report = []
    for cell in cells:
        error = None
        try:
            result = shell.run_cell(cell["source"], store_history=True)
            failure = result.error_before_exec or result.error_in_exec
            if failure is not None:
                error = _error(failure)
        except BaseException as failure:  # noqa: BLE001 - anything a cell does is its own
            error = _error(failure)
        report.append({"label": cell["label"], "error": error})
    return report


def _call(shell, message):
    name = message.get("name")
    args = [protocol.decode(a) for a in message.get("args", [])]
    kwargs = {k: protocol.decode(v) for k, v in message.get("kwargs", [])}
    function = shell.user_ns.get(name)
    if function is None:
        return {"error": {"type": "NameError",
                          "message": f"name {name!r} is not defined: did the cell that "
                                     f"defines it run without errors?"}}
    if not callable(function):
        return {"error": {"type": "TypeError", "message": f"{name} is not a function"}}
    try:
        result = function(*args, **kwargs)
    except BaseException as failure:  # noqa: BLE001
        reply = {"error": _error(failure)}
    else:
        try:
            reply = {"ok": protocol.encode(result)}
        except BaseException as failure:  # noqa: BLE001
            reply = {"error": {"type": "TypeError",
                               "message": f"the result of {name} cannot be sent back: "
                                          f"{_message(failure)}"}}
    loaded = forbidden.libraries_in_maps(_read_maps())
    if loaded:
        return {"forbidden": loaded}
    return reply


def _read_maps():
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def main(argv):
    requests = os.fdopen(int(argv[1]), "rb")
    responses = os.fdopen(int(argv[2]), "wb", buffering=0)

    def send(message):
        data = protocol.dumps(message)
        if len(data) > protocol.MAX_RESULT_BYTES:
            message = {k: v for k, v in message.items() if k != "ok"}
            message["error"] = {"type": "MemoryError",
                                "message": "the result is too large to send back"}
            data = protocol.dumps(message)
        responses.write(data)

    first = protocol.loads(requests.readline())
    if first.get("op") != "run":
        return 2
    _limit_resources(first.get("memory_mb"))

    import numpy  # noqa: F401 - loaded before the hooks, as any kernel would have it
    shell = _make_shell()
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(protocol.__file__)))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != package_parent]
    sys.path.insert(0, "")                                 # as in a Jupyter kernel
    for name in list(sys.modules):
        if name.split(".")[0] in forbidden.MODULES:
            del sys.modules[name]
    poison = PoisonFinder()
    sys.meta_path.insert(0, poison)
    policy = AuditPolicy(first["sandbox_dir"], first.get("secret_roots", []),
                         first.get("read_roots", []), poison)
    sys.addaudithook(policy)

    report = _run_cells(shell, first.get("cells", []))
    send({"id": first.get("id"), "type": "ready", "cells": report,
          "forbidden": forbidden.libraries_in_maps(_read_maps()), "blocked": policy.blocked})
    while True:
        line = requests.readline()
        if not line:
            return 0
        message = protocol.loads(line)
        if message.get("op") != "call":
            return 0
        reply = _call(shell, message)
        reply["id"] = message.get("id")
        reply["blocked"] = policy.blocked
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:  # noqa: BLE001 - a student may have closed it
                pass
        send(reply)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

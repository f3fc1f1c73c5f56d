"""Hints for the instructor: what in a student's code deserves a look by hand.

A flag changes no score and guarantees nothing: it is read off the source text, which a
student can disguise. It names code that reaches around the grader (processes, native
code, the import system, IPython's input transformers) or dynamic code that hides what it
does. What stops such code is the operating system's sandbox (isolation.py); the flag is
there so that a person reads the notebook.
"""
import ast
import contextlib
import re
import signal
import threading
import time

from IPython.core.inputtransformer2 import TransformerManager

from autograder.isolation import FORBIDDEN

MODULE_FLAGS = {
    "subprocess": "subprocess", "ctypes": "ctypes", "cffi": "ctypes", "importlib": "importlib",
    "multiprocessing": "multiprocessing", "concurrent": "multiprocessing", "pty": "subprocess",
    "socket": "network", "urllib": "network", "http": "network", "requests": "network",
    "signal": "signals", "builtins": "builtins", "gc": "gc", "threading": "threading",
    "_thread": "threading", "mmap": "mmap", "pickle": "pickle", "marshal": "pickle",
    "shutil": "files", "glob": "files", "pathlib": "files", "inspect": "introspection",
}
ATTRIBUTE_FLAGS = {
    "system": "os.system", "popen": "os.system", "fork": "fork", "forkpty": "fork",
    "execv": "exec", "execve": "exec", "execl": "exec", "execvp": "exec", "execlp": "exec",
    "execle": "exec", "execvpe": "exec", "execlpe": "exec", "spawnv": "spawn",
    "spawnl": "spawn", "spawnve": "spawn", "spawnle": "spawn", "posix_spawn": "spawn",
    "posix_spawnp": "spawn", "kill": "signals", "killpg": "signals", "setsid": "fork",
    "_exit": "os._exit", "abort": "os._exit", "dup2": "file descriptors",
    "meta_path": "sys.meta_path", "path_hooks": "sys.meta_path", "modules": "sys.modules",
    "settrace": "tracing", "setprofile": "tracing", "_getframe": "frames",
    "f_back": "frames", "f_globals": "frames", "addaudithook": "audit hooks",
    "input_transformers_cleanup": "input transformer",
    "input_transformers_post": "input transformer", "ast_transformers": "input transformer",
    "input_transformer_manager": "input transformer", "register_magic_function": "magics",
    "run_cell_magic": "magics", "run_line_magic": "magics", "events": "IPython events",
    "__subclasses__": "introspection", "__globals__": "introspection",
    "__code__": "introspection", "__builtins__": "builtins",
}
NAME_FLAGS = {
    "__import__": "builtins", "__builtins__": "builtins", "exec": "exec/eval",
    "eval": "exec/eval", "compile": "exec/eval", "get_ipython": "get_ipython",
    "globals": "introspection", "setattr": "setattr",
}
SAFE_MAGICS = {"timeit", "time", "matplotlib", "precision", "who", "whos", "pinfo", "pinfo2"}
STRING_HINTS = {"/proc/": "/proc", "meta_path": "sys.meta_path", "libtorch": "torch",
                "site-packages": "files", "solutions": "files"}


MAX_CELL_CHARS = 20_000         # longer cells are not read (IPython's transforms of many
MAX_ESCAPES = 50                # ! and % lines take time that grows with their square)
BUDGET_SECONDS = 2.0            # for all the cells of one notebook, enforced by a timer
# a line IPython may rewrite: `!ls`, `%time`, `x = !ls`, `a, b = %sx ls`, `x?`
ESCAPE = re.compile(r"^\s*(?:[\w.,\s\[\]()*]*=\s*)?[!%]|\?\s*$", re.M)


class _OutOfTime(BaseException):
    """Raised by the budget's timer into whatever IPython or ast was doing."""


@contextlib.contextmanager
def _budget(seconds):
    """Interrupt the block after `seconds` (a real timer, checked between bytecodes: the
    judge's time is not the submission's to spend). Where no timer can be set (not the
    main thread) the checks between cells are all there is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise _OutOfTime()

    # The timer repeats every 50 ms until cancelled: a raise that lands where Python
    # swallows exceptions (a garbage-collector callback, a __del__) is followed by another.
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        yield
    finally:
        while True:               # a tick may land here too: cancel until it is done
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                break
            except _OutOfTime:
                pass


def flags(sources):
    """Sorted flags for a list of code cell sources. Cells that do not parse are skipped;
    cells too long to read cheaply, and cells past the time budget, are flagged as such."""
    found = set()
    try:
        with _budget(BUDGET_SECONDS):
            _read(sources, found)
    except _OutOfTime:
        found.add("not every cell read")
    return sorted(found)


def _read(sources, found):
    transformer = TransformerManager()
    start = time.monotonic()
    for source in sources:
        if len(source) > MAX_CELL_CHARS or len(ESCAPE.findall(source)) > MAX_ESCAPES:
            found.add("cell too long to read")
            continue
        if time.monotonic() - start > BUDGET_SECONDS:
            found.add("not every cell read")
            break
        try:
            python = transformer.transform_cell(source)
            tree = ast.parse(python)
        except Exception:  # noqa: BLE001 - a hint only: whatever IPython or ast throws
            continue
        harmless = set()          # %timeit, %matplotlib inline, ...: not worth a flag
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("run_line_magic", "run_cell_magic") and node.args \
                    and isinstance(node.args[0], ast.Constant) and node.args[0].value in SAFE_MAGICS:
                harmless.add(id(node.func))
                if isinstance(node.func.value, ast.Call):
                    harmless.add(id(node.func.value.func))
        for node in ast.walk(tree):
            if id(node) in harmless:
                continue
            modules = []
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
                found.update(ATTRIBUTE_FLAGS[a.name] for a in node.names
                             if a.name in ATTRIBUTE_FLAGS)
            for module in modules:
                root = module.split(".")[0]
                if root in MODULE_FLAGS:
                    found.add(MODULE_FLAGS[root])
                if root in FORBIDDEN:
                    found.add(f"imports {root}")
            if isinstance(node, ast.Attribute) and node.attr in ATTRIBUTE_FLAGS:
                found.add(ATTRIBUTE_FLAGS[node.attr])
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
                targets = node.target if isinstance(node, ast.AugAssign) else node.targets
                for target in targets if isinstance(targets, list) else [targets]:
                    base = target
                    while isinstance(base, ast.Attribute):
                        base = base.value
                    if target is not base and isinstance(base, ast.Name) \
                            and base.id in ("np", "numpy"):
                        found.add("patches numpy")
            elif isinstance(node, ast.Name) and node.id in NAME_FLAGS:
                found.add(NAME_FLAGS[node.id])
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.update(flag for hint, flag in STRING_HINTS.items() if hint in node.value)
        # shell escapes and cell magics become get_ipython() calls: name them
        if "get_ipython().system(" in python or "getoutput(" in python:
            found.add("shell escape")

"""The sandbox: the one process that runs a student's code.

The judge starts it inside bubblewrap (see isolation.py) as
``python -I -S -B -c <boot> REQUEST_FD RESPONSE_FD``, with stdout and stderr going to a
log file that only the instructor reads. The first request carries the cells to run and
where things are; the sandbox copies the submitted files into its working folder, runs
the cells in order in an IPython InteractiveShell (so magics work), telling the judge which
cell it starts, records each error and goes on, then answers ``call`` requests: call the
student's function by name, send back the result or the exception's type and message.

Nothing here defends the grader: the boundary is the operating system's. This file only
runs code and speaks the protocol.
"""
import os
import shutil
import sys

from autograder import protocol

MAX_MESSAGE_CHARS = 2000


def _message(error):
    try:
        text = str(error)
    except BaseException:  # noqa: BLE001 - a student's __str__ may raise
        text = "<unprintable>"
    return text[:MAX_MESSAGE_CHARS]


def _error(error):
    return {"type": type(error).__name__, "message": _message(error)}


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


def _statements(shell, source):
    """A read-only cell as its top-level statements, magics already transformed: `import
    torch` fails here (torch is not installed), and what follows it should still run."""
    import ast
    python = shell.transform_cell(source)
    try:
        tree = ast.parse(python)
    except SyntaxError:
        return [source]
    lines = python.splitlines(True)
    starts = [min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
              for node in tree.body]
    return ["".join(lines[start - 1:node.end_lineno]) for start, node in zip(starts, tree.body)]


def _run_cells(shell, cells, send):
    report = []
    for index, cell in enumerate(cells):
        send({"type": "progress", "index": index})
        error = None
        parts = _statements(shell, cell["source"]) if cell.get("statements") else [cell["source"]]
        for part in parts:
            try:
                result = shell.run_cell(part, store_history=True)
                failure = result.error_before_exec or result.error_in_exec
            except BaseException as caught:  # noqa: BLE001 - anything a cell does is its own
                failure = caught
            if failure is not None and error is None:
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
        return {"error": _error(failure)}
    try:
        return {"ok": protocol.encode(result)}
    except BaseException as failure:  # noqa: BLE001
        return {"error": {"type": "TypeError",
                          "message": f"the result of {name} cannot be sent back: "
                                     f"{_message(failure)}"}}


def _prepare(first):
    """Copy the submitted files and matplotlib's font cache in; sys.path as in a kernel."""
    home = os.getcwd()
    submission = first.get("submission_dir")
    if submission and os.path.isdir(submission):
        shutil.copytree(submission, home, dirs_exist_ok=True, symlinks=True)
    config = os.environ.get("MPLCONFIGDIR")
    cache = first.get("mpl_cache")
    if config and cache and os.path.isdir(cache):
        shutil.copytree(cache, config, dirs_exist_ok=True)
    sys.path.pop(0)                                     # autograder's three files
    sys.path.insert(0, "")                              # the notebook's folder, as in a kernel


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
    _prepare(first)
    import numpy  # noqa: F401 - loaded before the student's cells, as any kernel would have it
    shell = _make_shell()
    report = _run_cells(shell, first.get("cells", []),
                        lambda m: send(dict(m, id=first.get("id"))))
    send({"id": first.get("id"), "type": "ready", "cells": report})
    while True:
        line = requests.readline()
        if not line:
            return 0
        message = protocol.loads(line)
        if message.get("op") != "call":
            return 0
        reply = _call(shell, message)
        reply["id"] = message.get("id")
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:  # noqa: BLE001 - a student may have closed it
                pass
        send(reply)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

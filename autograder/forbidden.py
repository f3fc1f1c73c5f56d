"""What graded code may not use, and how to see that it did anyway.

The import of these is poisoned in the sandbox. A Python-level trick can undo the poison,
but nothing can unload a shared object once loaded: the loaded libraries of a process are
listed in /proc/<pid>/maps, and that is what `libraries_in_maps` reads.
"""
import os

# Top-level module names replaced by a poison module in the sandbox.
MODULES = ("torch", "torchvision", "torchaudio", "scipy", "convzoo", "tensorflow", "keras",
           "jax", "jaxlib", "cv2", "skimage")

# Directory names (in a mapped file's path) that mean one of those libraries' native code.
_LIBRARY_DIRS = {
    "torch": "torch", "torch.libs": "torch", "torchvision": "torchvision",
    "torchvision.libs": "torchvision", "torchaudio": "torchaudio", "functorch": "torch",
    "nvidia": "torch", "triton": "torch", "scipy": "scipy", "scipy.libs": "scipy",
    "tensorflow": "tensorflow", "jax": "jax", "jaxlib": "jax", "cv2": "cv2",
    "opencv_python.libs": "cv2", "skimage": "skimage", "scikit_image.libs": "skimage",
}
_LIBRARY_FILE_PREFIXES = {"libtorch": "torch", "libc10": "torch", "libshm": "torch",
                          "libtensorflow": "tensorflow"}


def libraries_in_maps(text):
    """Sorted names of forbidden libraries whose files appear in a /proc/<pid>/maps text."""
    found = set()
    for line in text.splitlines():
        fields = line.split(None, 5)
        if len(fields) < 6 or not fields[5].startswith("/"):
            continue
        parts = fields[5].split("/")
        for part in parts[:-1]:
            if part in _LIBRARY_DIRS:
                found.add(_LIBRARY_DIRS[part])
        for prefix, name in _LIBRARY_FILE_PREFIXES.items():
            if parts[-1].startswith(prefix):
                found.add(name)
    return sorted(found)


def libraries_loaded(pid):
    """Forbidden libraries mapped into process pid (empty if it is gone or unreadable)."""
    try:
        with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as f:
            return libraries_in_maps(f.read())
    except OSError:
        return []


def session_members(sid):
    """Pids of the processes in session sid (the sandbox and anything it started)."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        # fields after the command name, which is in parentheses and may hold spaces
        rest = stat.rsplit(")", 1)[-1].split()
        if len(rest) > 3 and rest[3] == str(sid):
            pids.append(int(name))
    return pids

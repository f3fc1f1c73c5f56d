"""The operating system's boundary around a student's code: bubblewrap.

Each submitted notebook runs in `bwrap` with new user, PID, network, IPC, UTS, cgroup and
mount namespaces, as uid/gid 65534 with no capabilities, in a session of its own, killed
with its parent. Its file system is built from nothing and holds only

    /usr (and the /bin, /lib, /lib64, /sbin links), read-only, every Python package folder
         under it hidden by an empty tmpfs;
    the interpreter and its standard library, read-only, at their own paths, their
         site-packages hidden;
    NumPy, matplotlib, IPython and the distributions they require, read-only, bound one
         top-level entry at a time at their own paths (nothing else of that folder exists);
    /opt/autograder/lib        the three files of this package the sandbox runs (copied
                               into the grader's temporary folder first: the sandbox can
                               read where its mounts come from in /proc/self/mountinfo,
                               and the course folder is not to be named there);
    /opt/autograder/submission the release's files and the student's, read-only;
    /opt/autograder/matplotlib the font cache built once per run, read-only;
    /home/student, /tmp        size-limited tmpfs, the only writable places (mounted by
                               the launcher with at most SCRATCH_INODES files each when
                               the grader runs as root, see limits.py);
    /proc (its own PID namespace only), /dev/null, zero, full, random and urandom;
    everything else, the root folder included, read-only.

No course folder, no solutions/, no SUBMITTED, no OUT, no other sandbox: torch,
torchvision, scipy and convzoo are not in that file system at all. Limits that the
sandbox cannot lift are applied by `limits.py` before bwrap starts.
"""
import functools
import glob
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ALLOWED = ("numpy", "matplotlib", "ipython")     # and everything they require
FORBIDDEN = ("torch", "torchvision", "torchaudio", "scipy", "convzoo", "tensorflow", "keras",
             "jax", "jaxlib", "cv2", "skimage")   # never bound, whatever requires them
UID = GID = 65534
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
LIB = "/opt/autograder/lib"
SUBMISSION = "/opt/autograder/submission"
MPL_CACHE = "/opt/autograder/matplotlib"
HOME = "/home/student"
TMP_MB = 64
SCRATCH_INODES = {HOME: 20_000, "/tmp": 10_000}   # files and folders in each scratch tmpfs
PACKAGE = Path(__file__).resolve().parent
SANDBOX_FILES = ("__init__.py", "protocol.py", "sandbox.py")
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap), or pass "
                "--unsafe-no-sandbox to grade without an OS sandbox (every row then says so)")


def _key(name):
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.lru_cache(maxsize=None)
def allowed_distributions():
    """The installed distributions of ALLOWED and of everything they require, no extras."""
    from packaging.requirements import Requirement
    found, todo = {}, list(ALLOWED)
    while todo:
        name = todo.pop()
        if _key(name) in found:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue                                   # an optional requirement not installed
        found[_key(name)] = dist
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    bad = sorted(set(found) & {_key(f) for f in FORBIDDEN})
    if bad:
        raise RuntimeError(f"a sandbox package requires a forbidden one: {bad}")
    return tuple(found.values())


@functools.lru_cache(maxsize=None)
def site_entries():
    """Host paths of the top-level entries (package folders, modules, .libs, dist-info) of
    the allowed distributions, and the site folders they lie in."""
    entries, sites = set(), set()
    for dist in allowed_distributions():
        base = Path(dist.locate_file("")).resolve()
        for file in dist.files or []:
            top = file.parts[0]
            if top in ("..", "__pycache__") or top.startswith("/"):
                continue
            path = base / top
            if path.exists() and top.split(".")[0].lower() not in FORBIDDEN:
                entries.add(str(path))
                sites.add(str(base))
    return tuple(sorted(entries)), tuple(sorted(sites))


def interpreter():
    """(the real interpreter binary, the folders of its standard library and libpython)."""
    exe = os.path.realpath(sys.executable)
    base = os.path.realpath(sys.base_prefix)
    stdlib = os.path.realpath(sysconfig.get_paths(vars={"base": base, "installed_base": base,
                                                        "platbase": base})["stdlib"])
    libdir = os.path.realpath(sysconfig.get_config_var("LIBDIR") or os.path.join(base, "lib"))
    return exe, stdlib, libdir


def hidden_site_folders():
    """Python package folders that must look empty in the sandbox (they are on the host)."""
    base = os.path.realpath(sys.base_prefix)
    candidates = {sysconfig.get_paths(vars={"base": base, "platbase": base})[k]
                  for k in ("purelib", "platlib")}
    candidates.update(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    for pattern in ("/usr/lib/python3*/site-packages", "/usr/lib/python3*/dist-packages",
                    "/usr/lib/python3/dist-packages", "/usr/local/lib/python3*/site-packages",
                    "/usr/local/lib/python3*/dist-packages", "/usr/share/python*",
                    "/usr/lib/python3*/*-packages"):
        candidates.update(glob.glob(pattern))
    return sorted(p for p in {os.path.realpath(c) for c in candidates} if os.path.isdir(p))


def _under(path, root):
    return path == root or path.startswith(root.rstrip("/") + "/")


def copy_sandbox_files(folder):
    """The three files of this package that the sandbox runs, copied to folder/autograder
    (bound from there: a bind's source is visible in the sandbox's mountinfo); folder."""
    lib = Path(folder) / "autograder"
    lib.mkdir(parents=True, exist_ok=True)
    for name in SANDBOX_FILES:
        shutil.copyfile(PACKAGE / name, lib / name)
    for path in (Path(folder), lib, *lib.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return str(folder)


def bwrap_command(submission_dir, mpl_cache, scratch_mb=256, lib_dir=None):
    """argv of bwrap up to and including `--`; the interpreter command follows it. lib_dir:
    a folder made by copy_sandbox_files (default: this package's own folder)."""
    exe, stdlib, libdir = interpreter()
    entries, _ = site_entries()
    args = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns",
            "--uid", str(UID), "--gid", str(GID), "--hostname", "sandbox",
            "--new-session", "--die-with-parent", "--clearenv",
            # the writable tmpfs first: a later one would hide what is bound under it
            # (a course, and its venv, may well lie under /tmp)
            "--size", str(scratch_mb * 2**20), "--perms", "0700", "--tmpfs", HOME,
            "--size", str(TMP_MB * 2**20), "--perms", "1777", "--tmpfs", "/tmp",
            "--ro-bind", "/usr", "/usr"]
    for link in ("bin", "lib", "lib64", "sbin"):
        if os.path.islink(f"/{link}"):
            args += ["--symlink", os.readlink(f"/{link}"), f"/{link}"]
        elif os.path.isdir(f"/{link}"):
            args += ["--ro-bind", f"/{link}", f"/{link}"]
    for shared in ("/etc/ld.so.cache", "/etc/fonts", "/etc/localtime"):
        if os.path.exists(shared):                      # the linker's cache, font config
            args += ["--ro-bind", shared, shared]
    bound = ["/usr"]
    for path in (libdir, stdlib, os.path.dirname(exe)):
        if not any(_under(path, b) for b in bound):
            args += ["--ro-bind", path, path]
            bound.append(path)
    if not any(_under(exe, b) for b in bound):
        args += ["--ro-bind", exe, exe]
    for folder in hidden_site_folders():                # absent, not poisoned
        if any(_under(folder, b) for b in bound):
            args += ["--size", "4096", "--tmpfs", folder, "--remount-ro", folder]
    for entry in entries:
        args += ["--ro-bind", entry, entry]
    lib = Path(lib_dir) / "autograder" if lib_dir else PACKAGE
    for name in SANDBOX_FILES:
        args += ["--ro-bind", str(lib / name), f"{LIB}/autograder/{name}"]
    args += ["--ro-bind", str(submission_dir), SUBMISSION,
             "--ro-bind", str(mpl_cache), MPL_CACHE,
             "--proc", "/proc"]
    for device in DEVICES:
        args += ["--dev-bind", device, device]
    args += ["--remount-ro", "/", "--chdir", HOME]      # the root's own tmpfs, read-only
    for key, value in sandbox_environment(HOME).items():
        args += ["--setenv", key, value]
    return args + ["--"]


def sandbox_environment(home):
    return {"HOME": home, "TMPDIR": "/tmp", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{home}/.config/matplotlib",
            "IPYTHONDIR": f"{home}/.ipython", "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "USER": "student"}


def python_command(request_fd, response_fd, site_dirs, lib=LIB):
    """The interpreter, isolated (-I: no PYTHON* variables, no user site, no script folder
    on sys.path; -S: no site-packages but the given ones), running autograder.sandbox."""
    exe, _, _ = interpreter()
    boot = ("import site, sys; [site.addsitedir(d) for d in sys.argv[3:]]; "
            f"sys.path.insert(0, {lib!r}); from autograder.sandbox import main; "
            "sys.exit(main(sys.argv))")
    return [exe, "-I", "-S", "-B", "-c", boot, str(request_fd), str(response_fd), *site_dirs]


def unsafe_site(folder):
    """For --unsafe-no-sandbox: a folder of links to the allowed entries only, so that a plain
    `import torch` fails as it does in the sandbox (nothing else does: it is no boundary)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for entry in site_entries()[0]:
        link = folder / Path(entry).name
        if not link.exists():
            link.symlink_to(entry)
    lib = folder.parent / "lib" / "autograder"
    lib.mkdir(parents=True, exist_ok=True)
    for name in SANDBOX_FILES:
        shutil.copyfile(PACKAGE / name, lib / name)
    return str(folder), str(lib.parent)


def bwrap_problem(work_dir):
    """None if a sandbox can be made here exactly as grading makes them, else what is
    wrong, with the fix. The probe imports NumPy, matplotlib and IPython in one."""
    if shutil.which("bwrap") is None:
        return f"bubblewrap (bwrap) is not installed: {INSTALL_HINT}"
    from autograder import limits
    probe = Path(work_dir) / "probe"
    (probe / "submission").mkdir(parents=True)
    (probe / "matplotlib").mkdir()
    for folder in (probe, probe / "submission", probe / "matplotlib"):
        folder.chmod(0o755)
    _, sites = site_entries()
    slot, lock = limits.claim_slot()
    command = (limits.launch_command(None, limits.rlimits(1024, 60), uid=limits.sandbox_uid(slot),
                                     scratch=SCRATCH_INODES)
               + bwrap_command(probe / "submission", probe / "matplotlib",
                               lib_dir=copy_sandbox_files(probe / "lib"))
               + python_command(0, 1, sites)[:5]
               + ["import site, sys; [site.addsitedir(d) for d in sys.argv[1:]]; "
                  "import numpy, matplotlib, IPython; print('ok')", *sites])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bwrap could not be run ({error}): {INSTALL_HINT}"
    finally:
        lock.close()
    if done.returncode != 0 or done.stdout.strip() != "ok":
        return (f"bwrap cannot make a sandbox on this machine ({done.stderr.strip()[-300:]}); "
                f"it needs unprivileged user namespaces: {INSTALL_HINT}")
    return None

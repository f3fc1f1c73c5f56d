"""Who the sandbox runs as, and resource limits it cannot lift.

`launch_command` puts a small launcher in front of bwrap. Started by the grader (as root,
or as any user), it

1. moves itself into the sandbox's cgroup, when one can be made here: the memory of all
   the sandbox's processes and tmpfs together, the number of its processes and threads,
   and (where the cpu controller is there) one CPU's time in all, shared by every process
   it starts (so that sessions of its own do not each get a scheduler share);
2. sets rlimits: address space and CPU seconds per process, file size, open files,
   processes of its uid, pending signals, locked memory, message queues, no core dumps;
3. when started as root: makes a private mount namespace of its own in which the folders
   bwrap must read but an unprivileged user could not reach (a Python under /root, a
   private TMPDIR) are bound into a tmpfs laid over /mnt (or /media, /srv, /opt) for it
   alone, mounts the sandbox's two scratch tmpfs there itself (bwrap's own have no limit on
   their number of files: millions of empty files take the kernel longer to free than the
   grader waits), then becomes a uid/gid of its own (SANDBOX_UID_BASE + the
   worker's slot) with no supplementary groups. bwrap then runs unprivileged, so the
   sandbox's uid 65534 is that uid on the host: it owns no host file, and per-user kernel
   quotas (inotify, keys, processes) are its own, not root's;
4. joins a new, empty session keyring (where the platform's syscall number is known), so
   the grader's keys are not the sandbox's;

and then execs bwrap. Run as a script: ``python limits.py SPEC_JSON -- argv``.
"""
import ctypes
import itertools
import json
import os
import platform
import signal
import stat
import sys
import time
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
CPU_PERIOD_US = 100_000           # the sandbox's processes get one CPU in all
SANDBOX_UID_BASE = 61000          # slot s runs as uid/gid SANDBOX_UID_BASE + s
KEYCTL = {"x86_64": 250, "aarch64": 219, "arm64": 219}
KEYCTL_JOIN_SESSION_KEYRING = 1
_counter = itertools.count()


def _own_cgroups():
    """{controller or "": path relative to its hierarchy} from /proc/self/cgroup."""
    found = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) == 3:
            for controller in parts[1].split(",") if parts[1] else [""]:
                found[controller] = parts[2].lstrip("/")
    return found


class Cgroup:
    """One cgroup per sandbox: memory.max / pids.max (v2) or their v1 counterparts."""

    def __init__(self, folders, version):
        self.folders, self.version = folders, version

    @classmethod
    def create(cls, memory_mb, processes):
        """A new cgroup with the limits set, or None where none can be made here."""
        name = f"autograder-{os.getpid()}-{next(_counter)}"
        own = _own_cgroups()
        for make in (cls._v2, cls._v1):
            try:
                group = make(own, name, memory_mb, processes)
            except OSError:
                group = None
            if group is not None:
                return group
        return None

    @classmethod
    def _v2(cls, own, name, memory_mb, processes):
        for root in (CGROUP_ROOT, CGROUP_ROOT / "unified"):
            if not (root / "cgroup.controllers").exists() or "" not in own:
                continue
            parent = root / own[""]
            enabled = (parent / "cgroup.subtree_control").read_text().split()
            if not {"memory", "pids"} <= set(enabled):
                continue
            folder = parent / name
            folder.mkdir()
            group = cls([folder], 2)
            try:
                (folder / "memory.max").write_text(str(memory_mb * 2**20))
                if (folder / "memory.swap.max").exists():
                    (folder / "memory.swap.max").write_text("0")
                (folder / "pids.max").write_text(str(processes))
                if "cpu" in enabled:
                    (folder / "cpu.max").write_text(f"{CPU_PERIOD_US} {CPU_PERIOD_US}")
            except OSError:
                group.remove()
                raise
            return group
        return None

    @classmethod
    def _v1(cls, own, name, memory_mb, processes):
        memory, pids = CGROUP_ROOT / "memory", CGROUP_ROOT / "pids"
        if not ((memory / "cgroup.procs").exists() and (pids / "cgroup.procs").exists()
                and "memory" in own and "pids" in own):
            return None
        folders = [memory / own["memory"] / name, pids / own["pids"] / name]
        group = cls([], 1)
        try:
            for folder in folders:
                folder.mkdir()
                group.folders.append(folder)
            (folders[0] / "memory.limit_in_bytes").write_text(str(memory_mb * 2**20))
            swap = folders[0] / "memory.memsw.limit_in_bytes"
            if swap.exists():
                swap.write_text(str(memory_mb * 2**20))
            (folders[1] / "pids.max").write_text(str(processes))
        except OSError:
            group.remove()
            raise
        cpu = CGROUP_ROOT / "cpu"
        if (cpu / "cgroup.procs").exists() and "cpu" in own:
            folder = cpu / own["cpu"] / name
            try:                                    # optional: memory and pids are not
                folder.mkdir()
                group.folders.append(folder)
                (folder / "cpu.cfs_period_us").write_text(str(CPU_PERIOD_US))
                (folder / "cpu.cfs_quota_us").write_text(str(CPU_PERIOD_US))
            except OSError:
                pass
        return group

    @property
    def procs_files(self):
        return [str(f / "cgroup.procs") for f in self.folders]

    def pids(self):
        found = set()
        for f in self.procs_files:
            try:
                found.update(int(p) for p in Path(f).read_text().split())
            except OSError:
                pass
        return found

    def memory_exceeded(self):
        """True if the kernel refused or reclaimed memory at the limit (an OOM kill)."""
        folder = self.folders[0]
        try:
            if self.version == 2:
                events = dict(line.split() for line in
                              (folder / "memory.events").read_text().splitlines())
                return int(events.get("oom_kill", 0)) > 0 or int(events.get("max", 0)) > 0
            oom = dict(line.split() for line in
                       (folder / "memory.oom_control").read_text().splitlines())
            return int(oom.get("oom_kill", 0)) > 0 or \
                int((folder / "memory.failcnt").read_text()) > 0
        except (OSError, ValueError):
            return False

    def kill(self):
        """SIGKILL everything in the cgroup, until it is empty (or 5 s have passed)."""
        if self.version == 2 and (self.folders[0] / "cgroup.kill").exists():
            try:
                (self.folders[0] / "cgroup.kill").write_text("1")
            except OSError:
                pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pids = self.pids()
            if not pids:
                return True
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.02)
        return not self.pids()

    def remove(self):
        for folder in reversed(self.folders):
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


def rlimits(memory_mb, cpu_seconds, file_mb=64, open_files=256, processes=64):
    """[(name, soft, hard)] applied by the launcher."""
    cpu = int(cpu_seconds) + 1
    return [("RLIMIT_AS", memory_mb * 2**20, memory_mb * 2**20),
            ("RLIMIT_CPU", cpu, cpu + 5),
            ("RLIMIT_FSIZE", file_mb * 2**20, file_mb * 2**20),
            ("RLIMIT_NOFILE", open_files, open_files),
            ("RLIMIT_NPROC", processes, processes),
            ("RLIMIT_SIGPENDING", 256, 256),
            ("RLIMIT_MEMLOCK", 0, 0),
            ("RLIMIT_MSGQUEUE", 0, 0),
            ("RLIMIT_CORE", 0, 0)]


UID_SLOTS = 1000                  # uids SANDBOX_UID_BASE .. + 999
UID_LOCKS = Path("/tmp/autograder-uids")


def sandbox_uid(slot):
    return SANDBOX_UID_BASE + int(slot)


def claim_slot():
    """A slot no other worker on this machine holds (of this run or of any other run at the
    same time): its uid's processes and per-user quotas are then this worker's sandboxes'
    alone. Held by an flock on a file per slot until the worker exits. (slot, lock file)."""
    import fcntl
    UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
    for slot in range(UID_SLOTS):
        handle = open(UID_LOCKS / f"{sandbox_uid(slot)}.lock", "a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        return slot, handle
    raise RuntimeError(f"all {UID_SLOTS} sandbox uids are in use on this machine")


def launch_command(cgroup, limits, uid=None, scratch=None):
    """argv prefix that applies the cgroup and the rlimits, becomes uid (if given, when
    started as root; folders bwrap must read are then made reachable to it, and the tmpfs
    that bwrap's command makes at the targets in scratch, {target: most files}, are mounted
    by the launcher with that many inodes at most), and execs what follows it."""
    spec = {"procs": cgroup.procs_files if cgroup is not None else [],
            "limits": [list(item) for item in limits], "uid": uid,
            "scratch": dict(scratch or {})}
    return [os.path.realpath(sys.executable), "-I", "-S", "-B", str(Path(__file__).resolve()),
            json.dumps(spec), "--"]


# -- the launcher itself -------------------------------------------------------------------

def _reachable(path):
    """True if a user with no privileges and no groups can look up path."""
    parts = Path(path).resolve().parts
    for i in range(1, len(parts)):
        folder = os.path.join(*parts[:i]) or "/"
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return False
    return True


REACH_CANDIDATES = ("/mnt", "/media", "/srv", "/opt")   # where the reachable copies go


def _private_binds(command, scratch=None, uid=None):
    """In a mount namespace of the launcher's own, bind every bwrap source an unprivileged
    user cannot reach (a folder under /root or under a private TMPDIR) into a fresh tmpfs
    laid over a folder it can reach, and point the command at it; and replace each of
    bwrap's `--size S --perms P --tmpfs T` for T in scratch by a bind of a tmpfs mounted
    here with at most scratch[T] inodes, owned by uid. The host sees none of it."""
    libc = ctypes.CDLL(None, use_errno=True)
    clone_newns, ms_rec, ms_private, ms_bind, ms_nosuid = 0x20000, 0x4000, 1 << 18, 4096, 2
    ms_nodev = 4

    def check(result, what):
        if result != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"{what}: {os.strerror(error)}")

    scratch = scratch or {}
    end = command.index("--") if "--" in command else len(command)
    options = command[:end]
    sources = [i + 1 for i, a in enumerate(options[:-1])
               if a in ("--ro-bind", "--bind", "--dev-bind") and not _reachable(options[i + 1])]
    tmpfs = [i for i in range(5, end) if options[i - 1] == "--tmpfs" and options[i] in scratch
             and options[i - 5] == "--size" and options[i - 3] == "--perms"]
    if not sources and not tmpfs:
        return command
    if libc.unshare(clone_newns) != 0:
        if sources:
            check(-1, "unshare(CLONE_NEWNS)")
        return command          # root without CAP_SYS_ADMIN: bwrap's own tmpfs, no file limit
    check(libc.mount(None, b"/", None, ms_rec | ms_private, None), "mount --make-rprivate /")
    reach_root = next(p for p in REACH_CANDIDATES if os.path.isdir(p) and _reachable(p))
    check(libc.mount(b"tmpfs", reach_root.encode(), b"tmpfs", ms_nosuid, b"mode=0755,size=1m"),
          f"mount a tmpfs on {reach_root}")
    command = list(command)
    for n, i in enumerate(sources):
        target = Path(reach_root) / str(n)
        if os.path.isdir(command[i]):
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.touch()
        check(libc.mount(command[i].encode(), str(target).encode(), None, ms_bind | ms_rec,
                         None), f"bind {command[i]}")
        command[i] = str(target)
    for n, i in enumerate(reversed(tmpfs)):          # from the end: indices stay valid
        folder = Path(reach_root) / f"scratch{n}"
        folder.mkdir()
        size, mode, where = command[i - 4], command[i - 2], command[i]
        owner = "" if uid is None else f",uid={uid},gid={uid}"
        data = f"size={size},nr_inodes={int(scratch[where])},mode={mode}{owner}"
        check(libc.mount(b"tmpfs", str(folder).encode(), b"tmpfs", ms_nosuid | ms_nodev,
                         data.encode()), f"mount the scratch tmpfs for {where}")
        command[i - 5:i + 1] = ["--bind", str(folder), where]
    return command


def _become(uid):
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def _new_session_keyring():
    number = KEYCTL.get(platform.machine())
    if number is not None:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.syscall(number, KEYCTL_JOIN_SESSION_KEYRING, None) < 0:
            raise OSError(ctypes.get_errno(), "keyctl(KEYCTL_JOIN_SESSION_KEYRING)")


def _launch(argv):
    import resource
    spec = json.loads(argv[0])
    command = argv[argv.index("--") + 1:]
    for procs in spec["procs"]:
        with open(procs, "w") as f:
            f.write(str(os.getpid()))
    for name, soft, hard in spec["limits"]:
        resource.setrlimit(getattr(resource, name), (soft, hard))
    if spec["uid"] is not None and os.geteuid() == 0:
        command = _private_binds(command, spec.get("scratch"), spec["uid"])
        _become(spec["uid"])
    _new_session_keyring()
    os.execvp(command[0], command)


if __name__ == "__main__":
    _launch(sys.argv[1:])

"""Resource limits that a sandbox cannot lift.

`launch_command` puts a small launcher in front of bwrap: it moves itself into the
sandbox's cgroup (when one can be made) and sets rlimits, then execs bwrap, so every
process of the sandbox starts inside both. The sandbox runs without capabilities, so it
can raise neither. Run as a script: ``python limits.py CGROUP_PROCS... -- LIMITS -- argv``.

- cgroup (v2, or v1's memory and pids hierarchies, where this process may create one):
  total memory of all the sandbox's processes and its tmpfs, and the number of processes
  and threads; killing the cgroup ends everything in it;
- rlimits (always): address space and CPU seconds per process, file size, open files,
  no core dumps. RLIMIT_NPROC is set too but does not bind when bwrap maps the sandbox's
  uid to root's (the kernel exempts uid 0): the cgroup is what limits processes.
"""
import itertools
import os
import signal
import sys
import time
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
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
                (folder / "memory.swap.max").write_text("0") if (folder / "memory.swap.max").exists() else None
                (folder / "pids.max").write_text(str(processes))
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
                events = dict(line.split() for line in (folder / "memory.events").read_text().splitlines())
                return int(events.get("oom_kill", 0)) > 0 or int(events.get("max", 0)) > 0
            oom = dict(line.split() for line in (folder / "memory.oom_control").read_text().splitlines())
            return int(oom.get("oom_kill", 0)) > 0 or int((folder / "memory.failcnt").read_text()) > 0
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
            ("RLIMIT_CORE", 0, 0)]


def launch_command(cgroup, limits):
    """argv prefix that applies the cgroup and the rlimits, then execs what follows it."""
    procs = cgroup.procs_files if cgroup is not None else []
    spec = [f"{name}={soft}:{hard}" for name, soft, hard in limits]
    return [os.path.realpath(sys.executable), "-I", "-S", "-B", str(Path(__file__).resolve()),
            *procs, "--", *spec, "--"]


def _launch(argv):
    """The launcher: join the cgroups, set the limits, exec the rest of argv."""
    import resource
    first = argv.index("--")
    second = argv.index("--", first + 1)
    for procs in argv[:first]:
        with open(procs, "w") as f:
            f.write(str(os.getpid()))
    for item in argv[first + 1:second]:
        name, values = item.split("=")
        soft, hard = (int(v) for v in values.split(":"))
        resource.setrlimit(getattr(resource, name), (soft, hard))
    command = argv[second + 1:]
    os.execvp(command[0], command)


if __name__ == "__main__":
    _launch(sys.argv[1:])

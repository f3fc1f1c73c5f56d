# Attack: look at every process the sandbox can see, and at the machine.
import os
import socket

pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
print("PIDS", pids)
for pid in pids:
    try:
        print("CMDLINE", pid, open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ")[:200])
    except OSError as error:
        print("CMDLINE", pid, error)
print("PPID", os.getppid(), "UID", os.getuid(), "HOSTNAME", socket.gethostname())
for target in (("127.0.0.1", 22), ("127.0.0.1", 8888), ("10.0.0.1", 80)):
    try:
        socket.create_connection(target, timeout=1).close()
        print("FOUND network", target)
    except OSError as error:
        print("no network", target, error)

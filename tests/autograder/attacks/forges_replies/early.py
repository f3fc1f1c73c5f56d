# Attack: write a made-up answer straight into the grader's channel (its descriptors are
# on the sandbox's command line), hoping the judge takes it for the sandbox's reply.
import os
import sys

fake = b'{"id": 2, "ok": {"__t": "array", "v": ""}}\n'
for fd in sys.argv[1:3]:
    try:
        os.write(int(fd), fake)
    except (OSError, ValueError):
        pass

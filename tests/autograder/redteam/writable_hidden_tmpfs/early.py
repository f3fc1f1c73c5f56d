# Attack: the README says only /home/student and /tmp are writable; the tmpfs mounted over the hidden
# site-packages folders are writable too, with no size: write 1 MB in each, 320 MB (> --scratch) in one.
import os

first = True
for line in open("/proc/self/mountinfo"):
    fields = line.split()
    point, options = fields[4], fields[5]
    if "rw" not in options.split(",") or point in ("/home/student", "/tmp") \
            or point.startswith(("/dev", "/proc")):
        continue
    files, written = (5 if first else 1), 0
    try:
        for i in range(files):
            with open(f"{point}/fill{i}", "wb") as f:
                f.write(b"\1" * ((64 * 2**20 - 1) if first else 2**20))
            written += 64 if first else 1
    except OSError as error:
        print("could not write", point, type(error).__name__)
    for i in range(files):
        try:
            os.remove(f"{point}/fill{i}")
        except OSError:
            pass
    if written:
        print("WROTE", written, "MB in", point)
        first = False

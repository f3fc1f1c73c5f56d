# Attack: search the whole file system for torch, scipy, convzoo, the course and other
# students' work, load whatever native torch library turns up, and read every notebook
# found outside this folder. Prints FOUND lines.
import ctypes
import os

NAMES = {"torch", "torchvision", "scipy", "convzoo", "solutions", "submitted", "autograded",
         "feedback", "grades.csv", "gradebook.db", "nbgrader_config.py"}
PREFIXES = ("libtorch", "libc10", "autograder-", "sandbox-", "submission-")
seen, found = 0, []
for top in os.listdir("/"):
    if top in ("proc", "sys", "dev"):
        continue
    for folder, dirs, files in os.walk("/" + top):
        for name in dirs + files:
            seen += 1
            path = os.path.join(folder, name)
            if name in NAMES or name.startswith(PREFIXES):
                found.append(path)
            elif name.endswith(".ipynb") and not folder.startswith(
                    ("/home/student", "/opt/autograder/submission")):
                found.append(path)
for path in found:
    print("FOUND", path)
    if path.endswith(".so"):
        try:
            ctypes.CDLL(path)
            print("FOUND loaded", path)
        except OSError:
            pass
print(f"searched {seen} names")

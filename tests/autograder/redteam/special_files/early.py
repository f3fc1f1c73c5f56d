# Attack: read everything the grader copied in beside the notebook: links to the instructor's source,
# a FIFO (would hang a careless copier), checkpoints; print FOUND for any hidden test or solution.
import os

for folder, dirs, files in os.walk("."):
    for name in files:
        path = os.path.join(folder, name)
        print("COPIED", path, os.lstat(path).st_mode)
        try:
            with open(path, "rb") as f:
                data = f.read(10**6)
        except OSError as error:
            print("unreadable", path, error)
            continue
        if b"BEGIN " + b"HIDDEN TESTS" in data or b"BEGIN " + b"SOLUTION" in data:
            print("FOUND", path)

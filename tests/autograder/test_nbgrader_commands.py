"""nbgrader's own commands with the course's nbgrader_config.py, as an instructor would run them.

In a temporary copy of the course (nbgrader_config.py, solutions/, notebooks/), run from that
folder with the venv's bin/ on PATH: generate_assignment still works; autograde refuses
(command line and the formgrader's API) with a pointer to `python -m autograder grade`; and if
autograde is forced anyway (the exporter set back on the command line, standing for any
autograded/ made without this config) a right answer that warns on stderr keeps its points,
and generate_feedback and generate_solution hold no hidden-test line and no marker.

The submission is the release filled with the source's own solutions, two of them wrapped
(whatever the assignment holds): the first solution function warns on every call (a real
numpy RuntimeWarning, on stderr), the second raises when a hidden test calls it, so that
autograded/ has tracebacks that quote hidden lines. About 45 s of CPU (nbgrader start-ups, one
kernel); 42 s wall on an idle 2-core machine.
"""
import ast
import html
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np  # noqa: F401 - used by the eval of WARN
import pytest

ROOT = Path(__file__).resolve().parents[2]
A = "assignment1"
MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
POINTER = "python -m autograder grade"
FORCE_AUTOGRADE = "--Autograde.exporter_class=nbconvert.exporters.NotebookExporter"
WARN = "np.log(np.zeros(1))"        # RuntimeWarning: divide by zero encountered in log
FAILS = "this answer fails every hidden test"

WARNS_ALWAYS = f"""
import warnings
warnings.simplefilter("always", RuntimeWarning)   # every call warns, not only the first
_right_{{f}} = {{f}}


def {{f}}(*args, **kwargs):
    {WARN}
    return _right_{{f}}(*args, **kwargs)
"""
FAILS_HIDDEN = f"""
import linecache
import sys
_right_{{f}} = {{f}}


def _called_from_a_hidden_test():
    frame = sys._getframe(1)
    while frame is not None:
        inside = False
        for line in linecache.getlines(frame.f_code.co_filename)[:frame.f_lineno]:
            if "BEGIN HIDDEN" + " TESTS" in line or "END HIDDEN" + " TESTS" in line:
                inside = "BEGIN" in line
        if inside:
            return True
        frame = frame.f_back
    return False


def {{f}}(*args, **kwargs):
    if _called_from_a_hidden_test():
        raise ValueError("{FAILS}")
    return _right_{{f}}(*args, **kwargs)
"""


def source_cells(course):
    """The cells of the source notebook in the copy of the course (others may edit ROOT's)."""
    return json.loads((course / "solutions" / A / f"{A}.ipynb").read_text())["cells"]


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def squeeze(text):
    return re.sub(r"\s+", "", text)


def hidden_lines(course):
    """Squeezed lines (12+ characters) of the source's hidden tests found nowhere else in it
    (a visible `expect(...);` shows the hidden line `expect(...)`)."""
    hidden, visible, inside = set(), set(), False
    for cell in source_cells(course):
        for line in "".join(cell["source"]).splitlines():
            if MARKERS[0] in line or MARKERS[1] in line:
                inside = MARKERS[0] in line
            else:
                (hidden if inside else visible).add(squeeze(line))
    shown = "\n".join(visible)
    return {line for line in hidden if len(line) >= 12 and line not in shown}


def strings(value):
    """Every string in a JSON value."""
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [s for item in items for s in strings(item)]


def readable(path):
    """The text a reader of the file sees: notebook strings, or HTML without tags and entities."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        raw = "\n".join(strings(json.loads(raw)))
    elif path.suffix == ".html":
        raw = html.unescape(re.sub(r"<[^>]*>", "", raw))
    return raw


def found(text, secrets):
    """The markers and hidden lines in a text, whitespace and ANSI colours ignored."""
    text = squeeze(re.sub(r"\x1b\[[0-9;]*m", "", text))
    return [m for m in MARKERS if squeeze(m) in text] + sorted(s for s in secrets if s in text)


def leaks(path, secrets):
    return found(readable(path), secrets)


def nbgrader(course, *args, code=None):
    """Run `nbgrader ARGS` (or `python -c CODE`) in the course folder; a Popen, not waited for."""
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
               JUPYTER_CONFIG_DIR=str(course.parent / "jupyter"),   # no ~/.jupyter config
               JUPYTER_RUNTIME_DIR=str(course.parent / "runtime"),
               IPYTHONDIR=str(course.parent / "ipython"))          # no ~/.ipython start-up
    argv = [sys.executable, "-c", code] if code else [sys.executable, "-m", "nbgrader", *args]
    return subprocess.Popen(argv, cwd=course, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def run(proc):
    """(exit code, output) of a process from nbgrader()."""
    try:
        out, _ = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return proc.returncode, out


def scores(course, student):
    """{grade_id: (score, max_score)} from the gradebook, None if the student has no submission."""
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        try:
            notebook = gb.find_submission_notebook(A, A, student)
        except MissingEntry:
            return None
        return {g.name: (g.score, g.max_score) for g in notebook.grades}


def first_test_after(course, function):
    """(grade_id, visible part, hidden part) of the first test cell after `function`'s cell."""
    seen = False
    for cell in source_cells(course):
        source, meta = "".join(cell["source"]), nbgrader_meta(cell)
        if meta.get("solution") and re.search(rf"^def {function}\(", source, re.M):
            seen = True
        elif seen and meta.get("grade") and not meta.get("solution"):
            visible, _, hidden = source.partition(MARKERS[0])
            return meta["grade_id"], visible, hidden
    raise AssertionError(f"no test cell after {function}")


@pytest.fixture(scope="module")
def submission(tmp_path_factory):
    course = tmp_path_factory.mktemp("nbgrader") / "course"
    course.mkdir()
    shutil.copy2(ROOT / "nbgrader_config.py", course)
    for folder in ("solutions", "notebooks"):
        shutil.copytree(ROOT / folder, course / folder,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    shutil.rmtree(course / "notebooks")                     # generate_assignment makes it again
    rc, out = run(nbgrader(course, "generate_assignment", A, "--force"))
    assert rc == 0, out
    nb = json.loads((course / "notebooks" / A / f"{A}.ipynb").read_text())
    answers = {}                                        # cell id: the source's code, no markers
    for cell in source_cells(course):
        if nbgrader_meta(cell).get("solution") and cell["cell_type"] == "code":
            answers[cell["id"]] = "\n".join(line for line in "".join(cell["source"]).splitlines()
                                            if "BEGIN SOLUTION" not in line
                                            and "END SOLUTION" not in line)
    functions = []
    for cell in nb["cells"]:
        if cell.get("id") in answers:
            cell["source"] = answers[cell["id"]]
            functions += [(cell, d.name) for d in ast.parse(cell["source"]).body
                          if isinstance(d, ast.FunctionDef)][:1]
    assert len(functions) >= 2, "the test needs two solution functions"
    (warns_cell, warns), (fails_cell, fails) = functions[:2]
    warns_cell["source"] += WARNS_ALWAYS.format(f=warns)
    fails_cell["source"] += FAILS_HIDDEN.format(f=fails)
    for student in ("alice", "mallory"):
        (course / "submitted" / student / A).mkdir(parents=True)
        (course / "submitted" / student / A / f"{A}.ipynb").write_text(json.dumps(nb))
    return SimpleNamespace(course=course, warns=warns, fails=fails)


@pytest.fixture(scope="module")
def autograded(submission):
    """autograde forced on for alice only: stands for any autograded/ made without this config."""
    rc, out = run(nbgrader(submission.course, "autograde", A, "--student", "alice",
                           FORCE_AUTOGRADE))
    assert rc == 0, out
    return submission.course / "autograded" / "alice" / A / f"{A}.ipynb"


def test_generate_assignment_still_works_and_hides_the_tests(submission):
    release = submission.course / "notebooks" / A / f"{A}.ipynb"
    assert "YOUR CODE HERE" in release.read_text()
    assert leaks(release, hidden_lines(submission.course)) == []


def test_autograde_refuses_with_a_pointer_to_the_course_grader(submission):
    course = submission.course
    # the command line, and the formgrader's Autograde button (NbGraderAPI.autograde), at once
    api = ("from traitlets.config.loader import PyFileConfigLoader\n"
           "from nbgrader.apps.api import NbGraderAPI\n"
           "from nbgrader.coursedir import CourseDirectory\n"
           "cfg = PyFileConfigLoader('nbgrader_config.py', path='.').load_config()\n"
           "api = NbGraderAPI(CourseDirectory(config=cfg, root='.'), config=cfg)\n"
           "result = api.autograde('assignment1', 'mallory')\n"
           "print('success:', result['success'], result.get('log'))\n")
    command = nbgrader(course, "autograde", A, "--student", "mallory")
    button = nbgrader(course, code=api)
    (rc, out), (api_rc, api_out) = run(command), run(button)
    assert rc != 0 and POINTER in out, out
    assert api_rc == 0 and "success: False" in api_out and POINTER in api_out, api_out
    assert not (course / "autograded" / "mallory").exists()
    assert scores(course, "mallory") is None            # refused before the gradebook was touched


def test_stderr_in_a_test_cell_is_not_scored_as_a_failure(submission, autograded):
    with warnings.catch_warnings(record=True) as caught:   # the warning is real, and numpy's
        warnings.simplefilter("always")
        eval(WARN)
    assert [w.category for w in caught] == [RuntimeWarning]
    grades = scores(submission.course, "alice")
    warned, visible, _ = first_test_after(submission.course, submission.warns)
    assert submission.warns in visible                  # so its visible part wrote to stderr
    assert grades[warned][0] == grades[warned][1] > 0
    failed, _, hidden = first_test_after(submission.course, submission.fails)
    assert submission.fails in hidden
    assert grades[failed][0] == 0                       # scoring is real: a failure still fails


def test_feedback_has_no_hidden_test_and_still_the_scores(submission, autograded):
    secrets = hidden_lines(submission.course)
    assert len(leaks(autograded, secrets)) > 10                   # what feedback starts from
    tracebacks = [line for cell in json.loads(autograded.read_text())["cells"]
                  for out in cell.get("outputs", []) if out["output_type"] == "error"
                  for line in out["traceback"]]
    assert found("\n".join(tracebacks), secrets)                 # tracebacks quote them too
    rc, out = run(nbgrader(submission.course, "generate_feedback", A, "--force"))
    assert rc == 0, out
    feedback = submission.course / "feedback" / "alice" / A / f"{A}.html"
    assert leaks(feedback, secrets) == []
    text = readable(feedback)
    grades = scores(submission.course, "alice").values()
    total, most = (float(round(sum(g[i] for g in grades), 2)) for i in (0, 1))
    assert f"(Score: {total} / {most})" in text                   # scores still shown
    assert FAILS in text                                          # and what went wrong


def test_generate_solution_has_no_hidden_test(submission):
    rc, out = run(nbgrader(submission.course, "generate_solution", A, "--force"))
    assert rc == 0, out
    solution = submission.course / "solution" / A / f"{A}.ipynb"
    cells = json.loads(solution.read_text())["cells"]
    assert any(c.get("outputs") for c in cells)                   # executed, outputs kept
    assert leaks(solution, hidden_lines(submission.course)) == []

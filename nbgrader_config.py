# nbgrader's configuration for this course. `python -m autograder release` uses it
# (generate_assignment, which nothing below changes), and so does every nbgrader command run
# from this folder (nbgrader reads nbgrader_config.py from the current directory only).
# Grading is `python -m autograder grade`, not nbgrader: see README.md.
from nbconvert.exporters import NotebookExporter
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.converters import NbGraderException
from nbgrader.preprocessors import (ClearHiddenTests, ClearMarkScheme, ClearOutput, Execute,
                                    GetGrades, IncludeHeaderFooter, LockCells,
                                    NbGraderPreprocessor)

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "convzoo"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"

# nbgrader autograde runs the hidden tests in the kernel that ran the student's code, so the
# student can rewrite them (an IPython input transformer) or patch np.allclose: no setting
# makes that safe. Autograde has no off switch either, but the first thing it builds after
# finding the submissions, before it touches the gradebook or autograded/, is its exporter
# (BaseConverter.start), so the exporter refuses: exit 1 and this message, for the command
# line (with or without --no-execute) and for the formgrader's Autograde button alike.
REFUSAL = ("nbgrader autograde is disabled for this course: it would run the hidden tests in "
           "the student's own kernel, which the student's code controls. Grade with "
           "`python -m autograder grade SUBMITTED --out OUT` (see README.md).")


class RefuseToAutograde(NotebookExporter):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.log.error(REFUSAL)
        raise NbGraderException(REFUSAL)


c.Autograde.exporter_class = RefuseToAutograde

# Should autograde be run anyway, stderr must not fail a test cell: utils.determine_grade
# scores any stderr output 0, even a numpy RuntimeWarning from a right answer. IgnorePattern
# (in Autograde.autograde_preprocessors, disabled by default) drops the stderr outputs that
# match `pattern` before scoring; this pattern matches all of them. Errors still score 0.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]*"


class ErrorWithoutTraceback(NbGraderPreprocessor):
    """Show an error as `Type: message`: a traceback quotes the lines around the failing one."""

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


# generate_feedback turns autograded/ (test cells restored with their hidden tests) into HTML
# for students, and by design shows the hidden tests (nbgrader issue #917). Remove them, with
# the tracebacks that would quote them; scores still come from the gradebook (GetGrades).
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, ErrorWithoutTraceback,
                                    CSSHTMLHeaderPreprocessor]

# generate_solution executes the source for a solution release: without the hidden tests.
c.GenerateSolution.preprocessors = [IncludeHeaderFooter, LockCells, ClearOutput, ClearMarkScheme,
                                    ClearHiddenTests, Execute]

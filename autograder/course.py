"""The course as the instructor wrote it: assignments, notebooks and cells of solutions/.

Everything the grader trusts comes from here, never from a submission: which cells are
tests and what they are worth, the full test source (hidden part included), the read-only
setup cells, and the names of the functions a student writes.
"""
import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
BEGIN_SOLUTION, END_SOLUTION = "BEGIN SOLUTION", "END SOLUTION"
MARKERS = (BEGIN_HIDDEN, END_HIDDEN, BEGIN_SOLUTION, END_SOLUTION)
MIN_SECRET_CHARS = 12          # shorter lines ("return y") are not worth reporting


def cell_source(cell):
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def nbgrader_meta(cell):
    metadata = cell.get("metadata")
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return meta if isinstance(meta, dict) else {}


def squeeze(text):
    """Text without any whitespace: how secret lines are compared with what may leak them."""
    return re.sub(r"\s+", "", text)


@dataclass
class SourceCell:
    index: int
    kind: str                   # "markdown", "setup", "solution", "test" or "plain"
    grade_id: str | None
    source: str
    points: float = 0.0


@dataclass
class SourceNotebook:
    assignment: str
    name: str                   # file name, e.g. "assignment1.ipynb"
    path: Path
    cells: list
    functions: list = field(default_factory=list)

    @property
    def tests(self):
        return [c for c in self.cells if c.kind == "test"]

    @property
    def setup(self):
        return [c for c in self.cells if c.kind == "setup"]

    @property
    def max_score(self):
        return sum(c.points for c in self.tests)

    def by_grade_id(self):
        return {c.grade_id: c for c in self.cells if c.grade_id}


def _kind(cell):
    meta = nbgrader_meta(cell)
    if cell.get("cell_type") != "code":
        return "markdown"
    if meta.get("solution"):
        return "solution"
    if meta.get("grade"):
        return "test"
    if meta.get("locked"):
        return "setup"
    return "plain"


def top_level_functions(source):
    """Names of the functions a cell defines at top level (magics allowed)."""
    from IPython.core.inputtransformer2 import TransformerManager
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def load_notebook(path, assignment):
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = []
    for i, cell in enumerate(nb.get("cells", [])):
        meta = nbgrader_meta(cell)
        kind = _kind(cell)
        cells.append(SourceCell(index=i, kind=kind, grade_id=meta.get("grade_id"),
                                source=cell_source(cell),
                                points=float(meta.get("points", 0) or 0) if kind == "test" else 0.0))
    functions = []
    for cell in cells:
        if cell.kind == "solution":
            functions += [f for f in top_level_functions(cell.source) if f not in functions]
    return SourceNotebook(assignment=assignment, name=Path(path).name, path=Path(path),
                          cells=cells, functions=functions)


def load_course(source_dir):
    """{assignment: [SourceNotebook, ...]} for every folder of source_dir holding notebooks."""
    course = {}
    for folder in sorted(p for p in Path(source_dir).iterdir() if p.is_dir()):
        if folder.name.startswith("."):
            continue
        notebooks = sorted(p for p in folder.glob("*.ipynb"))
        if notebooks:
            course[folder.name] = [load_notebook(p, folder.name) for p in notebooks]
    return course


def _regions(source, begin, end):
    """(inside, outside) lines of a source split by begin/end marker lines."""
    inside, outside, depth = [], [], 0
    for line in source.splitlines():
        if begin in line:
            depth += 1
            continue
        if end in line:
            depth = max(0, depth - 1)
            continue
        (inside if depth else outside).append(line)
    return inside, outside


MIN_SOLUTION_LINES = 3


@dataclass
class Secrets:
    """What students must never see. hidden: {squeezed line: (where, line)}, one line is a
    leak. solutions: {where: [(squeezed line, line), ...]}: a solution leaks when at least
    half of its lines, and at least three, appear in one file. Fewer are no evidence: the
    book shows convzoo's code for what the assignments ask, and two short lines such as
    ``K_g = K // groups`` and ``return jump, start`` are in any code for the same formula
    (both were found on chapter pages in CI, session 4)."""
    hidden: dict
    solutions: dict

    def hidden_in(self, squeezed_text):
        return [(where, line) for key, (where, line) in self.hidden.items()
                if key in squeezed_text]

    def solutions_in(self, squeezed_text):
        found = []
        for where, lines in self.solutions.items():
            hits = [line for key, line in lines if key in squeezed_text]
            if len(hits) >= max(MIN_SOLUTION_LINES, (len(lines) + 1) // 2):
                found.append((where, hits))
        return found


def secret_lines(course, release_dir=None):
    """The non-trivial hidden-test and solution lines that are not also visible to
    students (in the source outside the hidden and solution parts, or in the release)."""
    visible, candidates = set(), []
    for notebooks in course.values():
        for nb in notebooks:
            for cell in nb.cells:
                hidden, rest = _regions(cell.source, BEGIN_HIDDEN, END_HIDDEN)
                solution, rest = _regions("\n".join(rest), BEGIN_SOLUTION, END_SOLUTION)
                visible.update(squeeze(line) for line in rest)
                where = f"{nb.assignment}/{nb.name} cell {cell.grade_id or cell.index}"
                candidates += [("hidden", where, line) for line in hidden]
                candidates += [("solution", where, line) for line in solution]
    if release_dir is not None and Path(release_dir).is_dir():
        for path in Path(release_dir).rglob("*.ipynb"):
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                continue
            for cell in nb.get("cells", []):
                visible.update(squeeze(line) for line in cell_source(cell).splitlines())
    # a line students see contains what they see: `expect(...)` of a hidden test is not a
    # secret when a visible line reads `expect(...);`
    shown = "\n".join(visible)
    secrets = Secrets(hidden={}, solutions={})
    for kind, where, line in candidates:
        key = squeeze(line)
        if len(key) < MIN_SECRET_CHARS or key in shown:
            continue
        if kind == "hidden":
            secrets.hidden.setdefault(key, (where, line.strip()))
        else:
            secrets.solutions.setdefault(where, []).append((key, line.strip()))
    return secrets

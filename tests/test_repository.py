"""What the repository itself promises: clean notebooks, a release that runs on Colab as it
comes, and no private or generated files under version control."""
import ast
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parents[1]
COMMITTED_NOTEBOOK_DIRS = ["book", "solutions", "notebooks"]
# What a fresh Colab runtime has besides the standard library.
RELEASE_MAY_IMPORT = {"numpy", "matplotlib", "torch"}


def tracked(pattern):
    out = subprocess.run(["git", "ls-files", pattern], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    return [ROOT / line for line in out.splitlines()]


def notebooks(folder):
    return sorted((ROOT / folder).rglob("*.ipynb"))


def code_cells(path):
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code"]


ALL_NOTEBOOKS = [p for d in COMMITTED_NOTEBOOK_DIRS for p in notebooks(d)
                 if ".ipynb_checkpoints" not in p.parts]


def test_every_folder_has_notebooks():
    for folder in COMMITTED_NOTEBOOK_DIRS:
        assert notebooks(folder), f"{folder}/ holds no notebooks"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebooks_are_committed_without_outputs(path):
    for i, cell in enumerate(code_cells(path)):
        assert not cell.outputs, f"{path.name} cell {i} has saved outputs"
        assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"


def imported_modules(source):
    """Top-level module names imported by a notebook cell (magics turned into Python)."""
    tree = ast.parse(TransformerManager().transform_cell(source))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", notebooks("notebooks"), ids=lambda p: p.name)
def test_release_imports_only_numpy_matplotlib_torch_and_the_standard_library(path):
    allowed = RELEASE_MAY_IMPORT | set(sys.stdlib_module_names)
    for i, cell in enumerate(code_cells(path)):
        extra = imported_modules(cell.source) - allowed
        assert not extra, f"{path.name} cell {i} imports {extra}: not on a fresh Colab"


def test_imported_modules_sees_through_magics_and_from_imports():
    cell = "%matplotlib inline\nimport numpy as np\nfrom convzoo.matrix import conv_matrix\n"
    assert imported_modules(cell) == {"numpy", "convzoo"}


def test_no_private_or_generated_file_is_tracked():
    forbidden = ("gradebook.db", "submitted/", "autograded/", "feedback/", "_build/", ".venv/",
                 ".ipynb_checkpoints/")
    files = [str(p.relative_to(ROOT)) for p in tracked(".")]
    leaked = [f for f in files if any(part in f"/{f}" for part in
                                      (f"/{name}" for name in forbidden))]
    assert not leaked, f"tracked but private or generated: {leaked}"


def test_gitignore_names_every_private_and_generated_path():
    ignored = (ROOT / ".gitignore").read_text().split()
    for name in ("gradebook.db", "submitted/", "autograded/", "feedback/", "_build/", ".venv/"):
        assert name in ignored, f".gitignore lacks {name}"

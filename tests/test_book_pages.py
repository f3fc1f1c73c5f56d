"""The pattern every chapter page follows, checked on the sources (no build needed): the
exercises' solutions are removed cells whose code and output are glued into their closed
dropdowns, numbers are glued with convzoo.page.keep (no page has its own glue helper), and
a page stays short. docs/adding-a-chapter.md describes the pattern."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "book").glob("ch*/*.ipynb"))
MAX_LINES = 600
SOLUTION = re.compile(r"\A%%solution (\w+)\s*\n")
PASTED = re.compile(r"```\{glue:md\} (\w+)")


def cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"]), c.get("metadata", {}).get("tags", []))
            for c in nb["cells"]]


def exercises_and_after(path):
    """The cells from the markdown cell with the Exercises heading on."""
    all_cells = cells(path)
    starts = [i for i, (kind, src, _) in enumerate(all_cells)
              if kind == "markdown" and re.search(r"^## Exercises\s*$", src, re.M)]
    assert len(starts) == 1, f"{path.name}: one '## Exercises' section, found {len(starts)}"
    return all_cells[starts[0]:]


def test_there_are_chapter_pages():
    assert PAGES


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_every_solution_is_a_removed_solution_cell_glued_into_its_dropdown(path):
    tail = exercises_and_after(path)
    code = [(src, tags) for kind, src, tags in tail if kind == "code"]
    markdown = "\n".join(src for kind, src, _ in tail if kind == "markdown")
    assert code, f"{path.name}: exercises without a checked solution"
    keys = []
    for src, tags in code:
        match = SOLUTION.match(src)
        assert match, f"{path.name}: a code cell among the exercises is not a %%solution cell"
        assert "remove-cell" in tags, f"{path.name}: %%solution {match.group(1)} is not removed"
        keys.append(match.group(1))
    pasted = PASTED.findall(markdown)
    assert sorted(keys) == sorted(pasted), f"{path.name}: solutions {keys}, pasted {pasted}"
    # each paste sits inside a dropdown
    for key in pasted:
        before = markdown[:markdown.index(f"```{{glue:md}} {key}")]
        assert before.rfind(":::{dropdown}") > before.rfind("\n:::\n"), \
            f"{path.name}: {key} is pasted outside a dropdown"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_a_page_with_solutions_loads_the_extension_in_its_first_code_cell(path):
    code = [src for kind, src, _ in cells(path) if kind == "code"]
    if any(SOLUTION.match(src) for src in code):
        assert "%load_ext convzoo.page" in code[0]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_glue_only_through_convzoo_page(path):
    for kind, src, _ in cells(path):
        if kind == "code":
            assert not re.search(r"^def keep\b|from myst_nb import|^\s*glue\(", src, re.M), \
                f"{path.name} glues on its own: use convzoo.page.keep"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_a_page_stays_under_600_lines(path):
    lines = sum(len(src.splitlines()) for _, src, _ in cells(path))
    assert lines < MAX_LINES, f"{path.name} has {lines} lines: split it"

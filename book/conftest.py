"""nbval runs the book's pages once; the site is built from what they printed.

`make book` and `make test` run every page with nbval (in parallel, one page per worker at a
time), and this plugin keeps each cell's outputs. When the run ends, the executed pages go
into the notebook cache Jupyter Book reads (`execute: cache` in _config.yml), so the build
that follows renders them without running any page a second time. Only pages that ran to
the end without a failing cell are kept: a failing page fails the run before any build.

A page whose measurements need the machine to itself (threads, bandwidth) says so in its
metadata, `"convzoo": {"run_alone": true}`. With CONVZOO_PAGES=shared the parallel run leaves
such pages out; with CONVZOO_PAGES=alone a serial run (`-n 0`) takes only them. Unset, every
page runs.
"""
import json
import os
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
# `make chapter` (tools/chapter.py) points these at a folder of the chapter's own, so that
# chapters built at the same time do not share them.
BUILD = Path(os.environ.get("CONVZOO_BUILD", ROOT / "_build"))
EXECUTED = BUILD / "executed"                      # one file per page, written by the workers
CACHE = BUILD / ".jupyter_cache"                   # execute.cache in _config.yml
_pages = {}                                        # path: [notebook, cells run, cells failed]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    cell = getattr(item, "cell", None)
    if call.when != "call" or cell is None or not hasattr(item.parent, "nb"):
        return
    page = _pages.setdefault(str(item.parent.fspath), [item.parent.nb, 0, 0])
    page[1] += 1
    if outcome.get_result().failed:
        page[2] += 1
    cell.outputs = getattr(item, "test_outputs", None) or []
    cell.execution_count = page[1]


def _write_executed():
    EXECUTED.mkdir(parents=True, exist_ok=True)
    for path, (nb, ran, failed) in _pages.items():
        code_cells = sum(c.cell_type == "code" for c in nb.cells)
        if failed == 0 and ran == code_cells:
            target = EXECUTED / Path(path).relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(target))


def _fill_cache():
    from jupyter_cache import get_cache
    cache = get_cache(str(CACHE))
    for executed in sorted(EXECUTED.rglob("*.ipynb")):
        source = ROOT / executed.relative_to(EXECUTED)
        cache.cache_notebook_file(str(executed), uri=str(source), check_validity=False,
                                  overwrite=True)
        executed.unlink()


def runs_alone(path):
    """Does the page at path ask for the machine to itself (metadata convzoo.run_alone)?"""
    metadata = json.loads(Path(path).read_text(encoding="utf-8")).get("metadata", {})
    return bool(metadata.get("convzoo", {}).get("run_alone"))


def pytest_ignore_collect(collection_path, config):
    phase = os.environ.get("CONVZOO_PAGES")
    if phase not in ("shared", "alone") or collection_path.suffix != ".ipynb":
        return None
    alone = runs_alone(collection_path)
    return True if (alone if phase == "shared" else not alone) else None


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):    # the controller, or a run without xdist
        for stale in EXECUTED.rglob("*.ipynb"):
            stale.unlink()


def pytest_sessionfinish(session):
    _write_executed()
    if not hasattr(session.config, "workerinput"):
        _fill_cache()

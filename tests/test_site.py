"""The built site in a real browser: every chapter page loads without console errors or
outside requests, its math is typeset by the MathJax served with the site, its figures are
images, its glued numbers and Chinese terms are there, its solutions start collapsed and
nothing of an exercise's answer shows before its dropdown is opened, and no output shows a
warning or a NumPy scalar repr.

Needs _build/html (`make book`) and Debian's chromium + chromium-driver + fonts-noto-cjk.
"""
import ast
import json
import os
import re

import pytest

from site_browser import ROOT, SITE, chromium, serve, wait_for_mathjax

pytestmark = pytest.mark.skipif(not (SITE / "index.html").exists(),
                                reason="_build/html is absent: build the book first")

# The one console error a stock Jupyter Book 1.0.4 page logs; _config.yml drops sphinx_thebe,
# which caused it, so it should not appear either, but it would not be the book's fault.
KNOWN_CONSOLE_ERRORS = ("Identifier 'THEBE_JS_URL' has already been declared",)
LEAKS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN SOLUTION", "END SOLUTION",
         "grade_id")
CJK = re.compile(r"[\u3400-\u9fff]+")


def chapter_sources():
    """Every page of every chapter, as (source file, html path relative to the site)."""
    only = os.environ.get("CONVZOO_CHAPTER")        # `make chapter CH=...`: its pages alone
    pages = [] if only else [ROOT / "book" / "intro.md"]
    for chapter in sorted((ROOT / "book").glob(only or "ch*/")):
        pages += sorted(chapter.glob("*.ipynb")) + sorted(chapter.glob("*.md"))
    return [(p, p.relative_to(ROOT).with_suffix(".html").as_posix()) for p in pages]


def page_text(source):
    """(markdown, code cells) of a page: what the reader is told, and what it runs."""
    if source.suffix == ".md":
        return source.read_text(encoding="utf-8"), []
    nb = json.loads(source.read_text(encoding="utf-8"))
    join = lambda cell: "".join(cell["source"])  # noqa: E731
    return ("\n".join(join(c) for c in nb["cells"] if c["cell_type"] == "markdown"),
            [join(c) for c in nb["cells"] if c["cell_type"] == "code"])


def draws_a_figure(cell):
    """Does the cell end in a call to convzoo.plot (whose Figure the page then shows)?"""
    from IPython.core.inputtransformer2 import TransformerManager

    if cell.lstrip().startswith("%%"):                   # a cell magic: not run as Python
        return False
    body = ast.parse(TransformerManager().transform_cell(cell)).body
    last = body[-1] if body else None
    return (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
            and isinstance(last.value.func, ast.Attribute)
            and isinstance(last.value.func.value, ast.Name) and last.value.func.value.id == "plot")


def test_draws_a_figure_sees_a_plot_call_on_the_last_statement_only():
    assert draws_a_figure("%matplotlib inline\nx = 1\nplot.flip_figure(\n    k)\n")
    assert not draws_a_figure("plot.flip_figure(k)\nx = 1")
    assert not draws_a_figure("fig = plot.flip_figure(k)")
    assert not draws_a_figure("%%solution key\nplot.flip_figure(k)")


@pytest.fixture(scope="module")
def browser():
    with serve() as url, chromium() as driver:
        yield url, driver


PAGES = chapter_sources()
CHAPTER_NOTEBOOKS = [(s, h) for s, h in PAGES if s.suffix == ".ipynb"]


@pytest.fixture(scope="module")
def page(browser, request):
    """(url, driver, source, html, console log) with the page loaded and typeset, once per
    page for the tests below (pytest runs a module-scoped parameter's tests one after the
    other). The exercise test, which opens the dropdowns, comes last in the file."""
    source, html = request.param
    url, driver = browser
    driver.get_log("browser")                                  # forget the previous page's
    driver.get(f"{url}/{html}")
    typeset = wait_for_mathjax(driver)
    return url, driver, source, html, driver.get_log("browser"), typeset


def pages(which):
    return pytest.mark.parametrize("page", which, ids=[h for _, h in which], indirect=True)


@pages(PAGES)
def test_page_renders_in_a_browser(page):
    from selenium.webdriver.common.by import By

    url, driver, source, html, console, typeset = page
    markdown, code = page_text(source)
    has_math = "$" in markdown
    assert typeset, "MathJax did not load (it must come from _static/mathjax)"

    # no errors in the console, no request leaving localhost (MathJax and fonts are local)
    severe = [e["message"] for e in console if e["level"] == "SEVERE"
              and not any(known in e["message"] for known in KNOWN_CONSOLE_ERRORS)]
    assert severe == []
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(r => r.name)")
    assert [r for r in resources if not r.startswith(url)] == []

    # the article's prose, without code, as the reader sees it
    prose = driver.execute_script("""
        const article = document.querySelector('article.bd-article').cloneNode(true);
        article.querySelectorAll('pre, code, mjx-container, .cell_input').forEach(e => e.remove());
        return article.textContent;""")
    if has_math:
        assert driver.find_elements(By.CSS_SELECTOR, "mjx-container")
    for raw in ("\\[", "\\]", "\\(", "\\)", "$$"):
        assert raw not in prose, f"untypeset math {raw!r} left in the page"

    # no cell failed
    assert not driver.find_elements(By.CSS_SELECTOR, ".output.traceback, .output.error")

    # every figure a cell draws is an image that loaded and has a size
    figures = sum(map(draws_a_figure, code))
    images = driver.find_elements(By.CSS_SELECTOR, ".cell_output img")
    assert len(images) == figures
    for image in images:
        natural = driver.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight]", image)
        assert min(natural) > 0 and image.size["width"] > 0 and image.size["height"] > 0

    # every {glue:text} became a number
    glued = [e.get_attribute("textContent") for e in driver.find_elements(By.CSS_SELECTOR, ".pasted-text")]
    assert len(glued) == markdown.count("{glue:text}")
    assert all(re.search(r"\d", g) for g in glued), glued

    # the Chinese names are in the page and drawn with real glyphs, not empty boxes
    terms = set(CJK.findall(markdown))
    assert terms <= set(CJK.findall(prose)), terms - set(CJK.findall(prose))
    if terms:
        assert driver.execute_script("""
            const canvas = document.createElement('canvas');
            canvas.width = 200; canvas.height = 40;
            const ctx = canvas.getContext('2d');
            ctx.font = '24px ' + getComputedStyle(document.body).fontFamily;
            const draw = s => { ctx.clearRect(0, 0, 200, 40); ctx.fillText(s, 2, 30);
                                return Array.from(ctx.getImageData(0, 0, 200, 40).data).join(); };
            // without a CJK font every character is the same empty box
            const missing = draw('\\u0378\\u0379\\u0380');   // unassigned code points
            return draw('互相关') !== missing && draw('互相关') !== draw('卷积核');""")

    # solutions start collapsed; hidden-input checks too
    dropdowns = driver.find_elements(By.CSS_SELECTOR, "details.sd-dropdown")
    assert len(dropdowns) == markdown.count(":::{dropdown}")
    hidden_inputs = driver.find_elements(By.CSS_SELECTOR, "details.hide")
    for box in dropdowns + hidden_inputs:
        assert box.get_attribute("open") is None
        body = box.find_elements(By.CSS_SELECTOR, ".sd-summary-content, .cell_input, pre")
        assert body and not any(b.is_displayed() for b in body)

    # nothing of an assignment's hidden tests or solutions reaches the site
    source_html = driver.page_source
    assert not [leak for leak in LEAKS if leak in source_html]


# What a reader must never see in an output: a warning, and a NumPy scalar's repr where a
# number belongs (np.float64(0.5), np.int64(5)).
NOT_FOR_READERS = re.compile(r"\b[A-Z]\w*Warning\b|\bnp\.(?:float|int|uint|bool|complex|str)\w*\(")


@pages(CHAPTER_NOTEBOOKS)
def test_no_output_shows_a_warning_or_a_numpy_scalar_repr(page):
    from selenium.webdriver.common.by import By

    driver = page[1]
    assert not driver.find_elements(By.CSS_SELECTOR, ".output.stderr")
    outputs = driver.execute_script("""
        return Array.from(document.querySelectorAll('.cell_output, .highlight-text'))
                    .map(e => e.textContent);""")
    found = [m.group(0) for text in outputs for m in NOT_FOR_READERS.finditer(text)]
    assert found == []


@pages(CHAPTER_NOTEBOOKS)
def test_exercise_answers_stay_hidden_until_their_dropdown_is_opened(page):
    from selenium.webdriver.common.by import By

    driver = page[1]
    sections = driver.find_elements(By.CSS_SELECTOR, "section#exercises")
    assert len(sections) == 1, "every chapter page ends in one Exercises section"
    section = sections[0]
    # closed: the questions and the dropdown titles, but no code, output, figure or answer
    shown = [e.text[:80] or e.tag_name for e in section.find_elements(
        By.CSS_SELECTOR, ".cell, .cell_input, .cell_output, pre, img, .sd-summary-content")
        if e.is_displayed()]
    assert shown == []
    solutions = section.find_elements(By.CSS_SELECTOR, "details.sd-dropdown")
    assert solutions, "an Exercises section without solutions"
    for box in solutions:
        assert box.get_attribute("open") is None
        box.find_element(By.CSS_SELECTOR, "summary").click()
        # open: the solution shows the code and the output of the check that ran at the build
        outputs = box.find_elements(By.CSS_SELECTOR, ".sd-summary-content .highlight-text pre")
        codes = box.find_elements(By.CSS_SELECTOR, ".sd-summary-content .highlight-python pre")
        title = box.find_element(By.CSS_SELECTOR, "summary").text
        assert codes and all(c.is_displayed() for c in codes), f"{title} shows no checked code"
        assert outputs and all(o.is_displayed() and o.text.strip() for o in outputs), \
            f"{title} shows no output of its check"


def test_the_output_check_catches_warnings_and_numpy_reprs():
    caught = ["UserWarning: Using padding='same'", "{'3x3': np.int64(5)}", "np.float64(0.5)",
              "RuntimeWarning: overflow"]
    passed = ["largest difference 3.6e-15 over 100 cases", "{'3x3': 5}", "warnings.catch_warnings"]
    assert all(NOT_FOR_READERS.search(t) for t in caught)
    assert not any(NOT_FOR_READERS.search(t) for t in passed)


def test_every_chapter_page_is_in_the_site():
    built = {p.relative_to(SITE).as_posix() for p in (SITE / "book").rglob("*.html")}
    assert {html for _, html in PAGES if html.startswith("book/ch")} <= built

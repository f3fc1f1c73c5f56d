"""Save a screenshot of chapter 1's first page to docs/site.png, for the README.

Run from the repository root after building the book:
    .venv/bin/python docs/screenshot.py [page.html] [output.png]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from site_browser import ROOT, SITE, chromium, serve, wait_for_mathjax  # noqa: E402

PAGE = "book/ch01_correlation/correlation.html"
ANCHOR = "the-formula"          # the section with the formula and its figure


def main(page=PAGE, out=ROOT / "docs" / "site.png"):
    if not (SITE / page).exists():
        sys.exit(f"{SITE / page} is missing: build the book first (make book)")
    with serve() as url, chromium(width=1280, height=1500) as driver:
        driver.get(f"{url}/{page}")
        if not wait_for_mathjax(driver):
            sys.exit("MathJax did not typeset the page")
        driver.execute_script("document.fonts && document.fonts.ready")
        driver.execute_script(f"document.getElementById('{ANCHOR}').scrollIntoView()")
        driver.save_screenshot(str(out))
    print(f"saved {out}")


if __name__ == "__main__":
    main(*sys.argv[1:3])

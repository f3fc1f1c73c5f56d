"""Build and check one chapter alone: `make chapter CH=ch03_transposed`.

For whoever writes a chapter while others write theirs in the same clone: everything goes to
_build/chapters/<CH>/ (its own notebook cache, executed pages and site), so two chapters built
at once share nothing, and the machine runs one chapter's pages, not the book's.

1. nbval runs the chapter's pages (in parallel, as `make book` does) and keeps their outputs;
2. Jupyter Book builds a site of the introduction and this chapter from them (the chapter's
   part of _toc.yml, or its folder's pages in name order while it has no part yet);
3. every warning the build gives about this chapter's files fails it, except a reference to a
   page of another chapter (only the whole book's build, `make book`, can check those);
4. tests/test_site.py checks the chapter's pages in the browser.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OTHER_CHAPTER = re.compile(r"unknown document|undefined label|reference target not found")


def chapter_part(chapter):
    """The chapter's part of _toc.yml, or one made from its folder."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    for part in toc["parts"]:
        if part["chapters"][0]["file"].startswith(f"book/{chapter}/"):
            return part
    folder = ROOT / "book" / chapter
    pages = [f"book/{chapter}/{p.stem}" for p in sorted(folder.glob("*.ipynb"))]
    index = f"book/{chapter}/index" if (folder / "index.md").exists() else pages.pop(0)
    return {"caption": chapter, "numbered": True,
            "chapters": [{"file": index, "sections": [{"file": p} for p in pages]}]}


def main(chapter):
    if not (ROOT / "book" / chapter).is_dir():
        sys.exit(f"CH={chapter!r}: no folder book/{chapter}/")
    out = ROOT / "_build" / "chapters" / chapter
    out.mkdir(parents=True, exist_ok=True)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    toc["parts"] = [chapter_part(chapter)]
    (out / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["cache"] = str(out / ".jupyter_cache")
    (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    (out / "tmp").mkdir(exist_ok=True)                 # pytest's temporary folders, its own too
    env = dict(os.environ, CONVZOO_BUILD=str(out), CONVZOO_CHAPTER=chapter,
               CONVZOO_SITE=str(out / "_build" / "html"), PYTEST_DEBUG_TEMPROOT=str(out / "tmp"))

    nbval = [BIN / "python", "-m", "pytest", "--nbval-lax", "--nbval-current-env",
             "--nbval-kernel-startup-timeout", "300", "-p", "no:cacheprovider", "-q",
             f"book/{chapter}"]
    # as `make book`: in parallel, then the pages that need the machine alone, one at a time
    subprocess.run(nbval + ["-n", "auto", "--dist", "loadfile"], cwd=ROOT,
                   env=dict(env, CONVZOO_PAGES="shared"), check=True)
    alone = subprocess.run(nbval + ["-n", "0"], cwd=ROOT, env=dict(env, CONVZOO_PAGES="alone"))
    if alone.returncode not in (0, 5):                 # 5: this chapter has no such page
        sys.exit(alone.returncode)
    build = subprocess.run([BIN / "jupyter-book", "build", ".", "--all", "-n", "--keep-going",
                            "--config", out / "_config.yml", "--toc", out / "_toc.yml",
                            "--path-output", out], cwd=ROOT, env=env, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    print(build.stdout[-3000:])
    mine = [line for line in build.stdout.splitlines()
            if f"book/{chapter}/" in line and re.search(r"WARNING|ERROR", line)
            and not OTHER_CHAPTER.search(line)]
    if build.returncode or mine:
        sys.exit("the build of this chapter warned:\n" + "\n".join(mine or ["(see above)"]))
    subprocess.run([BIN / "python", "-m", "pytest", "-p", "no:cacheprovider", "-q",
                    "tests/test_site.py"], cwd=ROOT, env=env, check=True)
    print(f"{chapter}: pages ran, built and passed the site tests: "
          f"{out / '_build' / 'html' / 'book' / chapter}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else sys.exit("usage: chapter.py chNN_topic"))

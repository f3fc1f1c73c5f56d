"""`python -m autograder leaks PATH...`: does any hidden test or solution reach students?

Every line of every hidden test (between BEGIN/END HIDDEN TESTS) and every solution line
(between BEGIN/END SOLUTION) in the source notebooks that is non-trivial (at least 12
non-space characters) and not also visible in the release is looked for in the given files
and folders, whitespace ignored. One hidden-test line is a leak; a solution leaks when at
least half of its lines appear in one file (a single generic line such as
`if bias is not None:` is in any convolution code). Files are read as a reader sees them:
.ipynb and .json by their strings, .html with tags stripped and entities unescaped (syntax
highlighting splits a line into many tags), .txt, .js, .csv, .py and .md as text. The
nbgrader markers themselves count as a leak too. Exit 1 if anything is found.
"""
import html
import json
import re
import sys
from pathlib import Path

from autograder.course import MARKERS, load_course, secret_lines, squeeze

EXTENSIONS = {".ipynb", ".json", ".html", ".htm", ".txt", ".js", ".csv", ".py", ".md"}
SKIP_DIRS = {".git", ".venv", "node_modules", "__pycache__", ".ipynb_checkpoints"}
MAX_BYTES = 50 * 2**20


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)


def readable_text(path):
    """What a reader of the file sees, as one string."""
    raw = Path(path).read_bytes()[:MAX_BYTES].decode("utf-8", errors="replace")
    suffix = Path(path).suffix.lower()
    if suffix in (".ipynb", ".json"):
        try:
            data = json.loads(raw)
        except ValueError:
            return raw
        parts = []
        for s in _strings(data):
            parts.append(s)
            if "<" in s and ">" in s:                    # HTML outputs inside a notebook
                parts.append(html.unescape(re.sub(r"<[^>]*>", "", s)))
        return "\n".join(parts)
    if suffix in (".html", ".htm"):
        return raw + "\n" + html.unescape(re.sub(r"<[^>]*>", "", raw))
    return raw


def files_under(paths):
    for p in paths:
        p = Path(p)
        if p.is_file():
            yield p
        elif p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in EXTENSIONS and \
                        not SKIP_DIRS.intersection(f.relative_to(p).parts):
                    yield f


def find_leaks(paths, secrets):
    """[(file, kind, where, line)] for every marker, hidden-test line and solution found."""
    markers = {squeeze(m): m for m in MARKERS}
    found = []
    for f in files_under(paths):
        text = squeeze(readable_text(f))
        found += [(str(f), "nbgrader marker", "-", m) for key, m in markers.items() if key in text]
        found += [(str(f), "hidden test", where, line) for where, line in secrets.hidden_in(text)]
        found += [(str(f), "solution", where, f"{len(hits)} lines, e.g. {hits[0]}")
                  for where, hits in secrets.solutions_in(text)]
    return found


def run(args):
    missing = [p for p in args.paths if not Path(p).exists()]
    for p in missing:
        print(f"autograder leaks: {p} does not exist (skipped)", file=sys.stderr)
    course = load_course(args.source)
    if not course:
        sys.exit(f"autograder leaks: no assignment notebooks in {args.source}")
    secrets = secret_lines(course, args.release)
    paths = [p for p in args.paths if p not in missing]
    n_files = sum(1 for _ in files_under(paths))
    leaks = find_leaks(paths, secrets)
    for f, kind, where, line in leaks:
        print(f"{f}: {kind} from {where}: {line}")
    if leaks:
        print(f"{len(leaks)} leak(s) in {n_files} files", file=sys.stderr)
        return 1
    n_lines = len(secrets.hidden) + sum(map(len, secrets.solutions.values()))
    print(f"no hidden-test or solution line ({n_lines} checked) in {n_files} files "
          f"under {', '.join(map(str, paths)) or '(nothing)'}")
    return 0

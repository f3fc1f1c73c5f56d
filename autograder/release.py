"""`python -m autograder release [--check]`: the student notebooks, made by nbgrader.

nbgrader reads nbgrader_config.py only from the folder it runs in, and writes a gradebook
there; so it runs in a temporary copy of the course (the config and the source folder)
and only the generated release is copied back into notebooks/. Its output is a pure
function of the source notebooks (cell ids come from the source, checksums are md5 of
source and metadata, outputs are cleared): running it twice gives identical bytes, so
nothing is normalised afterwards. `--check` regenerates into a temporary folder and fails
if notebooks/ differs from it.
"""
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

IGNORED = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")


def _assignments(source):
    return sorted(p.name for p in source.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.ipynb")))


def generate(course_root, source_name, release_name, into):
    """Run nbgrader generate_assignment for every assignment; return {assignment: folder}."""
    source = course_root / source_name
    assignments = _assignments(source)
    stray = [str(p.relative_to(course_root)) for a in assignments
             for p in (source / a).rglob("*")
             if p.is_file() and p.suffix != ".ipynb" and ".ipynb_checkpoints" not in p.parts]
    if stray:
        print("autograder release: these files are released with the notebooks (nbgrader "
              "copies every file of solutions/<assignment>/): " + ", ".join(stray),
              file=sys.stderr)
    course = Path(into) / "course"
    course.mkdir(parents=True)
    shutil.copy2(course_root / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(source, course / source_name, ignore=IGNORED)
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    # one nbgrader process for every assignment (_generate_here, below): its start-up, some
    # 6 s, was paid once per assignment when each ran as `nbgrader generate_assignment`
    proc = subprocess.run([sys.executable, __file__, *assignments], cwd=course, env=env,
                          capture_output=True, text=True)
    missing = [a for a in assignments if not (course / release_name / a).is_dir()]
    if proc.returncode != 0 or missing:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"autograder release: nbgrader generate_assignment failed for "
                         f"{', '.join(missing) or 'an assignment'}")
    return {a: course / release_name / a for a in assignments}


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*")
                  if p.is_file() and ".ipynb_checkpoints" not in p.parts)


def _notebook_difference(a, b):
    """Which cells of two notebooks differ, by cell id, in a few words."""
    try:
        na, nb = json.loads(Path(a).read_text()), json.loads(Path(b).read_text())
    except ValueError:
        return "not valid JSON"
    ca = {c.get("id", str(i)): c for i, c in enumerate(na.get("cells", []))}
    cb = {c.get("id", str(i)): c for i, c in enumerate(nb.get("cells", []))}
    changed = [k for k in cb if k in ca and ca[k] != cb[k]]
    notes = []
    if changed:
        notes.append("cells changed: " + ", ".join(changed))
    if set(ca) - set(cb):
        notes.append("cells only in notebooks/: " + ", ".join(sorted(set(ca) - set(cb))))
    if set(cb) - set(ca):
        notes.append("cells missing from notebooks/: " + ", ".join(sorted(set(cb) - set(ca))))
    if not notes and [*ca] != [*cb]:
        notes.append("cells in another order")
    if not notes:
        notes.append("metadata or formatting differs")
    return "; ".join(notes)


def check(course_root, release_name, generated):
    """Differences between notebooks/ and a fresh release, as readable lines."""
    release = course_root / release_name
    problems = []
    for assignment, fresh in generated.items():
        current = release / assignment
        want, have = _files(fresh), _files(current) if current.is_dir() else []
        for name in sorted(set(want) - set(have)):
            problems.append(f"{release_name}/{assignment}/{name}: missing")
        for name in sorted(set(have) - set(want)):
            problems.append(f"{release_name}/{assignment}/{name}: not in the release")
        for name in sorted(set(want) & set(have)):
            if not filecmp.cmp(fresh / name, current / name, shallow=False):
                detail = _notebook_difference(current / name, fresh / name) \
                    if name.endswith(".ipynb") else "content differs"
                problems.append(f"{release_name}/{assignment}/{name}: differs ({detail})")
    if release.is_dir():
        for folder in sorted(p.name for p in release.iterdir() if p.is_dir()):
            if folder not in generated and not folder.startswith("."):
                problems.append(f"{release_name}/{folder}/: no such assignment in the source")
    return problems


def run(args):
    course_root = Path(args.course).resolve()
    with tempfile.TemporaryDirectory(prefix="autograder-release-") as tmp:
        generated = generate(course_root, args.source, args.release, tmp)
        if args.check:
            problems = check(course_root, args.release, generated)
            if problems:
                print(f"{args.release}/ is not what `python -m autograder release` makes "
                      f"from {args.source}/ now:", file=sys.stderr)
                for line in problems:
                    print("  " + line, file=sys.stderr)
                print("run `python -m autograder release` and commit the result",
                      file=sys.stderr)
                return 1
            print(f"{args.release}/ matches a fresh release of {args.source}/ "
                  f"({', '.join(generated)})")
            return 0
        release = course_root / args.release
        release.mkdir(exist_ok=True)
        for folder in sorted(p for p in release.iterdir() if p.is_dir()):
            if folder.name not in generated and not folder.name.startswith("."):
                shutil.rmtree(folder)
                print(f"removed {args.release}/{folder.name}/: no such assignment in the source")
        for assignment, fresh in generated.items():
            shutil.rmtree(release / assignment, ignore_errors=True)
            shutil.copytree(fresh, release / assignment)
            print(f"wrote {args.release}/{assignment}/: " + ", ".join(_files(fresh)))
    return 0


def _generate_here(assignments):
    """In the course copy (the current folder): what `nbgrader generate_assignment A --force`
    does, through nbgrader's Python API, with this folder's nbgrader_config.py."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    api = NbGraderAPI(config=PyFileConfigLoader("nbgrader_config.py", path=".").load_config())
    for assignment in assignments:
        result = api.generate_assignment(assignment, force=True)
        if not result["success"]:
            sys.exit(f"{result.get('log', '')}\n{result.get('error', '')}\n"
                     f"nbgrader generate_assignment {assignment} failed")


if __name__ == "__main__":
    _generate_here(sys.argv[1:])

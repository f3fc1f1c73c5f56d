"""python -m autograder {release,grade,leaks} ... (see autograder/README.md)."""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser(
        "release", help="generate notebooks/ from solutions/ with nbgrader")
    release.add_argument("--check", action="store_true",
                         help="exit 1 if notebooks/ differs from a fresh release")
    release.add_argument("--course", default=".", help="the course folder (default: .)")
    release.add_argument("--source", default="solutions")
    release.add_argument("--release", default="notebooks")

    grade = commands.add_parser("grade", help="grade SUBMITTED/<student>/<assignment>/*.ipynb")
    grade.add_argument("submitted")
    grade.add_argument("--out", required=True, help="where grades.csv and feedback/ go")
    grade.add_argument("--timeout", type=float, default=300.0,
                       help="seconds per submitted notebook (default 300)")
    grade.add_argument("--cell-timeout", type=float, default=60.0,
                       help="seconds per cell of a notebook (default 60); a cell that takes "
                            "longer, or crashes, is left out and the notebook run again")
    grade.add_argument("--call-timeout", type=float, default=10.0,
                       help="seconds per call of a student's function (default 10)")
    grade.add_argument("--jobs", type=int, default=None,
                       help="parallel workers (default: the number of CPUs)")
    grade.add_argument("--seed", default=None,
                       help="the secret mixed with each student id into the hidden tests' "
                            "seed (default: drawn once and kept in OUT/grading-seed.txt)")
    grade.add_argument("--source", default="solutions")
    grade.add_argument("--release", default="notebooks")
    grade.add_argument("--memory", type=int, default=4096,
                       help="memory of a sandbox in MB (default 4096)")
    grade.add_argument("--processes", type=int, default=64,
                       help="processes and threads of a sandbox (default 64)")
    grade.add_argument("--scratch", type=int, default=256,
                       help="size of a sandbox's writable folder in MB (default 256)")
    grade.add_argument("--unsafe-no-sandbox", action="store_true",
                       help="grade without bubblewrap: no OS boundary, every row says so")

    leaks = commands.add_parser("leaks", help="look for hidden tests or solutions in files")
    leaks.add_argument("paths", nargs="+")
    leaks.add_argument("--source", default="solutions")
    leaks.add_argument("--release", default="notebooks")

    args = parser.parse_args(argv)
    if args.command == "release":
        from autograder import release as command
    elif args.command == "grade":
        from autograder import grade as command
    else:
        from autograder import leaks as command
    return command.run(args)


if __name__ == "__main__":
    sys.exit(main())

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
    grade.add_argument("--jobs", type=int, default=None,
                       help="parallel workers (default: the number of CPUs)")
    grade.add_argument("--seed", default="0",
                       help="mixed with each student id into the hidden tests' seed")
    grade.add_argument("--source", default="solutions")
    grade.add_argument("--release", default="notebooks")
    grade.add_argument("--memory", type=int, default=4096,
                       help="address-space limit of a sandbox in MB (default 4096)")

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

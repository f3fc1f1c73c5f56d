"""The course's grader: release the assignments, grade submissions, check for leaks.

It stands apart from convzoo and never imports it: a student's notebook and its grader
must not depend on the library the book teaches. See autograder/README.md.
"""

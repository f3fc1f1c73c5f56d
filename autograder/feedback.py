"""Feedback for a student: only what the grader writes.

Per test: its grade_id, points, pass or fail, the assertion message of the source's own
test or the exception type the student's function raised with a short message, and the
call that was running (the shapes of the arguments, not their values). Per cell that
raised: its label and the exception type with a short message. Never a test's source,
never a traceback, never what the notebook printed (that goes to the instructor's log).
"""
import html

from autograder.course import squeeze
from autograder.isolation import FORBIDDEN
from autograder.judge import STUDENT_MESSAGE_CHARS as MAX_STUDENT_CHARS

MAX_GRADER_CHARS = 300         # of a message the source's tests wrote

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; }}
.pass {{ color: #17672a; }} .fail {{ color: #a4161a; }}
code {{ white-space: pre-wrap; }}
</style></head>
<body>
<h1>{title}</h1>
<p><strong>Score: {score} / {max_score}</strong><br>Status: {status}</p>
{body}
<p><small>The grader ran your notebook's code in a sandbox and called your functions from
the tests, including hidden tests on random shapes that are not shown here. Graded code
has NumPy and matplotlib; PyTorch, SciPy and convzoo are not installed there.</small></p>
</body>
</html>
"""


def number(x):
    return f"{x:g}"


def _cap(text, limit):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def redact(message, secrets):
    """The message, unless it quotes a hidden-test or solution line."""
    if secrets.hidden_in(squeeze(message)):
        return "[message withheld: it quotes the grader's tests]"
    return message


def explain(error, secrets):
    """One line for a failed test, from the parts the grader wrote."""
    kind = error.get("type", "Error")
    if error.get("raised_by"):
        message = _cap(error.get("message", ""), MAX_STUDENT_CHARS)
        text = f"your {error['raised_by']} raised {kind}: {message}"
    elif kind == "CallFailed":
        text = _cap(error.get("message", ""), MAX_GRADER_CHARS)
    else:
        text = f"{kind}: {_cap(error.get('message', ''), MAX_GRADER_CHARS)}"
    if any(f"No module named '{m}" in text for m in FORBIDDEN):
        text += " (graded code may use NumPy and matplotlib; PyTorch, SciPy and convzoo are not installed there)"
    text = redact(text, secrets)
    if error.get("call"):
        text += f" [while calling {error['call']}]"
    return text


def render(result, secrets):
    e = html.escape
    parts = []
    tests = result.get("tests") or []
    if tests:
        rows = []
        for t in tests:
            outcome = "passed" if t["passed"] else "failed"
            detail = f"<code>{e(explain(t['error'], secrets))}</code>" if t.get("error") else ""
            rows.append(f"<tr><td><code>{e(t['grade_id'])}</code></td>"
                        f"<td>{number(t['earned'])} / {number(t['points'])}</td>"
                        f"<td class=\"{'pass' if t['passed'] else 'fail'}\">{outcome}</td>"
                        f"<td>{detail}</td></tr>")
        parts.append("<h2>Tests</h2>\n<table><tr><th>test</th><th>points</th><th>result</th>"
                     "<th>what happened</th></tr>\n" + "\n".join(rows) + "\n</table>")
    errors = [c for c in result.get("cell_errors") or [] if not c.get("read_only")]
    if errors:
        items = "\n".join(
            f"<li><code>{e(_cap(c['label'], 80))}</code>: <code>{e(_cap(c['type'], 60))}: "
            f"{e(redact(_cap(c['message'], MAX_STUDENT_CHARS), secrets))}</code></li>"
            for c in errors)
        parts.append("<h2>Cells that raised an error when your notebook was run</h2>\n"
                     f"<ul>\n{items}\n</ul>")
    title = f"{result['assignment']}/{result['notebook']}: feedback for {result['student']}"
    return PAGE.format(title=e(title), score=number(result["score"]),
                       max_score=number(result["max_score"]),
                       status=e(_cap(result["status"].split("; flagged")[0], 400)),
                       body="\n".join(parts))

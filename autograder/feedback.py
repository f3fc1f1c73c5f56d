"""Feedback for a student: per test its grade_id, points, pass or fail and the exception's
type and message, never a test's source or a traceback (which quotes source lines)."""
import html

from autograder.course import squeeze

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
<p><small>The grader ran your notebook's code in a separate process and called your
functions from the tests, including hidden tests on random shapes that are not shown here.
PyTorch and SciPy are blocked inside graded code.</small></p>
</body>
</html>
"""


def number(x):
    return f"{x:g}"


def redact(message, secrets):
    """The message, unless it quotes a hidden-test or solution line."""
    if secrets.hidden_in(squeeze(message)):
        return "[message withheld: it quotes the grader's tests]"
    return message


def render(result, secrets):
    e = html.escape
    parts = []
    tests = result.get("tests") or []
    if tests:
        rows = []
        for t in tests:
            outcome = "passed" if t["passed"] else "failed"
            detail = ""
            if t.get("error"):
                err = t["error"]
                origin = f" (raised by your {err['raised_by']})" if err.get("raised_by") else ""
                detail = f"<code>{e(err['type'])}{e(origin)}: {e(redact(err['message'], secrets))}</code>"
            rows.append(f"<tr><td><code>{e(t['grade_id'])}</code></td>"
                        f"<td>{number(t['earned'])} / {number(t['points'])}</td>"
                        f"<td class=\"{'pass' if t['passed'] else 'fail'}\">{outcome}</td>"
                        f"<td>{detail}</td></tr>")
        parts.append("<h2>Tests</h2>\n<table><tr><th>test</th><th>points</th><th>result</th>"
                     "<th>error</th></tr>\n" + "\n".join(rows) + "\n</table>")
    errors = result.get("cell_errors") or []
    if errors:
        items = "\n".join(
            f"<li><code>{e(c['label'])}</code>: <code>{e(c['type'])}: "
            f"{e(redact(c['message'], secrets))}</code></li>" for c in errors)
        parts.append("<h2>Cells that raised an error when your notebook was run</h2>\n"
                     f"<ul>\n{items}\n</ul>")
    title = f"{result['assignment']}/{result['notebook']}: feedback for {result['student']}"
    return PAGE.format(title=e(title), score=number(result["score"]),
                       max_score=number(result["max_score"]),
                       status=e(result["status"].split("; flagged")[0]),
                       body="\n".join(parts))

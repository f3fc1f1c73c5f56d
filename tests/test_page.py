"""convzoo.page, the bookkeeping every book page shares: a check prints one line and fails
on the case that disagrees, keep glues plain Python numbers, torch_op turns a torch function
into a reference on arrays, the random cases are seeded and valid, and %%solution glues the
code and output of an exercise's solution."""
import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convzoo import page
from convzoo.convolution import conv2d, conv3d


def twice(x):
    return 2 * x


def test_check_prints_one_line_with_the_largest_difference_and_the_number_of_cases(capsys):
    cases = [dict(x=np.ones(3)), dict(x=np.full((2, 2), 0.5))]
    result = page.check("twice vs x + x", twice, lambda x: x + x + (x == 0.5) * 1e-14, cases)
    assert capsys.readouterr().out == "twice vs x + x: largest difference 1.0e-14 over 2 cases\n"
    assert result.cases == 2 and result.error == pytest.approx(1e-14)
    assert str(result) == result.line == "twice vs x + x: largest difference 1.0e-14 over 2 cases"


def test_check_fails_on_the_first_case_beyond_the_tolerance_and_names_it():
    cases = [(np.ones(3),), (np.ones((4, 5)),)]
    wrong = lambda x: 2 * x + (x.ndim == 2) * 1e-6      # noqa: E731  off in the second case
    with pytest.raises(AssertionError, match=r"twice: difference 1.00e-06 > 1e-12 for array \(4, 5\)"):
        page.check("twice", twice, wrong, cases)


def test_check_fails_on_a_shape_that_differs_and_names_both_shapes():
    with pytest.raises(AssertionError, match=r"shape \(3,\), reference \(1, 3\), for x array \(3,\)"):
        page.check("twice", twice, lambda x: twice(x)[None], [dict(x=np.ones(3))])


def test_check_fails_on_nan():
    with pytest.raises(AssertionError, match="difference nan"):
        page.check("nan", lambda x: x * np.nan, twice, [dict(x=np.ones(2))])


def test_check_compares_tuples_element_by_element_and_integers_exactly():
    page.check("pairs", lambda n: (n, 2 * n), lambda n: (n, n + n), [(3,), (4,)], tol=0)
    with pytest.raises(AssertionError, match="difference 1.00e"):
        page.check("pairs", lambda n: (n, 2 * n), lambda n: (n, 2 * n + 1), [(3,)], tol=0)


def test_relative_check_divides_by_the_largest_reference_value(capsys):
    result = page.check("scaled", lambda x: x * 1.001, lambda x: x, [(np.array([1000.0, 1.0]),)],
                        tol=1e-2, relative=True)
    assert result.error == pytest.approx(1e-3)
    assert "largest relative difference 1.0e-03" in capsys.readouterr().out


def test_check_of_two_things_meant_to_differ_fails_when_they_agree(capsys):
    page.check("x vs 2x", lambda x: x, twice, [(np.ones(2),)], tol=0.1, differ=True)
    assert capsys.readouterr().out.endswith("over 1 cases: they differ\n")
    with pytest.raises(AssertionError, match="expected to differ by more than 1e-01"):
        page.check("x vs x", lambda x: x, lambda x: x + 0.0, [(np.ones(2),)], tol=0.1, differ=True)


def test_check_without_cases_is_an_error():
    with pytest.raises(ValueError, match="cases"):
        page.check("nothing", twice, twice, [])


def test_keep_glues_numpy_scalars_as_python_numbers_and_returns_nothing(monkeypatch):
    glued = {}
    import myst_nb

    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: glued.update({name: (value, display)}))
    assert page.keep(err=np.float64(2.5e-15), n=np.int64(5), shape=(3, 4), zero_d=np.array(7)) is None
    assert glued == {"err": (2.5e-15, False), "n": (5, False), "shape": ((3, 4), False),
                     "zero_d": (7, False)}
    assert [type(glued[k][0]) for k in ("err", "n", "zero_d")] == [float, int, int]


def test_torch_op_takes_and_returns_arrays_on_one_thread_and_restores_the_thread_count(rng):
    threads = torch.get_num_threads()
    seen = []

    @page.torch_op
    def conv(x, k, stride=1):
        seen.append((type(x), torch.get_num_threads()))
        return F.conv2d(x, k, stride=stride), x.shape

    x, k = rng.standard_normal((1, 1, 5, 6)), rng.standard_normal((1, 1, 3, 2))
    y, shape = conv(x, k[:, :, ::-1, ::-1], stride=2)   # a flipped view has negative strides
    assert isinstance(y, np.ndarray) and y.dtype == np.float64 and shape == (1, 1, 5, 6)
    np.testing.assert_allclose(y, conv2d(x, k[:, :, ::-1, ::-1], stride=2), atol=1e-12)
    assert seen == [(torch.Tensor, 1)] and torch.get_num_threads() == threads


def test_torch_op_restores_the_thread_count_when_torch_raises():
    threads = torch.get_num_threads()
    with pytest.raises(RuntimeError):
        page.torch_op(F.conv2d)(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)))
    assert torch.get_num_threads() == threads


@pytest.mark.parametrize("dims, conv", [(2, conv2d), (3, conv3d)])
def test_conv_cases_are_seeded_valid_arguments_including_the_edges(dims, conv):
    kw = dict(dims=dims, kernel=3, extra=2, stride=2, padding=1, dilation=2, groups=2)
    cases, again = page.conv_cases(7, 60, **kw), page.conv_cases(7, 60, **kw)
    for a, b in zip(cases, again):
        assert all(np.array_equal(a[k], b[k]) if isinstance(a[k], np.ndarray) else a[k] == b[k]
                   for k in a)
    for case in cases:
        assert case["x"].ndim == dims + 2 and case["weight"].shape[2:] == tuple(
            w for w in case["weight"].shape[2:])
        conv(**case)                                         # every case is a valid call
    sizes = [c["x"].shape[2:] for c in cases]
    assert any(all(n == d * (k - 1) + 1 for n, k, d in zip(c["x"].shape[2:], c["weight"].shape[2:],
                                                          c["dilation"])) for c in cases)
    assert {c["groups"] for c in cases} == {1, 2} and min(map(min, sizes)) == 1


def test_corr2d_cases_have_kernels_no_larger_than_the_input_and_reach_equal_size():
    cases = page.corr2d_cases(3, 200, kernel=3, extra=2)
    assert all(c["k"].shape[0] <= c["x"].shape[0] and c["k"].shape[1] <= c["x"].shape[1]
               for c in cases)
    assert any(c["k"].shape == c["x"].shape for c in cases)
    assert any(c["k"].shape == (1, 1) for c in cases)


@pytest.fixture
def shell(monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell
    import myst_nb

    glued = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: glued.update({name: value}))
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "convzoo.page")
    yield ip, glued
    InteractiveShell.clear_instance()


def test_solution_magic_runs_the_cell_and_glues_its_code_and_output(shell, capsys):
    ip, glued = shell
    result = ip.run_cell("%%solution answer\nvalue = 6 * 7\nprint('the answer is', value)")
    assert result.success and ip.user_ns["value"] == 42
    assert "the answer is 42" in capsys.readouterr().out       # shown to whoever runs it
    markdown = glued["answer"].data
    assert markdown == ("```python\nvalue = 6 * 7\nprint('the answer is', value)\n```\n\n"
                        "```text\nthe answer is 42\n```\n")


def test_solution_magic_fails_the_cell_on_an_error_or_a_warning(shell):
    ip, glued = shell
    failed = ip.run_cell("%%solution broken\nassert 1 == 2, 'wrong answer'")
    assert not failed.success and isinstance(failed.error_in_exec, AssertionError)
    # in a kernel a warning is written to stderr (pytest would catch one before it got there)
    warned = ip.run_cell("%%solution noisy\nimport sys\nprint('UserWarning: careful', file=sys.stderr)")
    assert not warned.success and "careful" in str(warned.error_in_exec)
    assert not ip.run_cell("%%solution not a key\nx = 1").success
    assert glued == {}


def test_a_check_on_the_last_line_of_a_cell_shows_its_line_once(shell, capsys):
    ip, _ = shell
    result = page.check("abs vs abs", abs, abs, [(-1,), (2,)])
    assert capsys.readouterr().out == "abs vs abs: largest difference 0.0e+00 over 2 cases\n"
    data, _ = ip.display_formatter.format(result)        # what a kernel would publish
    assert data == {}


def test_best_time_is_the_fastest_of_the_runs_in_the_timers_units():
    ticks = iter([0, 5, 10, 12, 20, 29])                       # runs of 5, 2 and 9 ticks
    calls = []
    assert page.best_time(lambda: calls.append(1), 3, timer=lambda: next(ticks)) == 2
    assert len(calls) == 3


@pytest.mark.parametrize("repeats", [0, 2.0, None])
def test_best_time_refuses_a_repeat_count_that_is_not_a_positive_int(repeats):
    with pytest.raises(ValueError, match="^repeats must be an int >= 1"):
        page.best_time(lambda: None, repeats)


def test_bench_run_prefers_your_own_run_in_the_current_format_to_the_reference(tmp_path):
    (tmp_path / "reference.json").write_text('{"rounds": 3, "who": "reference"}')
    assert page.bench_run(tmp_path)[1]["who"] == "reference"
    (tmp_path / "results.json").write_text('{"who": "an older bench, without rounds"}')
    assert page.bench_run(tmp_path)[1]["who"] == "reference"
    (tmp_path / "results.json").write_text('{"rounds": 1, "who": "yours"}')
    path, run = page.bench_run(tmp_path)
    assert (path.name, run["who"]) == ("results.json", "yours")


def test_bench_run_names_the_folder_when_there_is_no_run(tmp_path):
    with pytest.raises(ValueError, match="folder .* has neither a results.json"):
        page.bench_run(tmp_path)


def test_the_course_ships_a_reference_bench_run_with_the_rows_chapter_9_reads():
    reference = json.loads((page.BENCH / "reference.json").read_text())
    rows = {(r["operator"], r["method"]) for r in reference["rows"]}
    assert {("conv2d 8x64x56x56, 64 3x3, pad 1", "convzoo"),
            ("conv2d 8x64x56x56, 64 3x3, pad 1", "its GEMM alone"),
            ("conv2d depthwise 8x64x56x56, groups 64", "convzoo")} <= rows
    assert sum("goal" in r for r in reference["rows"]) == 7
    assert all(len(r["rounds_ms"]) == reference["rounds"] for r in reference["rows"])

"""The grader's parts on their own: the wire format, exceptions, seeds, flags, the course."""
import base64
import io
import json
from pathlib import Path

import numpy as np
import pytest

from autograder import grade, isolation, judge, limits, protocol, static
from autograder.course import load_course

ROOT = Path(__file__).resolve().parents[2]


def roundtrip(value):
    return protocol.decode(json.loads(protocol.dumps({"v": protocol.encode(value)}))["v"])


def test_tuples_lists_dicts_and_arrays_survive_the_wire():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    value = (x, [1, (2, 3)], {"stride": 2, "shape": (4, 5)}, None, True, 1.5, np.int64(7))
    back = roundtrip(value)
    assert isinstance(back, tuple) and isinstance(back[1], list) and isinstance(back[1][1], tuple)
    assert back[0].dtype == np.float32 and np.array_equal(back[0], x)
    assert back[2] == {"stride": 2, "shape": (4, 5)} and back[3:6] == (None, True, 1.5)
    assert back[6] == 7 and isinstance(back[6], np.int64)


def test_array_subclasses_come_back_as_plain_arrays():
    back = roundtrip(np.ma.masked_array([1.0, 2.0]))
    assert type(back) is np.ndarray


def test_object_arrays_are_refused_both_ways():
    with pytest.raises(TypeError):
        protocol.encode(np.array([object()], dtype=object))
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)   # a pickle inside
    forged = {"__t": "array", "v": base64.b64encode(buffer.getvalue()).decode()}
    with pytest.raises(protocol.ProtocolError):
        protocol.decode(forged)


@pytest.mark.parametrize("tree", [{"x": 1}, {"__t": "nope", "v": 1}, {"__t": "array", "v": 3},
                                  {"__t": "dict", "v": [[[1], 2]]}])
def test_malformed_messages_are_protocol_errors(tree):
    with pytest.raises(protocol.ProtocolError):
        protocol.decode(tree)


def test_student_exceptions_come_back_as_builtins_or_as_student_errors():
    assert type(judge.student_exception("ValueError", "bad k", "corr2d")) is ValueError
    assert type(judge.student_exception("ModuleNotFoundError", "torch", "f")) is ModuleNotFoundError
    assert isinstance(judge.student_exception("SystemExit", "bye", "f"), judge.StudentError)
    assert isinstance(judge.student_exception("KeyboardInterrupt", "", "f"), judge.StudentError)
    assert isinstance(judge.student_exception("MyError", "x", "f"), judge.StudentError)
    assert judge.student_exception("ValueError", "x", "conv2d").raised_by == "conv2d"


def test_grading_seed_is_stable_and_differs_between_students():
    assert judge.grading_seed("0", "alice") == judge.grading_seed("0", "alice")
    assert judge.grading_seed("0", "alice") != judge.grading_seed("0", "bob")
    assert judge.grading_seed("0", "alice") != judge.grading_seed("1", "alice")


def test_static_flags_name_what_reaches_around_the_grader():
    cell = ("import subprocess, ctypes\nimport sys\nsys.meta_path.pop(0)\n"
            "get_ipython().input_transformers_cleanup.append(f)\n!ls\nnp.allclose = max\n")
    assert {"subprocess", "ctypes", "sys.meta_path", "input transformer", "shell escape",
            "patches numpy"} <= set(static.flags([cell]))
    assert static.flags(["%timeit corr2d(x, k)\nimport numpy as np\ny = np.zeros(3)\n"]) == []


def test_the_sandbox_gets_numpy_matplotlib_ipython_and_nothing_forbidden():
    entries, sites = isolation.site_entries()
    names = {Path(e).name.split("-")[0].split(".")[0].lower() for e in entries}
    assert {"numpy", "matplotlib", "ipython", "traitlets"} <= names
    assert not names & set(isolation.FORBIDDEN) and not names & {"nbgrader", "jupyter_book"}
    assert all(Path(e).parent.as_posix() in sites for e in entries)


def test_the_sandbox_command_hides_site_folders_and_mounts_only_scratch_writable():
    command = isolation.bwrap_command("/tmp/submission", "/tmp/mpl")
    assert command[:3] == ["bwrap", "--unshare-all", "--unshare-user"] and command[-1] == "--"
    assert "--disable-userns" in command and "--die-with-parent" in command
    tmpfs = {command[i + 1] for i, a in enumerate(command) if a == "--tmpfs"}
    read_only = {command[i + 1] for i, a in enumerate(command) if a == "--remount-ro"}
    assert tmpfs - read_only == {isolation.HOME, "/tmp"}           # the only writable folders
    assert tmpfs & read_only <= set(isolation.hidden_site_folders())
    binds = [command[i + 1] for i, a in enumerate(command) if a in ("--bind", "--dev-bind")]
    assert set(binds) <= set(isolation.DEVICES)                   # nothing else read-write
    last_root = max(i for i, a in enumerate(command[:-1]) if command[i:i + 2] == ["--remount-ro", "/"])
    assert last_root > max(i for i, a in enumerate(command) if a.endswith("bind"))


def test_describe_call_shows_shapes_not_values():
    x = np.arange(12.0).reshape(3, 4)
    text = judge.describe_call("conv2d", (x, None), {"stride": 2, "padding": (1, 0)})
    assert text == "conv2d(array(3, 4) float64, None, stride=2, padding=(1, 0))"
    assert "11.0" not in judge.describe_call("f", ([x] * 9,), {})


def test_a_cgroup_limits_memory_and_processes_where_one_can_be_made():
    group = limits.Cgroup.create(memory_mb=123, processes=7)
    if group is None:
        pytest.skip("no writable cgroup on this machine")
    try:
        values = {f.name: f.read_text().strip() for folder in group.folders
                  for f in folder.iterdir() if f.name in ("memory.max", "memory.limit_in_bytes",
                                                          "pids.max")}
        assert values.get("pids.max") == "7"
        assert str(123 * 2**20) in values.values()
        assert group.pids() == set()
    finally:
        group.remove()
    assert not any(folder.exists() for folder in group.folders)


def test_the_launcher_sets_limits_the_child_cannot_raise(tmp_path):
    import subprocess
    import sys
    probe = ("import resource; print(resource.getrlimit(resource.RLIMIT_AS), "
             "resource.getrlimit(resource.RLIMIT_FSIZE)); "
             "resource.setrlimit(resource.RLIMIT_AS, (2**40, 2**40))")
    command = limits.launch_command(None, limits.rlimits(memory_mb=512, cpu_seconds=10,
                                                         file_mb=2))
    done = subprocess.run(command + ["bwrap", "--unshare-all", "--unshare-user", "--ro-bind",
                                     "/", "/", "--", sys.executable, "-c", probe],
                          capture_output=True, text=True)
    assert f"({512 * 2**20}, {512 * 2**20}) ({2 * 2**20}, {2 * 2**20})" in done.stdout, done
    assert done.returncode != 0 and "ValueError" in done.stderr        # may not raise it


def test_fingerprint_sees_a_changed_byte_and_skips_what_it_is_told(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f.txt").write_text("one")
    (tmp_path / "out").mkdir()
    before = grade.fingerprint(tmp_path, skip={tmp_path / "out"}, contents=True)
    (tmp_path / "out" / "grades.csv").write_text("x")
    assert grade.changes(before, grade.fingerprint(tmp_path, {tmp_path / "out"}, True)) == []
    (tmp_path / "a" / "f.txt").write_text("two")
    assert grade.changes(before, grade.fingerprint(tmp_path, {tmp_path / "out"}, True)) == [
        str(tmp_path / "a" / "f.txt")]


def test_the_secret_seed_is_drawn_once_kept_private_and_overridable(tmp_path):
    first = grade.secret_seed(tmp_path, None)
    assert grade.secret_seed(tmp_path, None) == first and len(first) == 32
    assert oct((tmp_path / grade.SEED_FILE).stat().st_mode & 0o777) == "0o600"
    assert grade.secret_seed(tmp_path, "given") == "given"
    assert grade.secret_seed(tmp_path, None) == first
    (tmp_path / "other").mkdir()
    assert grade.secret_seed(tmp_path / "other", None) != first


def test_the_course_knows_tests_points_setup_and_function_names():
    (nb,) = load_course(ROOT / "solutions")["assignment1"]
    assert nb.functions == ["corr2d", "convolve2d", "conv2d", "conv_output_size", "conv_params",
                            "conv_macs", "conv_flops", "conv_matrix", "corr2d_input_gradient"]
    assert [c.grade_id for c in nb.setup] == ["setup"]
    assert nb.max_score == 60 and len(nb.tests) == 17
    assert all("BEGIN HIDDEN TESTS" in t.source for t in nb.tests)


def test_a_course_under_tmp_stays_visible_in_the_sandbox():
    """The writable tmpfs come before every bind: one mounted later on /tmp would hide a
    venv that lies under /tmp (as a fresh clone in CI does)."""
    command = isolation.bwrap_command("/tmp/submission", "/tmp/mpl")
    tmpfs = [i for i, a in enumerate(command) if a == "--tmpfs" and command[i + 1] in
             (isolation.HOME, "/tmp")]
    first_bind = min(i for i, a in enumerate(command) if a.endswith("bind"))
    assert len(tmpfs) == 2 and max(tmpfs) < first_bind


def test_the_course_knows_assignment4s_functions_points_and_tests():
    (nb,) = load_course(ROOT / "solutions")["assignment4"]
    assert nb.functions == ["effective_kernel_size", "dilate_kernel", "dilated_conv2d",
                            "receptive_field", "coverage_map", "holes"]
    assert [c.grade_id for c in nb.setup] == ["setup"]
    assert nb.max_score == 40 and len(nb.tests) == 11
    assert all("BEGIN HIDDEN TESTS" in t.source for t in nb.tests)


def test_the_course_knows_assignment5s_functions_points_and_tests():
    (nb,) = load_course(ROOT / "solutions")["assignment5"]
    assert nb.functions == ["kernel_rank", "rank1_factors", "separable_filter", "depthwise_conv2d",
                            "depthwise_separable_conv2d", "depthwise_separable_params",
                            "depthwise_separable_macs", "cost_ratio"]
    assert [c.grade_id for c in nb.setup] == ["setup"]
    assert nb.max_score == 40 and len(nb.tests) == 11
    assert all("BEGIN HIDDEN TESTS" in t.source for t in nb.tests)


def test_the_course_knows_assignment2s_functions_points_and_tests():
    (nb,) = load_course(ROOT / "solutions")["assignment2"]
    assert nb.functions == ["conv_output_size", "conv_transpose_output_size", "receptive_field",
                            "jump_and_start", "pad2d"]
    assert [c.grade_id for c in nb.setup] == ["setup"]
    assert nb.max_score == 45 and len(nb.tests) == 18
    assert all("BEGIN HIDDEN TESTS" in t.source for t in nb.tests)


def test_the_course_knows_assignment3s_functions_points_and_tests():
    (nb,) = load_course(ROOT / "solutions")["assignment3"]
    assert nb.functions == ["conv_transpose2d", "insert_zeros", "conv_transpose2d_zero_insertion",
                            "overlap_map"]
    assert [c.grade_id for c in nb.setup] == ["setup"]
    assert nb.max_score == 47 and len(nb.tests) == 13
    assert all("BEGIN HIDDEN TESTS" in t.source for t in nb.tests)


def test_the_course_knows_assignment6s_functions_points_and_tests():
    (nb,) = load_course(ROOT / "solutions")["assignment6"]
    assert nb.functions == ["block_diagonal_weight", "channel_shuffle", "channel_unshuffle",
                            "shufflenet_unit"]
    assert [c.grade_id for c in nb.setup] == ["setup"]
    assert nb.max_score == 26 and len(nb.tests) == 7
    assert all("BEGIN HIDDEN TESTS" in t.source for t in nb.tests)


def test_the_course_knows_assignment7s_functions_points_and_tests():
    (nb,) = load_course(ROOT / "solutions")["assignment7"]
    assert nb.functions == ["bilinear", "deform_conv2d"]
    assert [c.grade_id for c in nb.setup] == ["setup"]
    assert nb.max_score == 45 and len(nb.tests) == 10
    assert all("BEGIN HIDDEN TESTS" in t.source for t in nb.tests)


def test_the_course_knows_assignment8s_functions_points_and_tests():
    (nb,) = load_course(ROOT / "solutions")["assignment8"]
    assert nb.functions == ["squeeze", "excitation", "squeeze_excitation", "se_params"]
    assert [c.grade_id for c in nb.setup] == ["setup"]
    assert nb.max_score == 25 and len(nb.tests) == 7
    assert all("BEGIN HIDDEN TESTS" in t.source for t in nb.tests)


def test_the_course_knows_assignment9s_functions_points_and_tests():
    (nb,) = load_course(ROOT / "solutions")["assignment9"]
    assert nb.functions == ["im2col", "conv2d_gemm", "winograd_f23_products", "winograd_f23"]
    assert [c.grade_id for c in nb.setup] == ["setup"]
    assert nb.max_score == 29 and len(nb.tests) == 9
    assert all("BEGIN HIDDEN TESTS" in t.source for t in nb.tests)


def test_a_solution_leaks_by_three_of_its_lines_and_at_least_half_not_by_two():
    from autograder.course import Secrets, squeeze

    lines = ["jump, start = 1, 0", "for k, s, d, p in layers:", "start -= p * jump",
             "return jump, start"]
    secrets = Secrets(hidden={}, solutions={"a2 cell": [(squeeze(l), l) for l in lines]})
    assert secrets.solutions_in(squeeze("\n".join(lines[:1] + lines[3:]))) == []
    assert [w for w, _ in secrets.solutions_in(squeeze("\n".join(lines[:3])))] == ["a2 cell"]
    long = [f"value_{i} = compute_{i}(x)" for i in range(10)]
    secrets = Secrets(hidden={}, solutions={"long": [(squeeze(l), l) for l in long]})
    assert secrets.solutions_in(squeeze("\n".join(long[:4]))) == []        # 4 of 10: under half
    assert secrets.solutions_in(squeeze("\n".join(long[:5])))              # 5 of 10: half


def test_a_hidden_line_is_no_secret_when_a_visible_line_contains_it(tmp_path):
    """A visible `expect(...);` shows the hidden `expect(...)`: that is not a leak; a hidden
    line that no visible line contains stays secret."""
    import nbformat

    from autograder.course import load_course, secret_lines, squeeze

    cell = nbformat.v4.new_code_cell(
        "expect_array(conv2d, dict(x=x, weight=w), torch_conv2d(x, w), bias=None);\n"
        "### BEGIN HIDDEN TESTS\n"
        "expect_array(conv2d, dict(x=x, weight=w), torch_conv2d(x, w), bias=None)\n"
        "expect_array(conv2d, dict(x=x2, weight=w2), torch_conv2d(x2, w2), bias=b2)\n"
        "### END HIDDEN TESTS\n",
        metadata={"nbgrader": {"grade": True, "grade_id": "conv2d_bias", "points": 1,
                               "locked": True, "solution": False, "schema_version": 3}})
    (tmp_path / "a1").mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), str(tmp_path / "a1" / "a1.ipynb"))
    secrets = secret_lines(load_course(tmp_path))
    assert [line for _, line in secrets.hidden.values()] == [
        "expect_array(conv2d, dict(x=x2, weight=w2), torch_conv2d(x2, w2), bias=b2)"]
    assert secrets.hidden_in(squeeze(cell.source.split("###")[0])) == []

"""The grader's parts on their own: the wire format, exceptions, seeds, flags, the course."""
import base64
import io
import json
from pathlib import Path

import numpy as np
import pytest

from autograder import judge, protocol, static
from autograder.course import load_course
from autograder.forbidden import libraries_in_maps

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
    assert isinstance(judge.student_exception("SystemExit", "bye", "f"), judge.StudentError)
    assert isinstance(judge.student_exception("KeyboardInterrupt", "", "f"), judge.StudentError)
    assert isinstance(judge.student_exception("MyError", "x", "f"), judge.StudentError)
    assert isinstance(judge.student_exception("ForbiddenLibraryError", "torch", "f"),
                      judge.ForbiddenLibraryError)


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


def test_maps_reader_sees_torch_and_scipy_but_not_numpys_openblas():
    maps = "\n".join([
        "7f00-7f01 r-xp 0 08:01 1 /venv/site-packages/numpy.libs/libscipy_openblas64_-a.so",
        "7f02-7f03 r-xp 0 08:01 2 /venv/site-packages/torch/lib/libc10.so",
        "7f04-7f05 r-xp 0 08:01 3 /venv/site-packages/scipy/signal/_sigtools.so",
        "7f06-7f07 rw-p 0 00:00 0 [heap]"])
    assert libraries_in_maps(maps) == ["scipy", "torch"]
    assert libraries_in_maps(maps.splitlines()[0]) == []


def test_the_course_knows_tests_points_setup_and_function_names():
    (nb,) = load_course(ROOT / "solutions")["assignment1"]
    assert nb.functions == ["corr2d", "convolve2d", "conv2d", "conv_output_size", "conv_params",
                            "conv_macs", "conv_flops", "conv_matrix", "corr2d_input_gradient"]
    assert [c.grade_id for c in nb.setup] == ["setup"]
    assert nb.max_score == 60 and len(nb.tests) == 17
    assert all("BEGIN HIDDEN TESTS" in t.source for t in nb.tests)

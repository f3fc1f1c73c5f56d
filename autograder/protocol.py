"""The wire format between the judge and the sandbox: one JSON object per line.

Values are JSON with tagged objects for what JSON lacks. Arrays travel as ``np.save`` bytes
and are read back with ``allow_pickle=False``, so nothing the sandbox sends can run code in
the judge. Tuples stay tuples, lists stay lists; an array comes back as a plain ndarray, and
arrays of objects (or any dtype that is not bool, int, float or complex) are refused.
"""
import base64
import io
import json

import numpy as np

ARRAY_KINDS = "biufc"          # bool, int, uint, float, complex
MAX_DEPTH = 32
MAX_CONTAINERS = 10_000        # lists and objects in one message (arrays are strings)
MAX_KEY_CHARS = 200            # dict keys: short strings, or ints of moderate size
MAX_LINE_BYTES = 100 * 2**20   # the judge refuses longer messages (a 64 MB array is 86 MB here)
MAX_RESULT_BYTES = 64 * 2**20  # the sandbox refuses to send larger results


class ProtocolError(Exception):
    """A message that does not follow the protocol."""


def _array_to_b64(a):
    a = np.asarray(a)
    if a.dtype.kind not in ARRAY_KINDS:
        raise TypeError(f"arrays of dtype {a.dtype} cannot be sent (only bool, int, float, complex)")
    buffer = io.BytesIO()
    np.save(buffer, a, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _b64_to_array(text):
    if not isinstance(text, str):
        raise ProtocolError("array payload is not a string")
    try:
        a = np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    except Exception as error:  # malformed bytes, object arrays, truncated data
        raise ProtocolError(f"bad array payload: {type(error).__name__}: "
                            f"{str(error)[:100]}") from None      # may quote the header
    if not isinstance(a, np.ndarray) or a.dtype.kind not in ARRAY_KINDS:
        raise ProtocolError("array payload has a refused dtype")
    return a


def encode(value, depth=0):
    """A JSON-able tree for value; raises TypeError for what cannot be sent."""
    if depth > MAX_DEPTH:
        raise TypeError("value is nested too deeply to be sent")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and type(value) in (int, float):
        return value
    if isinstance(value, np.ndarray):                       # subclasses become plain arrays
        return {"__t": "array", "v": _array_to_b64(value)}
    if isinstance(value, np.generic):
        return {"__t": "scalar", "v": _array_to_b64(np.asarray(value))}
    if isinstance(value, complex):
        return {"__t": "complex", "v": [value.real, value.imag]}
    if isinstance(value, tuple):
        return {"__t": "tuple", "v": [encode(v, depth + 1) for v in value]}
    if isinstance(value, list):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {"__t": "dict", "v": [[encode(k, depth + 1), encode(v, depth + 1)]
                                      for k, v in value.items()]}
    if isinstance(value, (int, float)):                     # int/float subclasses (e.g. bool-like)
        return int(value) if isinstance(value, int) else float(value)
    raise TypeError(f"a value of type {type(value).__name__} cannot be sent")


def decode(tree, depth=0):
    """The value of an encoded tree; raises ProtocolError for anything malformed."""
    if depth > MAX_DEPTH:
        raise ProtocolError("nested too deeply")
    if tree is None or isinstance(tree, (bool, int, float, str)):
        return tree
    if isinstance(tree, list):
        return [decode(v, depth + 1) for v in tree]
    if not isinstance(tree, dict) or set(tree) != {"__t", "v"}:
        raise ProtocolError("untagged object")
    tag, v = tree["__t"], tree["v"]
    if tag == "array":
        return _b64_to_array(v)
    if tag == "scalar":
        a = _b64_to_array(v)
        if a.ndim != 0:
            raise ProtocolError("scalar payload is not 0-d")
        return a[()]
    if tag == "complex" and isinstance(v, list) and len(v) == 2 \
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
        return complex(v[0], v[1])
    if tag == "tuple" and isinstance(v, list):
        return tuple(decode(x, depth + 1) for x in v)
    if tag == "dict" and isinstance(v, list):
        out = {}
        for pair in v:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise ProtocolError("bad dict item")
            key = pair[0]
            # keys whose hashes a student could make collide (tuples, huge ints, floats)
            # would make building the dict quadratic: only short strings and moderate ints
            if not ((isinstance(key, str) and len(key) <= MAX_KEY_CHARS) or
                    (type(key) is int and abs(key) < 2**60)):
                raise ProtocolError("dict keys must be short strings or ints")
            out[key] = decode(pair[1], depth + 1)
        return out
    raise ProtocolError(f"unknown tag {str(tag)[:40]!r}")      # the student's text: cut


def dumps(message):
    """One protocol line (bytes, newline-terminated)."""
    return (json.dumps(message, separators=(",", ":"), allow_nan=True) + "\n").encode("ascii")


def _clean(value):
    """value with every string made valid UTF-8: JSON's \\udcff escapes give lone
    surrogates, which cannot be written to a UTF-8 file."""
    if isinstance(value, str):           # ASCII (O(1) to ask) needs no copy: a long one
        return value if value.isascii() else value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def loads(line):
    """The message of one protocol line; ProtocolError unless it is a JSON object of at
    most MAX_CONTAINERS lists and objects (a line of `[],[],...` would cost the judge
    gigabytes)."""
    if line.count(b"[") + line.count(b"{") > MAX_CONTAINERS:
        raise ProtocolError("too many lists or objects in one message")
    try:
        message = json.loads(line)
    except (ValueError, RecursionError) as error:
        raise ProtocolError(f"not JSON: {error}") from None
    if not isinstance(message, dict):
        raise ProtocolError("message is not an object")
    return _clean(message)

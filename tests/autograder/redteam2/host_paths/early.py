# Attack: read the host paths of the course folder and of the grader's temporary folders (the
# sources of the sandbox's bind mounts) from /proc/self/mountinfo; print them for the log.
for line in open("/proc/self/mountinfo"):
    fields = line.split()
    if fields[4].startswith("/opt/autograder"):
        print("HOST PATH", fields[3], "->", fields[4])

# on_terminal.py LOG COMMAND: runs COMMAND (bash -c) with a terminal as stdin/stdout/stderr, as a user at a
# shell would; answers "yes" when Ferry asks "Type 'yes' to proceed"; writes what the terminal showed to LOG
# and exits with the command's exit code.
import os
import pty
import sys

log_path, command = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execvp("bash", ["bash", "-c", command])
seen, answered = b"", False
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # EIO: the command closed the terminal
        break
    if not chunk:
        break
    seen += chunk
    if not answered and b"Type 'yes' to proceed" in seen:
        os.write(fd, b"yes\n")
        answered = True
_, status = os.waitpid(pid, 0)
open(log_path, "wb").write(seen)
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8)

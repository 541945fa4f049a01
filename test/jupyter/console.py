# Drives Debian's jupyter-console on the nvmesim kernel through a terminal (pexpect's pty; tmux cannot make one
# on this machine) and prints what it answered.
import json, sys
import pexpect

child = pexpect.spawn("jupyter-console", ["--kernel", "nvmesim", "--simple-prompt"], encoding="utf8", timeout=90)
out = {}
try:
    child.expect(r"In \[1\]: ")
    child.sendline("1 + 1")
    child.expect(r"Out\[1\]: (\S+)")
    out["sum"] = child.match.group(1)
    child.expect(r"In \[2\]: ")
    child.sendline("(await simulate({ workload: { number_ios: 5000 } })).jobs[0].read.total_ios")
    child.expect(r"Out\[2\]: (\S+)")
    out["simulate"] = child.match.group(1)
    child.expect(r"In \[3\]: ")
    child.sendeof()  # Ctrl-D: the console asks, then shuts the kernel down
    child.expect(r"exit")
    child.sendline("y")
    child.expect(pexpect.EOF)
finally:
    child.close(force=True)
print(json.dumps(out))

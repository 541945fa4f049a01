# Drives the installed nvmesim kernelspec with jupyter_client (Debian's python3-jupyter-client), as JupyterLab,
# nbclient and VS Code do, and prints what each request gave as one JSON object.
import json, sys, time
from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

out = {}
km = KernelManager(kernel_name=sys.argv[1])
km.start_kernel()
try:
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    info = kc.kernel_info(reply=True, timeout=10)["content"]
    out["language"] = info["language_info"]["name"]
    out["protocol"] = info["protocol_version"]

    def run(code, timeout=60):
        msg_id = kc.execute(code)
        seen = []
        while True:
            m = kc.get_iopub_msg(timeout=timeout)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            t, c = m["msg_type"], m["content"]
            if t == "status" and c["execution_state"] == "idle":
                break
            if t == "stream":
                seen.append([t, c["text"]])
            elif t in ("execute_result", "display_data", "update_display_data"):
                seen.append([t, sorted(c["data"].keys()), c["data"].get("text/plain")])
            elif t == "error":
                seen.append([t, c["ename"]])
            elif t == "execute_input":
                seen.append([t, c["execution_count"]])
        reply = kc.get_shell_msg(timeout=timeout)["content"]
        return {"status": reply["status"], "count": reply["execution_count"], "outputs": seen}

    out["sum"] = run("1 + 1")
    out["simulate"] = run("const r = await simulate({ workload: { number_ios: 20000 } });\nconsole.log('iops', Math.round(r.jobs[0].read.iops));\nr.jobs[0].read.total_ios")
    out["chart"] = run("await sweep({ base: { workload: { number_ios: 5000 } }, axes: { iodepth: [1, 8] } })")
    out["error"] = run("null.x")
    out["complete"] = kc.complete("await simulate({ workload: { iod", 32, reply=True, timeout=10)["content"]
    out["inspect"] = kc.inspect("simulate(", 3, reply=True, timeout=10)["content"]

    def is_complete(code):
        kc.is_complete(code)
        return kc.get_shell_msg(timeout=10)["content"]["status"]

    out["is_complete"] = [is_complete("for (let i = 0;"), is_complete("1 +* 2"), is_complete("1 + 2")]

    # a message signed with the wrong key: dropped and never run
    wrong = Session(key=b"not-the-kernel-key", username="intruder")
    wrong.send(kc.shell_channel.socket, "execute_request", {"code": "var intruded = 1", "silent": False})
    time.sleep(2)
    stray = []
    while True:
        try:
            stray.append(kc.get_shell_msg(timeout=0.5)["msg_type"])
        except Exception:
            break
    out["wrong_key_replies"] = stray
    out["after_wrong_key"] = run("typeof intruded")

    # an interrupt of a long simulate: idle again, and how long that took
    msg_id = kc.execute("await simulate({ workload: { number_ios: 100_000_000 } })")
    time.sleep(2)
    t0 = time.time()
    km.interrupt_kernel()
    while True:
        m = kc.get_iopub_msg(timeout=30)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    out["interrupt_seconds"] = time.time() - t0
    out["interrupt_status"] = kc.get_shell_msg(timeout=10)["content"]["status"]

    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=60)
    out["after_restart"] = run("typeof r")
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    out["alive_after_shutdown"] = km.is_alive()
finally:
    if km.is_alive():
        km.shutdown_kernel(now=True)
print(json.dumps(out))

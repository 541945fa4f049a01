// Goal: a kernel preset is the set of changes up to its release, each a switch of its own; what a kernel
// cannot do is refused with the reason, and a what-if runs it anyway.
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/model/config";
import { atLeast, KERNEL_CHANGES, KERNELS } from "../../src/model/kernels";

describe("kernel presets", () => {
  it("take every change up to their release and none after it", () => {
    expect(Object.values(KERNELS["3.19"].switches).filter((v) => v === true)).toEqual([]);
    const on = (k: keyof typeof KERNELS) =>
      KERNEL_CHANGES.filter((c) => KERNELS[k].switches[c.switch]).map((c) => c.switch);
    expect(on("5.4")).toEqual(["iodInPdu", "noSubmitReap", "batchDoorbell", "singleSegmentMap"]);
    expect(on("5.15")).toContain("bioCachePolled");
    expect(on("5.15")).not.toContain("batchedCompletion");
    expect(on("6.1")).toEqual(expect.arrayContaining(["batchedCompletion", "queueRqs", "setupCmdNoMemset"]));
    expect(on("6.1")).not.toContain("bioCacheIrq"); // 6.2 (b99182c501c3)
    expect(on("6.8")).toEqual(KERNEL_CHANGES.map((c) => c.switch));
    for (const c of KERNEL_CHANGES) expect(c.source, c.switch).toMatch(/commit|\[linux-history\]/);
    expect(atLeast("5.19", "5.4")).toBe(true);
    expect(atLeast("5.4", "5.19")).toBe(false);
  });

  it("are the default switches, and a switch set alone overrides its kernel's", () => {
    const c = validateConfig({ host: { kernel: "6.8" }, switches: { queueRqs: false } });
    expect(c.switches.queueRqs).toBe(false);
    expect(c.switches.batchedCompletion).toBe(true);
    expect(validateConfig({}).host.kernel).toBe("3.19");
  });

  it("refuse what the kernel cannot do, naming the field and the reason", () => {
    const refuse = (input: object, message: RegExp) => expect(() => validateConfig(input)).toThrow(message);
    refuse({ path: "rw_page", host: { kernel: "6.8" } }, /^path: rw_page on Linux 6\.8: .*3222d8c2a7f8.*whatIf/);
    expect(validateConfig({ path: "rw_page", host: { kernel: "6.8" }, whatIf: true }).path).toBe("rw_page");
    refuse(
      { workload: { ioengine: "io_uring" } },
      /^workload\.ioengine: io_uring on Linux 3\.19: io_uring arrived in 5\.1/,
    );
    refuse({ host: { kernel: "5.15" }, workload: { ioengine: "io_uring_cmd" } }, /arrived in 5\.19/);
    refuse({ host: { kernel: "6.8" }, workload: { ioengine: "libaio", hipri: true } }, /^workload\.hipri: .*no polled/);
    refuse({ host: { kernel: "6.8" }, workload: { ioengine: "libaio", fixedbufs: true } }, /^workload\.fixedbufs/);
    refuse({ host: { kernel: "6.8" }, switches: { iodInPdu: false } }, /^switches\.iodInPdu: false on Linux 6\.8/);
  });

  it("let a synchronous direct I/O poll until 5.19, which ignores RWF_HIPRI", () => {
    const pv = (kernel: string) =>
      validateConfig({ host: { kernel }, workload: { ioengine: "pvsync2", iodepth: 1, hipri: true } }).switches.polled;
    expect(pv("5.15")).toBe(true);
    expect(pv("6.1")).toBe(false);
  });
});

// Goal: today's table prices every step today's paths take, each from a named figure or lettered assumption,
// and its derivation matches the paths: the anchor run's unlisted steps are the steps runSteps gives it.
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/model/config";
import { ANCHOR_ROWS, ANCHOR_UNLISTED, TODAY_TABLE } from "../../src/model/cost-table-today";
import { IO_ENGINES } from "../../src/model/engines";
import { KERNEL_CHANGES, KERNEL_NAMES, KERNELS } from "../../src/model/kernels";
import { stepPrices } from "../../src/model/run-costs";
import { runSteps, type RunSteps } from "../../src/model/run-steps";
import { STEPS } from "../../src/model/steps";
import { anchorConfig } from "../../src/run/uring-runs";

const all = (s: RunSteps) =>
  [
    ...Object.values(s.read).flat(),
    ...Object.values(s.write).flat(),
    ...s.sleep,
    ...s.pollPass,
    ...s.fault,
    ...s.majorFault,
    ...s.pageIn,
    ...s.pageOut,
    ...s.submitCall,
    ...s.reapCall,
  ] as string[];

describe("today's cost table", () => {
  it("prices every step of every kernel, engine and mode, with a source, and with each change turned off alone", () => {
    // Each kernel as it is, and with one of its changes undone (a tree from before it, as validation runs).
    const trees = KERNEL_NAMES.flatMap((kernel) => [
      { kernel, switches: {} },
      ...KERNEL_CHANGES.filter((c) => KERNELS[kernel].switches[c.switch]).map((c) => ({
        kernel,
        switches: { [c.switch]: false },
      })),
    ]);
    for (const { kernel, switches } of trees)
      for (const ioengine of IO_ENGINES)
        for (const hipri of [false, true])
          for (const fixedbufs of [false, true]) {
            const input = {
              host: { kernel, cpu: "core-i9-12900k" },
              switches,
              workload: {
                ioengine,
                hipri,
                fixedbufs,
                iodepth: ["psync", "pvsync2", "sync"].includes(ioengine) ? 1 : 8,
              },
            };
            let config;
            try {
              config = validateConfig(input);
            } catch {
              continue; // what the kernel cannot do (refused, tested in kernels.test.ts)
            }
            const prices = stepPrices(config.host);
            for (const step of new Set(all(runSteps(config)))) {
              expect(STEPS[step], `${kernel} ${ioengine}: ${step} is a step`).toBeDefined();
              const p = prices.get(step);
              expect(p, `${kernel} ${ioengine} hipri=${hipri}: ${step} has a price`).toBeDefined();
              expect(p!.ns).toBeGreaterThanOrEqual(0);
              expect(p!.entry.source).not.toBe("");
            }
          }
    for (const e of TODAY_TABLE.entries) expect(e.source, e.symbol).toMatch(/\[[a-z0-9-]+\]|C\d|D\d/);
  });

  it("shares the anchor's remainder among exactly the steps its run takes below the listing", () => {
    const anchor = validateConfig(anchorConfig());
    const steps = runSteps(anchor, "t/io_uring");
    const taken = new Set([
      ...steps.submitCall,
      ...steps.read.submitIo,
      ...steps.read.dispatchIo,
      ...steps.read.submitBatch,
      ...steps.read.completeIo,
      ...steps.read.completeBatch,
      ...steps.pollPass,
    ]);
    const priced = new Set([...ANCHOR_ROWS.map((r) => r.symbol), "entry_SYSCALL_64"]);
    expect(new Set(ANCHOR_UNLISTED.map((u) => u.symbol))).toEqual(new Set([...taken].filter((s) => !priced.has(s))));
  });
});

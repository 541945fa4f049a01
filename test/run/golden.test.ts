// Goal: fixed configurations keep giving the results stored in test/golden/ byte for byte, so any
// change to the model shows up as a reviewed diff. UPDATE_GOLDEN=1 rewrites the files.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/run/simulate";
import { loadNvmesim } from "../../src/wasm/node";

const GOLDEN = join(import.meta.dirname, "../golden");

const CASES: Record<string, unknown> = {
  "blk-mq-randread": { cpus: 2, workload: { number_ios: 5000, numjobs: 2, iodepth: 8, size: "16m" } },
  "rw_page-randrw-fixes": {
    path: "rw_page",
    cpus: 2,
    device: { preset: "p4800x" },
    switches: { batchDoorbell: true, irqCoalesceThreshold: 4, irqCoalesceTimeNs: 20000 },
    workload: { rw: "randrw", rwmixread: 70, bs: "8k", number_ios: 5000, numjobs: 2, iodepth: 16, size: "16m" },
  },
  "swap-sequential": { cpus: 2, workload: { kind: "swap", threads: 2, memory: "4m", workingSet: "9m", faults: 5000 } },
};

describe("golden results", async () => {
  const m = await loadNvmesim();
  for (const [name, config] of Object.entries(CASES)) {
    it(name, async () => {
      const text = JSON.stringify(await simulate(m, config), null, 1) + "\n";
      const file = join(GOLDEN, `${name}.json`);
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
      expect(text).toBe(readFileSync(file, "utf8"));
    });
  }
});

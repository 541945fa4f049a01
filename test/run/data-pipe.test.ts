// Goal: data moves at the device's rated rates. With one pipe (the default), reads and writes share the
// slower of the link and the rated sequential read; with device.dataPipe "each-way", the link's lanes carry
// each direction apart and the device's own time is shared, reads at the rated sequential read, writes at the
// rated sequential write (the P3700's datasheet: 2800 and 2000 MB/s). Either way the rated write ceilings bound
// writes: the P3700's 175 K 4 KiB random writes a second and its 2000 MB/s sequential write, by default.
import { describe, expect, it } from "vitest";
import { linkBytesPerSec, PRESETS } from "../../src/model/presets";
import { simulate } from "../../src/run/simulate";
import { loadNvmesim } from "../../src/wasm/node";

describe("the data pipe", async () => {
  const m = await loadNvmesim();
  const mbps = async (rw: string, dataPipe: string) => {
    const r = await simulate(m, {
      cpus: 4,
      device: { preset: "p3700-2014", dataPipe },
      workload: { rw, bs: "128k", iodepth: 32, numjobs: 4, size: "1g", number_ios: 20_000 },
    });
    expect(r.nvmesim.engineErrors).toBe(0);
    const j = r.jobs[0];
    return { read: (j.read.bw * 1024) / 1e6, write: (j.write.bw * 1024) / 1e6 };
  };
  const p3700 = PRESETS["p3700-2014"];

  it("each way: sequential reads and writes reach the rated rates, and a mix shares the device's time", async () => {
    expect(linkBytesPerSec(p3700)).toBeGreaterThan(p3700.seqBytesPerSec);
    const reads = (await mbps("read", "each-way")).read;
    const writes = (await mbps("write", "each-way")).write;
    expect(reads).toBeGreaterThan(2800 * 0.97);
    expect(reads).toBeLessThanOrEqual(2800 * 1.001);
    expect(writes).toBeGreaterThan(2000 * 0.97);
    expect(writes).toBeLessThanOrEqual(2000 * 1.001);
    // Half and half: each byte takes the device's time at its own rate, 1 / (0.5 / 2800 + 0.5 / 2000) in all.
    const mix = await mbps("rw", "each-way");
    const shared = 1 / (0.5 / 2800 + 0.5 / 2000);
    expect(mix.read + mix.write).toBeGreaterThan(shared * 0.97);
    expect(mix.read + mix.write).toBeLessThanOrEqual(shared * 1.001);
  });

  it("one pipe (the default): sequential writes at the rated sequential write, random 4 KiB writes at its rated IOPS", async () => {
    const writes = (await mbps("write", "one")).write;
    expect(writes).toBeGreaterThan(2000 * 0.97);
    expect(writes).toBeLessThanOrEqual(2000 * 1.001);
    for (const dataPipe of ["one", "each-way"]) {
      const r = await simulate(m, {
        device: { preset: "p3700-2014", dataPipe },
        workload: { rw: "randwrite", iodepth: 32, numjobs: 4, number_ios: 100_000 },
      });
      const iops = r.jobs[0].write.iops;
      expect(iops, dataPipe).toBeGreaterThan(175_000 * 0.97);
      expect(iops, dataPipe).toBeLessThanOrEqual(175_000 * 1.001);
    }
  });
});

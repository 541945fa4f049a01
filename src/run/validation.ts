// Validation: the model against published measurements that did not set it
// (docs/references.md). Each case runs the simulator and compares one number with
// its figure; presets and costs were set from other figures (their sources
// say which), so none of these feeds back into the model.
import type { Nvmesim } from "../wasm/module";
import { simulate } from "./simulate";

export interface ValidationCase {
  name: string;
  figure: string;
  source: string;
  /** The published value, or a range [low, high]. */
  published: number | [number, number];
  unit: string;
  config: Record<string, unknown>;
  /** The model's number for the figure, from the run(s). */
  measure: (run: (config: Record<string, unknown>) => Promise<import("./result").Result>) => Promise<number>;
}

const ALL_FIXES = {
  iodInPdu: true,
  batchDoorbell: true,
  singleSegmentMap: true,
  batchedCompletion: true,
  onStackBio: true,
};

const qd1 = (preset: string, extra: Record<string, unknown> = {}) => ({
  cpus: 1,
  device: { preset },
  workload: {
    rw: "randread",
    bs: 4096,
    iodepth: 1,
    numjobs: 1,
    ioengine: "sync",
    number_ios: 50_000,
    size: "1g",
    ...extra,
  },
});

const qd16 = (preset: string) => ({
  cpus: 4,
  device: { preset },
  workload: { rw: "randread", bs: 4096, iodepth: 16, numjobs: 1, ioengine: "async", number_ios: 300_000, size: "1g" },
});

export const VALIDATION_CASES: ValidationCase[] = [
  {
    name: "p3700-qd1-latency",
    figure: "Intel P3700, 4 KiB random read at queue depth 1, mean latency",
    source: "AnandTech review, 2014 (docs/references.md [anandtech-p3700]): ~78-112 us",
    published: [78, 112],
    unit: "us",
    config: qd1("p3700-2014"),
    measure: async (run) => (await run(qd1("p3700-2014"))).jobs[0].read.lat_ns.mean / 1000,
  },
  {
    name: "p3700-qd16-iops",
    figure: "Intel P3700, 4 KiB random read IOPS at queue depth 16",
    source: "AnandTech review, 2014 (docs/references.md [anandtech-p3700]): ~167 K IOPS",
    published: 167_000,
    unit: "IOPS",
    config: qd16("p3700-2014"),
    measure: async (run) => (await run(qd16("p3700-2014"))).jobs[0].read.iops,
  },
  {
    name: "p4800x-qd1-latency",
    figure: "Intel Optane P4800X, 4 KiB random read at queue depth 1, mean latency",
    source: "AnandTech (docs/references.md [anandtech-p4800x]): ~8.9 us (108 K IOPS)",
    published: 8.9,
    unit: "us",
    config: qd1("p4800x"),
    measure: async (run) => (await run(qd1("p4800x"))).jobs[0].read.lat_ns.mean / 1000,
  },
  {
    name: "p4800x-qd16-iops",
    figure: "Intel Optane P4800X, 4 KiB random read IOPS at queue depth 16",
    source: "AnandTech (docs/references.md [anandtech-p4800x]): ~585 K IOPS",
    published: 585_000,
    unit: "IOPS",
    config: qd16("p4800x"),
    measure: async (run) => (await run(qd16("p4800x"))).jobs[0].read.iops,
  },
  {
    name: "polled-vs-interrupt",
    figure: "4 KiB reads at queue depth 1, interrupt latency over polled latency (P4800X-class device)",
    source:
      "Shaohua Li, 2017 kernel commit on swap polling (docs/references.md [li-2017]): polling ~60% better latency, read as 1.6x",
    published: 1.6,
    unit: "x",
    config: qd1("p4800x"),
    measure: async (run) => {
      const irq = (await run(qd1("p4800x"))).jobs[0].read.lat_ns.mean;
      const polled = (await run(qd1("p4800x", { hipri: true }))).jobs[0].read.lat_ns.mean;
      return irq / polled;
    },
  },
  {
    name: "optimised-path-per-core",
    figure: "IOPS of one core on the modern block path (all later fixes, polled), 4 KiB random read, P5800X",
    source: "Linux 5.15, ~3.5 M IOPS per core (Phoronix; docs/references.md [phoronix-5.15])",
    published: 3_500_000,
    unit: "IOPS",
    config: {},
    measure: async (run) => {
      const config = {
        cpus: 1,
        device: { preset: "p5800x" },
        switches: ALL_FIXES,
        workload: {
          rw: "randread",
          bs: 4096,
          iodepth: 128,
          numjobs: 1,
          ioengine: "async",
          hipri: true,
          number_ios: 1_000_000,
          size: "1g",
        },
      };
      return (await run(config)).jobs[0].read.iops;
    },
  },
];

export interface ValidationRow {
  name: string;
  figure: string;
  source: string;
  published: number | [number, number];
  unit: string;
  model: number;
  /** Relative error: 0 inside a published range, else against the nearer end. */
  error: number;
}

export function relativeError(model: number, published: number | [number, number]): number {
  if (Array.isArray(published)) {
    const [lo, hi] = published;
    if (model >= lo && model <= hi) return 0;
    return model < lo ? (model - lo) / lo : (model - hi) / hi;
  }
  return (model - published) / published;
}

export async function runValidation(m: Nvmesim): Promise<ValidationRow[]> {
  const rows: ValidationRow[] = [];
  for (const c of VALIDATION_CASES) {
    const model = await c.measure((config) => simulate(m, config));
    rows.push({
      name: c.name,
      figure: c.figure,
      source: c.source,
      published: c.published,
      unit: c.unit,
      model,
      error: relativeError(model, c.published),
    });
  }
  return rows;
}

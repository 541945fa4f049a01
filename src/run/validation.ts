// Validation: the model against published measurements that did not set it
// (docs/references.md). Each case runs the simulator and compares one number with
// its figure; presets and costs were set from other figures (their sources
// say which), so none of these feeds back into the model.
import { FIGURES, type FigureId } from "../model/figures";
import type { Nvmesim } from "../wasm/module";
import type { Result } from "./result";
import { simulate } from "./simulate";

export interface ValidationCase {
  name: string;
  /** The published figure it compares with (figures.ts); no preset, CPU or calibration uses it. */
  figure: FigureId;
  /** What the run is, in a line: the configuration that matches the measurement. */
  setup: string;
  /** The model's number for the figure, from the run(s). */
  measure: (run: (config: Record<string, unknown>) => Promise<Result>) => Promise<number>;
  /** What the model lacks that the measurement had, shown when it misses by more than 15%. */
  ifMissed: string;
}

/** The block path as Linux 5.x had it (4.0 iod in the PDU, 5.0 batched doorbells, 5.2 single-segment map, no
 * CQ check on submission), before 5.16's batched completion. */
const LINUX_5 = { iodInPdu: true, batchDoorbell: true, singleSegmentMap: true, noSubmitReap: true };
/** Everything later kernels changed, as the model has them. */
const ALL_FIXES = { ...LINUX_5, batchedCompletion: true, onStackBio: true };
/** Linux 4.x of 2017 (iod in the PDU since 4.0, the CQ still checked on submission). */
const LINUX_4 = { iodInPdu: true };

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

const qd16 = (preset: string, switches: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  cpus: 4,
  switches,
  device: { preset },
  workload: {
    rw: "randread",
    bs: 4096,
    iodepth: 16,
    numjobs: 1,
    ioengine: "async",
    number_ios: 300_000,
    size: "1g",
    ...extra,
  },
});

/** One core, one job, queue depth 128: how many 4 KiB random reads a CPU issues and completes. */
const perCore = (preset: string, switches: Record<string, unknown>, hipri: boolean, path = "blk-mq") => ({
  cpus: 1,
  path,
  switches,
  device: { preset },
  workload: {
    rw: "randread",
    bs: 4096,
    iodepth: 128,
    numjobs: 1,
    ioengine: "async",
    hipri,
    number_ios: 400_000,
    size: "1g",
  },
});

/** The swap program with one thread on one CPU, random access: each fault reads its page. */
const swapOne = (preset: string, extra: Record<string, unknown> = {}) => ({
  cpus: 1,
  device: { preset },
  workload: {
    kind: "swap",
    threads: 1,
    memory: "16m",
    workingSet: "24m",
    pattern: "random",
    faults: 40_000,
  },
  ...extra,
});

const readIops = async (run: (c: Record<string, unknown>) => Promise<Result>, config: Record<string, unknown>) =>
  (await run(config)).jobs[0].read.iops;
const meanReadUs = async (run: (c: Record<string, unknown>) => Promise<Result>, config: Record<string, unknown>) =>
  (await run(config)).jobs[0].read.lat_ns.mean / 1000;
const usPerFault = async (run: (c: Record<string, unknown>) => Promise<Result>, config: Record<string, unknown>) =>
  1e6 / (await run(config)).nvmesim.swap!.faultsPerSec;

export const VALIDATION_CASES: ValidationCase[] = [
  {
    name: "p3700-qd1-latency",
    figure: "anandtech-p3700-qd1-latency",
    setup: "p3700-2014, one sync job at queue depth 1, 3.19 blk-mq",
    measure: (run) => meanReadUs(run, qd1("p3700-2014")),
    ifMissed: "the preset's media latency is an assumption (~70 us median)",
  },
  {
    name: "p3700-qd16-iops",
    figure: "anandtech-p3700-qd16-iops",
    setup: "p3700-2014, one async job at queue depth 16 on 4 CPUs",
    measure: (run) => readIops(run, qd16("p3700-2014")),
    ifMissed:
      "the controller's command rate is the spec's 460 K IOPS, a ceiling the review's queue depth 16 does not reach",
  },
  {
    name: "p4800x-qd1-latency",
    figure: "anandtech-p4800x-qd1-latency",
    setup: "p4800x, one sync job at queue depth 1, Linux 4.x (iod in the PDU)",
    measure: (run) => meanReadUs(run, { ...qd1("p4800x"), switches: LINUX_4 }),
    ifMissed:
      "the host path is priced on the seed's 2014 machine (the cost table has no CPU of 2017), and the preset's 7 us media time is an assumption",
  },
  {
    name: "p4800x-qd16-iops",
    figure: "anandtech-p4800x-qd16-iops",
    setup: "p4800x, one async job at queue depth 16 on 4 CPUs, Linux 4.x",
    measure: (run) => readIops(run, qd16("p4800x", LINUX_4)),
    ifMissed: "the preset's 7 parallel units are an assumption (no spec figure)",
  },
  {
    name: "p4800x-8k-qd8-iops",
    figure: "tomshw-p4800x-8k-qd8-iops",
    setup: "p4800x, 8 KiB random reads, one async job at queue depth 8 on 4 CPUs, Linux 4.x",
    measure: (run) => readIops(run, qd16("p4800x", LINUX_4, { bs: 8192, iodepth: 8 })),
    ifMissed:
      "the preset's 2.4 GB/s internal ceiling and 7 parallel units are assumptions (the product brief gives no sequential figure)",
  },
  {
    name: "uring-irq-per-core",
    figure: "axboe-2019-uring-irq",
    setup: "one core, queue depth 128, RAM-speed device, Linux 5.x block path, interrupts",
    measure: (run) => readIops(run, perCore("ram", LINUX_5, false)),
    ifMissed:
      "the model has no io_uring: its async job pays no system calls at all, and its steps are priced on the 2014 machine; a 2019 CPU and io_uring's own costs are not modelled yet",
  },
  {
    name: "uring-polled-per-core",
    figure: "axboe-2019-uring-polled",
    setup: "as above, polled (hipri)",
    measure: (run) => readIops(run, perCore("ram", LINUX_5, true)),
    ifMissed: "as above: no io_uring, and the 2014 machine's step costs",
  },
  {
    name: "linux-5.15-per-core",
    figure: "phoronix-5.15-per-core",
    setup: "one core, queue depth 128, P5800X, every later fix, polled",
    measure: (run) => readIops(run, perCore("p5800x", ALL_FIXES, true)),
    ifMissed:
      "the cost table is Linux 3.19 on 2014 hardware with later fixes removing steps; it has none of the later per-step speedups or a 2021 CPU",
  },
  {
    name: "swap-polling",
    figure: "li-2017-swap-polling",
    setup: "swap program, one thread, random access, p4800x: time per fault with interrupts over polled",
    measure: async (run) => {
      const irq = await usPerFault(run, swapOne("p4800x", { switches: LINUX_4 }));
      const polled = await usPerFault(run, swapOne("p4800x", { switches: { ...LINUX_4, polled: true } }));
      return irq / polled;
    },
    ifMissed:
      "the commit measured in a virtual machine, where an interrupt is a VM exit and a wake-up crosses the hypervisor; the model's host is bare metal",
  },
  {
    name: "zram-rw_page",
    figure: "kim-2017-zram-rw_page",
    setup:
      "swap program on brd, a synchronous RAM device (2 us media), rw_page over blk-mq with 4.x fixes and the on-stack bio: time per fault",
    measure: async (run) => {
      const brd = { preset: "brd" };
      const rw = await usPerFault(run, { ...swapOne("brd"), path: "rw_page", device: brd });
      const bio = await usPerFault(run, {
        ...swapOne("brd"),
        device: brd,
        switches: { ...LINUX_4, onStackBio: true },
      });
      return rw / bio;
    },
    ifMissed:
      "zram is a bio-based driver that completes in the submitter: its bio path has no blk-mq request, tag, interrupt or NVMe command, while the model's RAM device sits behind an NVMe queue",
  },
  {
    name: "passthru-gain",
    figure: "io-passthru-gain",
    setup:
      "one core, queue depth 128, RAM-speed device, Linux 5.x: a fio job on rw_page (a request and tag, no bio; a what-if) over blk-mq, IOPS",
    measure: async (run) =>
      (await readIops(run, perCore("ram", LINUX_5, false, "rw_page"))) /
      (await readIops(run, perCore("ram", LINUX_5, false))),
    ifMissed:
      "passthrough still maps the user buffer into a bio and runs io_uring's command path, which rw_page does not have",
  },
];

export interface ValidationRow {
  name: string;
  figure: string;
  setup: string;
  source: string;
  published: number | [number, number];
  unit: string;
  model: number;
  /** Relative error: 0 inside a published range, else against the nearer end. */
  error: number;
  within: boolean;
  /** Why it misses, when it does. */
  miss?: string;
}

/** Within how much of a figure the model should land. */
export const WITHIN = 0.15;

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
    const f = FIGURES[c.figure];
    const model = await c.measure((config) => simulate(m, config));
    const error = relativeError(model, f.value);
    const within = Math.abs(error) <= WITHIN;
    rows.push({
      name: c.name,
      figure: f.what,
      setup: c.setup,
      source: `docs/references.md [${f.ref}]`,
      published: f.value as number | [number, number],
      unit: f.unit,
      model,
      error,
      within,
      ...(within ? {} : { miss: c.ifMissed }),
    });
  }
  return rows;
}

// Validation: the model against published measurements that did not set it
// (docs/references.md). Each case runs the simulator and compares one number with
// its figure; presets and costs were set from other figures (their sources
// say which), so none of these feeds back into the model.
import { FIGURES, type FigureId } from "../model/figures";
import type { Nvmesim } from "../wasm/module";
import type { Result } from "./result";
import { simulate } from "./simulate";
import { TODAY_CASES } from "./validation-today";
import { TODAY_CPU } from "../model/cost-table-today";

/** Runs a configuration as fio runs it, or as fio's t/io_uring does. */
type Run = (config: Record<string, unknown>, program?: "fio" | "t/io_uring") => Promise<Result>;

export interface ValidationCase {
  name: string;
  /** The published figure it compares with (figures.ts); no preset, CPU or calibration uses it. */
  figure: FigureId;
  /** The kernel and CPU the figure was measured on, as the source names them (presets, or "not stated"). */
  kernel: string;
  cpu: string;
  /** What the run is, in a line: the configuration that matches the measurement. */
  setup: string;
  /** The model's number for the figure, from the run(s). */
  measure: (run: Run) => Promise<number>;
  /** What the model lacks that the measurement had, shown when it misses by more than 15%. */
  ifMissed: string;
}

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

const readIops = async (run: Run, config: Record<string, unknown>, program?: "fio" | "t/io_uring") =>
  (await run(config, program)).jobs[0].read.iops;
const meanReadUs = async (run: Run, config: Record<string, unknown>) =>
  (await run(config)).jobs[0].read.lat_ns.mean / 1000;
const usPerFault = async (run: Run, config: Record<string, unknown>) =>
  1e6 / (await run(config)).nvmesim.swap!.faultsPerSec;

/** t/io_uring's defaults: 4 KiB random reads, depth 128, batches of 32. */
const URING_2019 = {
  rw: "randread",
  bs: 4096,
  iodepth: 128,
  numjobs: 1,
  ioengine: "io_uring",
  iodepth_batch_submit: 32,
  iodepth_batch_complete_min: 32,
  number_ios: 300_000,
  size: "1g",
};
const uring2019 = (hipri: boolean) => ({
  cpus: 1,
  host: { kernel: "5.4", cpu: "xeon-e5-v2" },
  device: { preset: "p5800x", count: 4 },
  workload: { ...URING_2019, hipri },
});

export const VALIDATION_CASES: ValidationCase[] = [
  {
    name: "p3700-qd1-latency",
    figure: "anandtech-p3700-qd1-latency",
    kernel: "3.19",
    cpu: "not stated",
    setup: "p3700-2014, one sync job at queue depth 1, 3.19 blk-mq",
    measure: (run) => meanReadUs(run, qd1("p3700-2014")),
    ifMissed: "the preset's media latency is an assumption (~70 us median)",
  },
  {
    name: "p3700-qd16-iops",
    figure: "anandtech-p3700-qd16-iops",
    kernel: "3.19",
    cpu: "not stated",
    setup: "p3700-2014, one async job at queue depth 16 on 4 CPUs",
    measure: (run) => readIops(run, qd16("p3700-2014")),
    ifMissed:
      "the controller's command rate is the spec's 460 K IOPS, a ceiling the review's queue depth 16 does not reach",
  },
  {
    name: "p4800x-qd1-latency",
    figure: "anandtech-p4800x-qd1-latency",
    kernel: "4.x (3.19 with the iod in the PDU)",
    cpu: "not stated",
    setup: "p4800x, one sync job at queue depth 1, Linux 4.x (iod in the PDU)",
    measure: (run) => meanReadUs(run, { ...qd1("p4800x"), switches: LINUX_4 }),
    ifMissed:
      "the host path is priced on the seed's 2014 machine (the cost table has no CPU of 2017), and the preset's 7 us media time is an assumption",
  },
  {
    name: "p4800x-qd16-iops",
    figure: "anandtech-p4800x-qd16-iops",
    kernel: "4.x (3.19 with the iod in the PDU)",
    cpu: "not stated",
    setup: "p4800x, one async job at queue depth 16 on 4 CPUs, Linux 4.x",
    measure: (run) => readIops(run, qd16("p4800x", LINUX_4)),
    ifMissed: "the preset's 7 parallel units are an assumption (no spec figure)",
  },
  {
    name: "p4800x-8k-qd8-iops",
    figure: "tomshw-p4800x-8k-qd8-iops",
    kernel: "4.x (3.19 with the iod in the PDU)",
    cpu: "not stated",
    setup: "p4800x, 8 KiB random reads, one async job at queue depth 8 on 4 CPUs, Linux 4.x",
    measure: (run) => readIops(run, qd16("p4800x", LINUX_4, { bs: 8192, iodepth: 8 })),
    ifMissed:
      "the preset's 2.4 GB/s internal ceiling and 7 parallel units are assumptions (the product brief gives no sequential figure)",
  },
  {
    name: "uring-irq-per-core",
    figure: "axboe-2019-uring-irq",
    kernel: "5.4",
    cpu: "not stated",
    setup:
      "t/io_uring 4 KiB random reads at depth 128, one core, interrupts, Linux 5.4 (the paper's kernel was 5.1), four P5800X so the device never limits; the CPU is not named: the seed's CPU, whose table's scale the same paper's libaio figure set",
    measure: (run) => readIops(run, uring2019(false), "t/io_uring"),
    ifMissed:
      "today's table is priced from the 5.16-5.17 trees of late 2021; most of what made 5.1 slower than that has no switch in the model",
  },
  {
    name: "uring-polled-per-core",
    figure: "axboe-2019-uring-polled",
    kernel: "5.4",
    cpu: "not stated",
    setup: "as above, polled (hipri)",
    measure: (run) => readIops(run, uring2019(true), "t/io_uring"),
    ifMissed: "as above",
  },
  {
    name: "linux-5.15-per-core",
    figure: "phoronix-5.15-per-core",
    kernel: "5.15",
    cpu: "not stated",
    setup:
      "t/io_uring 512 B at depth 128, polled, fixed buffers and files, one thread, Linux 5.15; one drive in the source, which did not limit its core (a gen2 Optane serves ~5.1 M): sixteen P5800X stand in; the CPU not named (Jens Axboe's AMD box of August 2021, before he moved to the 5950X: the Threadripper 3970X)",
    measure: (run) =>
      readIops(
        run,
        {
          cpus: 1,
          host: { kernel: "5.15", cpu: "threadripper-3970x" },
          device: { preset: "p5800x", count: 16 },
          workload: { ...URING_2019, bs: 512, hipri: true, fixedbufs: true, registerfiles: true },
        },
        "t/io_uring",
      ),
    ifMissed:
      "today's table is priced from the trees of December 2021; the summer's 5.15 lacked dozens of per-I/O fixes of October that have no switch in the model",
  },
  {
    name: "swap-polling",
    figure: "li-2017-swap-polling",
    kernel: "4.x (3.19 with the iod in the PDU)",
    cpu: "not stated (a virtual machine)",
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
    kernel: "4.x (3.19 with the iod in the PDU)",
    cpu: "not stated",
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
    kernel: "6.1",
    cpu: "not stated",
    setup:
      "t/io_uring -b512 -d128 -c32 -s32 -p0 -B0 -F1 -n1 as the FAST'24 artifact runs it on one P5800X (sixteen stand in, so that the device does not limit the core), Linux 6.1 with 6.2's bio cache for interrupt-driven I/O (the paper's 6.2), the table's CPU (not named): /dev/ng0n1 over /dev/nvme0n1",
    measure: async (run) => {
      const plain = (ioengine: string) => ({
        cpus: 1,
        host: { kernel: "6.1", cpu: TODAY_CPU },
        switches: { bioCacheIrq: true },
        device: { preset: "p5800x", count: 16 },
        workload: { ...URING_2019, bs: 512, ioengine, registerfiles: true },
      });
      return (
        (await readIops(run, plain("io_uring_cmd"), "t/io_uring")) /
        (await readIops(run, plain("io_uring"), "t/io_uring"))
      );
    },
    ifMissed: "passthrough's own steps are priced by analogy with the block path's (docs/calibration.md, C7)",
  },
  ...TODAY_CASES,
];

export interface ValidationRow {
  name: string;
  figure: string;
  kernel: string;
  cpu: string;
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

/** A ratio is judged by the gain it measures (ratio - 1), to within 15% of that gain, or of this much for a
 * smaller one: within 15% of the ratio itself would let a model with no effect pass a gain of a few percent. */
export const GAIN_FLOOR = 0.1;

/** Relative error of `model` against `published`: 0 inside a published range, else against its nearer end; a
 * ratio (unit "x") by its gain, over the gain or GAIN_FLOOR, whichever is larger. */
export function relativeError(model: number, published: number | [number, number], unit = ""): number {
  const [lo, hi] = Array.isArray(published) ? published : [published, published];
  if (model >= lo && model <= hi) return 0;
  const near = Math.abs(model - lo) < Math.abs(model - hi) ? lo : hi;
  if (unit !== "x") return (model - near) / near;
  return (model - near) / Math.max(Math.abs(near - 1), GAIN_FLOOR);
}

export async function runValidation(m: Nvmesim): Promise<ValidationRow[]> {
  const rows: ValidationRow[] = [];
  for (const c of VALIDATION_CASES) {
    const f = FIGURES[c.figure];
    const model = await c.measure((config, program) => simulate(m, config, { program }));
    const error = relativeError(model, f.value, f.unit);
    const within = Math.abs(error) <= WITHIN;
    rows.push({
      name: c.name,
      figure: f.what,
      kernel: c.kernel,
      cpu: c.cpu,
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
